// The donor role: polls npd for ports waiting for this carrier's answer and answers each by the
// DonorPolicy, after an optional delay. Answers carry AnswerRequestId(port_id), so an answer
// retried after a crash of either side is idempotent; a port npd says is no longer pending
// (FAILED_PRECONDITION: answered, cancelled, expired) counts as done.
#ifndef NPD_CLIENTS_CARRIER_SIM_DONOR_ANSWERER_H_
#define NPD_CLIENTS_CARRIER_SIM_DONOR_ANSWERER_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <grpcpp/channel.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clients/carrier_sim/donor_policy.h"
#include "npd/v1/porting.pb.h"

namespace npd::carrier_sim {

struct DonorOptions {
  // Pause between two polls. Default: 500 ms.
  std::chrono::milliseconds poll_interval{500};
  // A port is answered no earlier than this after the simulator first saw it. Default: 0.
  std::chrono::milliseconds answer_delay{0};
  // Deadline of each rpc. Default: 10 s.
  std::chrono::milliseconds rpc_timeout{10000};
};

// Counters since construction.
struct DonorStats {
  uint64_t approved = 0;
  uint64_t rejected = 0;
  uint64_t silenced = 0;        // ports left unanswered on purpose
  uint64_t already_closed = 0;  // answers npd refused FAILED_PRECONDITION: no longer pending
  uint64_t answered() const { return approved + rejected; }
};

class DonorAnswerer {
 public:
  DonorAnswerer(std::shared_ptr<grpc::Channel> channel, std::string carrier, DonorPolicy policy,
                DonorOptions options);

  // One pass: lists every PENDING_DONOR port this carrier is the donor of (all pages) and answers
  // those due. Returns the listing's rpc error; a failed answer is logged and retried on the next
  // pass. Not to be called concurrently with itself or Run().
  absl::Status PollOnce();

  // Polls every poll_interval until Stop(). Errors are logged when they start and end.
  void Run();
  // Makes Run() return soon. Thread-safe.
  void Stop();

  // Thread-safe.
  DonorStats stats() const;

 private:
  // Answers `port` if it is due; records the outcome.
  void Handle(const npd::v1::Port& port, absl::Time now);

  const std::shared_ptr<grpc::Channel> channel_;
  const std::string carrier_;
  const DonorPolicy policy_;
  const DonorOptions options_;
  // Ports answered, found closed, or silenced: never answered (again) by this process.
  std::set<std::string> done_;
  // When each pending port was first seen, for answer_delay.
  std::map<std::string, absl::Time> first_seen_;

  mutable absl::Mutex mu_;
  absl::CondVar cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  DonorStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace npd::carrier_sim

#endif  // NPD_CLIENTS_CARRIER_SIM_DONOR_ANSWERER_H_
