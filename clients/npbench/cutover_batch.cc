#include "clients/npbench/cutover_batch.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/npbench/confirmer.h"
#include "npd/v1/feed.grpc.pb.h"
#include "npd/v1/porting.grpc.pb.h"

namespace npd::bench {
namespace {

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// Every carrier's feed consumer, and the batch they wait for. One mutex guards it all: the
// approvals (setup) and the changes (feed) may arrive in either order.
class BatchWatch {
 public:
  BatchWatch(ChannelPool& channels, const NumberPool& pool) {
    std::set<std::string> carriers;
    for (const auto& b : pool.blocks) carriers.insert(b.carrier);
    for (const auto& carrier : carriers) {
      consumers_.push_back(std::make_unique<Consumer>());
      consumers_.back()->carrier = carrier;
      consumers_.back()->channel = channels.One(carrier, 0);
    }
    for (auto& c : consumers_) {
      Consumer* raw = c.get();
      raw->reader = std::thread([this, raw] { Read(*raw); });
      raw->confirmer = std::thread([this, raw] { ConfirmLoop(*raw); });
    }
  }
  ~BatchWatch() { Stop(); }

  void Approved(const npd::v1::Port& port) {
    std::lock_guard lock(mu_);
    approved_.insert(port.port_id());
    const absl::Time at = TimeOf(port.cutover_at());
    first_cutover_ = std::min(first_cutover_, at);
    last_cutover_ = std::max(last_cutover_, at);
    for (auto& c : consumers_) {
      auto it = c->seen.find(port.port_id());
      if (it != c->seen.end()) Match(*c, it->second);  // CheckDone waits for SetupDone
    }
  }
  // The setup is over: the batch is what was approved.
  void SetupDone() {
    std::lock_guard lock(mu_);
    setup_done_ = true;
    for (auto& c : consumers_) CheckDone(*c);
    cv_.notify_all();
  }
  // Waits until every carrier confirmed the whole batch, or `deadline`.
  bool WaitAllConfirmed(absl::Time deadline) {
    std::unique_lock lock(mu_);
    return cv_.wait_until(lock, absl::ToChronoTime(deadline), [this] {
      return std::all_of(consumers_.begin(), consumers_.end(),
                         [](const auto& c) { return c->done_at != absl::InfiniteFuture(); });
    });
  }
  void Stop() {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      stop_ = true;
      cv_.notify_all();
    }
    for (auto& c : consumers_) {
      c->confirmer.join();
      c->context.TryCancel();
      c->reader.join();
    }
  }

  struct Result {
    uint64_t approved;
    absl::Time first_cutover, last_cutover, all_received, all_done;
    uint64_t seen_min;
    std::unordered_set<std::string> approved_ids;
  };
  Result Take() {
    std::lock_guard lock(mu_);
    Result r{approved_.size(),     first_cutover_, last_cutover_, absl::InfinitePast(),
             absl::InfinitePast(), UINT64_MAX,     approved_};
    for (auto& c : consumers_) {
      r.all_received = std::max(r.all_received, c->received_at);
      r.all_done = std::max(r.all_done, c->done_at);
      r.seen_min = std::min(r.seen_min, c->matched);
    }
    if (consumers_.empty()) r.seen_min = 0;
    return r;
  }

 private:
  struct Consumer {
    std::string carrier;
    std::shared_ptr<grpc::Channel> channel;  // the carrier's own
    grpc::ClientContext context;
    std::unordered_map<std::string, uint64_t> seen;   // port id -> feed sequence
    uint64_t head = 0;                                // highest sequence received
    uint64_t confirmed = 0;                           // highest sequence npd acknowledged
    uint64_t matched = 0;                             // batch changes received
    uint64_t last_matched = 0;                        // highest sequence of those
    absl::Time received_at = absl::InfiniteFuture();  // every batch change received
    absl::Time done_at = absl::InfiniteFuture();      // and confirmed
    std::thread reader, confirmer;
  };

  // Requires mu_.
  void Match(Consumer& c, uint64_t sequence) {
    ++c.matched;
    c.last_matched = std::max(c.last_matched, sequence);
  }
  // Requires mu_.
  void CheckDone(Consumer& c) {
    if (c.received_at == absl::InfiniteFuture() && setup_done_ && !approved_.empty() &&
        c.matched == approved_.size()) {
      c.received_at = absl::Now();
    }
    if (c.done_at == absl::InfiniteFuture() && setup_done_ && !approved_.empty() &&
        c.matched == approved_.size() && c.confirmed >= c.last_matched) {
      c.done_at = absl::Now();
      cv_.notify_all();
    }
  }

