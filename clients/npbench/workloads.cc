#include "clients/npbench/workloads.h"

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "npd/bench/v1/echo.grpc.pb.h"
#include "npd/v1/number.grpc.pb.h"
#include "npd/v1/porting.grpc.pb.h"

namespace npd::bench {
namespace {

std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    absl::string_view l = absl::StripAsciiWhitespace(line);
    if (l.empty() || l[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> fields = absl::StrSplit(l, ',');
    for (auto& f : fields) f = std::string(absl::StripAsciiWhitespace(f));
    rows.push_back(std::move(fields));
  }
  return rows;
}

// A call's context and messages, alive until its completion.
template <typename Req, typename Resp>
struct Call {
  grpc::ClientContext context;
  Req request;
  Resp response;
};

class EchoWorkload final : public Workload {
 public:
  EchoWorkload(ChannelPool& channels, size_t payload_bytes) : payload_(payload_bytes, 'x') {
    for (auto& c : channels.For("cmcc")) stubs_.push_back(npd::bench::v1::EchoService::NewStub(c));
  }
  bool Issue(int slot, std::function<void(const grpc::Status&)> done) override {
    auto* call = new Call<npd::bench::v1::EchoRequest, npd::bench::v1::EchoResponse>;
    call->request.set_payload(payload_);
    stubs_[slot % stubs_.size()]->async()->Echo(&call->context, &call->request, &call->response,
                                                [call, done = std::move(done)](grpc::Status s) {
                                                  delete call;
                                                  done(s);
                                                });
    return true;
  }

 private:
  std::string payload_;
  std::vector<std::unique_ptr<npd::bench::v1::EchoService::Stub>> stubs_;
};

class LookupWorkload final : public Workload {
 public:
  LookupWorkload(ChannelPool& channels, NumberPool pool, LookupOptions options)
      : pool_(std::move(pool)), options_(options) {
    for (auto& c : channels.For("cmcc")) stubs_.push_back(npd::v1::NumberService::NewStub(c));
  }
  bool Issue(int slot, std::function<void(const grpc::Status&)> done) override {
    const uint64_t size = options_.msisdn_count > 0 ? options_.msisdn_count : pool_.size();
    uint64_t index;
    {
      std::lock_guard lock(mu_);
      const bool hot = options_.hot_fraction > 0 && coin_(rng_) < options_.hot_fraction;
      const uint64_t range = hot ? std::max<uint64_t>(1, size / 100) : size;
      index = rng_() % range;
    }
    auto* call = new Call<npd::v1::LookupRequest, npd::v1::LookupResponse>;
    call->request.set_msisdn(options_.msisdn_count > 0 ? absl::StrCat(options_.msisdn_first + index)
                                                       : pool_.Number(index));
    stubs_[slot % stubs_.size()]->async()->Lookup(&call->context, &call->request, &call->response,
                                                  [call, done = std::move(done)](grpc::Status s) {
                                                    delete call;
                                                    done(s);
                                                  });
    return true;
  }

 private:
  NumberPool pool_;
  LookupOptions options_;
  std::mutex mu_;
  std::mt19937_64 rng_{42};
  std::uniform_real_distribution<double> coin_{0.0, 1.0};
  std::vector<std::unique_ptr<npd::v1::NumberService::Stub>> stubs_;
};

// One port lifecycle in progress.
struct Lane {
  int step = 0;  // 0 issue code, 1 submit, 2 approve
  std::string msisdn, donor, recipient, local_network, code, port_id;
};

class PortWorkload final : public Workload {
 public:
  PortWorkload(ChannelPool& channels, NumberPool pool, PortOptions options)
      : pool_(std::move(pool)),
        on_approved_(std::move(options.on_approved)),
        next_number_(options.first_number),
        end_number_(options.ports > 0 ? options.first_number + options.ports : UINT64_MAX) {
    holder_.set_id_type(npd::v1::ID_TYPE_RESIDENT);
    holder_.set_id_number("11010519491231002X");
    holder_.set_name("张三");
    for (const auto& b : pool_.blocks) carriers_[b.carrier] = true;
    for (const auto& [carrier, unused] : carriers_) {
      for (auto& c : channels.For(carrier)) {
        stubs_[carrier].push_back(npd::v1::PortingService::NewStub(c));
      }
    }
  }

