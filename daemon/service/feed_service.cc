#include "daemon/service/feed_service.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/core/port_machine.h"
#include "daemon/engine/handlers.h"
#include "daemon/service/feed_stream.h"
#include "daemon/service/snapshot_stream.h"
#include "daemon/service/status.h"
#include "daemon/service/unary.h"
#include "daemon/service/validation.h"

namespace npd::service {
namespace {
constexpr char kConfirm[] = "/npd.v1.RoutingFeedService/Confirm";

// A stream that ends at once with `status`.
template <typename Response = npd::v1::SubscribeResponse>
class RefusedStream final : public grpc::ServerWriteReactor<Response> {
 public:
  explicit RefusedStream(grpc::Status status) { this->Finish(std::move(status)); }
  // A refusal of admission, answered when the gatekeeper says.
  RefusedStream(Gatekeeper& gatekeeper, const absl::Status& refusal) {
    gatekeeper.Refuse(refusal, [this](grpc::Status s) { this->Finish(std::move(s)); });
  }
  void OnDone() override { delete this; }
};
}  // namespace

absl::Status FeedHistoryPruned(uint64_t from, uint64_t first_retained) {
  return absl::FailedPreconditionError(absl::StrCat(
      "feed position ", from, " is older than the history kept (first retained ", first_retained,
      "); re-sync: ExportSnapshot, then Subscribe from its feed_sequence + 1"));
}

FeedHub::FeedHub(absl::Duration heartbeat_interval) : heartbeat_interval_(heartbeat_interval) {
  heartbeat_thread_ = std::thread([this] { HeartbeatLoop(); });
}

FeedHub::~FeedHub() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  heartbeat_thread_.join();
}

void FeedHub::Advance(uint64_t head) {
  std::lock_guard lock(mu_);
  head_ = std::max(head_, head);
  for (FeedStream* s : streams_) s->Wake(head);
}

void FeedHub::Drain() {
  std::lock_guard lock(mu_);
  draining_ = true;
  for (FeedStream* s : streams_) s->EndForShutdown();
}

void FeedHub::Register(FeedStream* stream) {
  std::lock_guard lock(mu_);
  streams_.insert(stream);
  if (draining_) stream->EndForShutdown();
}

void FeedHub::Unregister(FeedStream* stream) {
  std::lock_guard lock(mu_);
  streams_.erase(stream);
}

bool FeedHub::draining() const {
  std::lock_guard lock(mu_);
  return draining_;
}

void FeedHub::HeartbeatLoop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    // Checking ten times per interval keeps a heartbeat at most 1.1 intervals after the last write.
    cv_.wait_for(lock, absl::ToChronoMilliseconds(
                           std::max(heartbeat_interval_ / 10, absl::Milliseconds(10))));
    if (stop_) break;
    for (FeedStream* s : streams_) s->HeartbeatIfIdle(head_, heartbeat_interval_);
  }
}

grpc::ServerWriteReactor<npd::v1::SubscribeResponse>* FeedService::Subscribe(
    grpc::CallbackServerContext* context, const npd::v1::SubscribeRequest* request) {
  auto admitted = gatekeeper_.Admit(*context, "/npd.v1.RoutingFeedService/Subscribe", *request);
  if (!admitted.ok()) return new RefusedStream<>(gatekeeper_, admitted.status());
  if (hub_.draining()) {
    return new RefusedStream<>(grpc::Status(grpc::StatusCode::UNAVAILABLE, "npd is shutting down"));
  }
  const std::string caller = admitted->principal.Actor();
  const uint64_t head = engine_.FeedHead();
  uint64_t from = request->from_sequence();
  if (from == 0) {
    from = caller == core::kOperatorActor ? 1 : engine_.ConfirmedPosition(caller) + 1;
  }
  if (from > head + 1) {
    return new RefusedStream<>(ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("from_sequence ", from, " is beyond the feed head ", head, " + 1"))));
  }
  if (const uint64_t first = engine_.FirstRetainedSequence(); from < first) {
    return new RefusedStream<>(ToGrpcStatus(FeedHistoryPruned(from, first)));
  }
  auto* stream =
      new FeedStream(store_, hub_, engine_, caller, from, head, std::move(admitted->slot));
  stream->Begin();
  return stream;
}

grpc::ServerUnaryReactor* FeedService::Confirm(grpc::CallbackServerContext* context,
                                               const npd::v1::ConfirmRequest* request,
                                               npd::v1::ConfirmResponse* response) {
  return RunMutation(
      engine_, gatekeeper_, context, *request, response, kConfirm,
      [&] { return Validate(*request); }, &engine::HandleConfirm);
}

grpc::ServerWriteReactor<npd::v1::ExportSnapshotResponse>* FeedService::ExportSnapshot(
    grpc::CallbackServerContext* context, const npd::v1::ExportSnapshotRequest* request) {
  using Refused = RefusedStream<npd::v1::ExportSnapshotResponse>;
  auto admitted =
      gatekeeper_.Admit(*context, "/npd.v1.RoutingFeedService/ExportSnapshot", *request);
  if (!admitted.ok()) return new Refused(gatekeeper_, admitted.status());
  if (hub_.draining()) {
    return new Refused(grpc::Status(grpc::StatusCode::UNAVAILABLE, "npd is shutting down"));
  }
  auto snapshot = store_.Snapshot();
  if (!snapshot.ok()) return new Refused(ToGrpcStatus(snapshot.status()));
  auto* stream =
      new SnapshotStream(*std::move(snapshot), *engine_.context().plan, std::move(admitted->slot));
  stream->Begin();
  return stream;
}

}  // namespace npd::service