  void Read(Consumer& c) {
    auto stub = npd::v1::RoutingFeedService::NewStub(c.channel);
    npd::v1::SubscribeRequest request;  // from the carrier's confirmed position
    auto stream = stub->Subscribe(&c.context, request);
    npd::v1::SubscribeResponse message;
    while (stream->Read(&message)) {
      if (!message.has_change()) continue;
      const auto& change = message.change();
      std::lock_guard lock(mu_);
      c.head = std::max(c.head, change.sequence());
      if (c.seen.emplace(change.port_id(), change.sequence()).second &&
          approved_.contains(change.port_id())) {
        Match(c, change.sequence());
        CheckDone(c);
      }
      cv_.notify_all();
    }
    stream->Finish();
  }

  // Confirms everything received as soon as the previous confirmation was answered.
  void ConfirmLoop(Consumer& c) {
    auto stub = npd::v1::RoutingFeedService::NewStub(c.channel);
    for (;;) {
      uint64_t target;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || c.head > c.confirmed; });
        if (stop_) return;
        target = c.head;
      }
      const auto confirmed =
          ConfirmFeed(*stub, c.carrier, target, "batch-confirm", absl::Seconds(30));
      std::lock_guard lock(mu_);
      if (confirmed.has_value()) {
        c.confirmed = std::max(c.confirmed, *confirmed);
        CheckDone(c);
      }
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool setup_done_ = false;
  std::unordered_set<std::string> approved_;
  absl::Time first_cutover_ = absl::InfiniteFuture();
  absl::Time last_cutover_ = absl::InfinitePast();
  std::vector<std::unique_ptr<Consumer>> consumers_;
};

// Batch ports in state COMPLETED, counted over ListPorts pages as the operator.
uint64_t CountCompleted(const std::shared_ptr<grpc::Channel>& channel,
                        const std::unordered_set<std::string>& batch) {
  auto stub = npd::v1::PortingService::NewStub(channel);
  npd::v1::ListPortsRequest request;
  request.set_state(npd::v1::PORT_STATE_COMPLETED);
  request.set_page_size(1000);
  uint64_t completed = 0;
  for (;;) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    npd::v1::ListPortsResponse response;
    if (!stub->ListPorts(&context, request, &response).ok()) break;
    for (const auto& port : response.ports()) completed += batch.contains(port.port_id()) ? 1 : 0;
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  return completed;
}

}  // namespace

CutoverBatchReport RunCutoverBatch(ChannelPool& channels, const NumberPool& pool,
                                   const CutoverBatchOptions& options) {
  CutoverBatchReport report;
  BatchWatch watch(channels, pool);
  auto load = MakePortWorkload(
      channels, pool,
      PortOptions{.first_number = options.first_number,
                  .ports = options.ports,
                  .on_approved = [&watch](const npd::v1::Port& port) { watch.Approved(port); }});
  report.setup =
      RunLoad(*load, LoadOptions{.concurrency = options.concurrency, .duration = absl::Hours(24)});
  report.setup_end = absl::Now();
  watch.SetupDone();
  auto batch = watch.Take();
  const absl::Time from = std::max(batch.last_cutover, report.setup_end);
  // Nothing approved (every number refused, e.g. already ported on this store): nothing to wait
  // for.
  if (batch.approved > 0) watch.WaitAllConfirmed(from + options.timeout);
  watch.Stop();
  batch = watch.Take();
  report.approved = batch.approved;
  report.first_cutover = batch.first_cutover;
  report.last_cutover = batch.last_cutover;
  report.cutover_during_setup = batch.approved > 0 && batch.first_cutover < report.setup_end;
  if (batch.approved > 0 && batch.all_received != absl::InfiniteFuture()) {
    report.all_received = batch.all_received - from;
  }
  if (batch.approved > 0 && batch.all_done != absl::InfiniteFuture()) {
    report.all_confirmed = batch.all_done - from;
  }
  report.changes_seen_min = batch.seen_min;
  report.completed_ports = CountCompleted(channels.One(kBenchOperator, 0), batch.approved_ids);
  return report;
}

}  // namespace npd::bench