  bool Issue(int slot, std::function<void(const grpc::Status&)> done) override {
    Lane* lane = TakeLane();
    if (lane == nullptr) return false;
    // Each call goes over the channels of the carrier that makes it (its certificate).
    const auto stub = [&](const std::string& carrier) {
      const auto& stubs = stubs_.at(carrier);
      return stubs[static_cast<size_t>(slot) % stubs.size()].get();
    };
    const std::string request_id = absl::StrCat(run_id_, "-", request_counter_++);
    switch (lane->step) {
      case 0: {
        auto* call = new Call<npd::v1::IssueAuthCodeRequest, npd::v1::IssueAuthCodeResponse>;
        call->request.set_request_id(request_id);
        call->request.set_msisdn(lane->msisdn);
        *call->request.mutable_holder() = holder_;
        stub(lane->donor)
            ->async()
            ->IssueAuthCode(&call->context, &call->request, &call->response,
                            [this, call, lane, done = std::move(done)](grpc::Status s) {
                              const bool ok = s.ok() && call->response.issued();
                              if (ok) lane->code = call->response.code();
                              delete call;
                              Advance(lane, ok);
                              done(s);
                            });
        break;
      }
      case 1: {
        auto* call = new Call<npd::v1::SubmitPortRequest, npd::v1::SubmitPortResponse>;
        call->request.set_request_id(request_id);
        call->request.set_msisdn(lane->msisdn);
        call->request.set_auth_code(lane->code);
        *call->request.mutable_applicant() = holder_;
        call->request.set_local_network(lane->local_network);
        call->request.set_channel(npd::v1::CHANNEL_ONLINE);
        stub(lane->recipient)
            ->async()
            ->SubmitPort(&call->context, &call->request, &call->response,
                         [this, call, lane, done = std::move(done)](grpc::Status s) {
                           const bool ok = s.ok() && call->response.port().state() ==
                                                         npd::v1::PORT_STATE_PENDING_DONOR;
                           if (ok) lane->port_id = call->response.port().port_id();
                           delete call;
                           Advance(lane, ok);
                           done(s);
                         });
        break;
      }
      default: {
        auto* call = new Call<npd::v1::AnswerPortRequest, npd::v1::AnswerPortResponse>;
        call->request.set_request_id(request_id);
        call->request.set_port_id(lane->port_id);
        call->request.set_approve(true);
        stub(lane->donor)
            ->async()
            ->AnswerPort(&call->context, &call->request, &call->response,
                         [this, call, lane, done = std::move(done)](grpc::Status s) {
                           if (s.ok() && on_approved_ &&
                               call->response.port().state() == npd::v1::PORT_STATE_SCHEDULED) {
                             on_approved_(call->response.port());
                           }
                           delete call;
                           Advance(lane, false);
                           done(s);
                         });
        break;
      }
    }
    return true;
  }

 private:
  // A lane ready for its next call: a free one, or a new lifecycle on the next number; nullptr when
  // every number of the run has been taken.
  Lane* TakeLane() {
    std::lock_guard lock(mu_);
    if (!free_.empty()) {
      Lane* lane = free_.back();
      free_.pop_back();
      return lane;
    }
    if (next_number_ >= end_number_) return nullptr;
    lanes_.push_back(std::make_unique<Lane>());
    Lane* lane = lanes_.back().get();
    Reset(*lane);
    return lane;
  }
  // Starts a lifecycle on the next number. Requires mu_ and next_number_ < end_number_.
  void Reset(Lane& lane) {
    const NumberPool::Block* block = nullptr;
    lane.msisdn = pool_.Number(next_number_++, &block);
    lane.donor = block->carrier;
    lane.local_network = block->local_network;
    auto it = carriers_.upper_bound(lane.donor);
    lane.recipient = it == carriers_.end() ? carriers_.begin()->first : it->first;
    lane.step = 0;
  }
  // The lane's call finished: move to the next step (or a new number when done or refused).
  void Advance(Lane* lane, bool continue_lifecycle) {
    std::lock_guard lock(mu_);
    if (continue_lifecycle) {
      ++lane->step;
    } else if (next_number_ < end_number_) {
      Reset(*lane);
    } else {
      return;  // no number left for this lane
    }
    free_.push_back(lane);
  }

  NumberPool pool_;
  std::function<void(const npd::v1::Port&)> on_approved_;
  npd::v1::Identity holder_;
  std::map<std::string, bool> carriers_;
  // Idempotency keys: unique per run, so runs against one store do not replay each other's answers.
  const std::string run_id_ = absl::StrCat("npbench-", absl::ToUnixMicros(absl::Now()));
  std::atomic<uint64_t> request_counter_{0};
  std::mutex mu_;
  uint64_t next_number_;
  const uint64_t end_number_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::vector<Lane*> free_;
  std::map<std::string, std::vector<std::unique_ptr<npd::v1::PortingService::Stub>>> stubs_;
};

}  // namespace

std::string NumberPool::Number(uint64_t i, const Block** block) const {
  const Block& b = blocks[(i / 10000) % blocks.size()];
  if (block != nullptr) *block = &b;
  return absl::StrFormat("%s%04d", b.prefix, i % 10000);
}

NumberPool LoadNumberPool(const std::string& plan_dir) {
  std::map<std::string, std::string> holders;  // 3-4 digit prefix -> carrier
  for (const auto& row : ReadCsv(plan_dir + "/number_blocks.csv")) {
    if (row.size() >= 3 && row[2] == "mobile") holders[row[0]] = row[1];
  }
  NumberPool pool;
  for (const auto& row : ReadCsv(plan_dir + "/local_networks.csv")) {
    if (row.size() < 4) continue;
    for (size_t len : {4u, 3u}) {
      auto it = holders.find(row[0].substr(0, len));
      if (it != holders.end()) {
        pool.blocks.push_back({row[0], it->second, row[3]});
        break;
      }
    }
  }
  return pool;
}

std::unique_ptr<Workload> MakeEchoWorkload(ChannelPool& channels, size_t payload_bytes) {
  return std::make_unique<EchoWorkload>(channels, payload_bytes);
}

std::unique_ptr<Workload> MakeLookupWorkload(ChannelPool& channels, NumberPool pool,
                                             LookupOptions options) {
  return std::make_unique<LookupWorkload>(channels, std::move(pool), options);
}

std::unique_ptr<Workload> MakePortWorkload(ChannelPool& channels, NumberPool pool,
                                           PortOptions options) {
  return std::make_unique<PortWorkload>(channels, std::move(pool), std::move(options));
}

}  // namespace npd::bench
