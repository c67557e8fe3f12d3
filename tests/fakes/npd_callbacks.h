// The outside systems' calls back into npd's RefundService: billing pushing a final bill
// (ReportFinalBill, as the donor carrier) and the payment channel reporting a payout
// (ReportPayoutResult, as `payment`). Best effort, like the real ones: npd also polls.
#ifndef NPD_TESTS_FAKES_NPD_CALLBACKS_H_
#define NPD_TESTS_FAKES_NPD_CALLBACKS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "npd/v1/refund.grpc.pb.h"
#include "tests/fakes/delayed_tasks.h"

namespace npd::fakes {

struct CallbackOptions {
  // Directory with ca.pem and the identities' client certificates (billing-<carrier>.pem,
  // payment.pem): callbacks go over mutual TLS. Empty: plaintext with the development header.
  std::string tls_dir;
  // Attempts per callback before it is dropped (UNAVAILABLE, DEADLINE_EXCEEDED, no target).
  // Default: 4.
  int attempts = 4;
  // Deadline of one attempt. Default: 2 s.
  absl::Duration attempt_deadline = absl::Seconds(2);
  // Wait before the second attempt, doubled for each later one. Default: 200 ms.
  absl::Duration first_backoff = absl::Milliseconds(200);
  // How long after the rpc's answer an in-order callback is sent. Default: 20 ms.
  absl::Duration after_answer_delay = absl::Milliseconds(20);
};

// What happened to callbacks so far.
struct CallbackStats {
  uint64_t attempts = 0;   // calls made to npd
  uint64_t delivered = 0;  // npd answered OK
  uint64_t rejected = 0;   // npd answered another definite error (not retried)
  uint64_t dropped = 0;    // every attempt failed, or there was never a target
};

// One callback: the request and the identity it is sent as.
struct Callback {
  std::string caller;  // identity name (clients/client/identity.h): billing-<carrier>, payment
  std::variant<npd::v1::ReportFinalBillRequest, npd::v1::ReportPayoutResultRequest> request;
};

// Sends callbacks to npd at a target that may change (npd restarts, maybe on another port). A
// retried attempt keeps its request_id. Thread-safe.
class NpdCallbacks {
 public:
  // `tasks` (not owned) runs the later sends and retries and must outlive this.
  NpdCallbacks(CallbackOptions options, DelayedTasks* tasks);

  // npd's "host:port"; empty stops callbacks (each is then dropped). Later attempts use it.
  void SetTarget(const std::string& address);
  // True when a target is set.
  bool has_target() const;

  // Sends `callback` as the rpc's answer goes out: in order (`before_answer` false) a little after
  // the caller returns, else one attempt now on this thread before returning (later attempts, if
  // needed, in the background). `twice` sends a second copy later with request_id + "#2".
  void Report(Callback callback, bool before_answer, bool twice);

  CallbackStats stats() const;

 private:
  // One attempt; schedules the next on a retryable failure.
  void Attempt(Callback callback, int attempt);
  // The stub of identity `caller` toward the current target; null without a target.
  std::shared_ptr<npd::v1::RefundService::Stub> stub(const std::string& caller);

  const CallbackOptions options_;
  DelayedTasks* tasks_;
  mutable absl::Mutex mu_;
  std::string target_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<npd::v1::RefundService::Stub>> stubs_
      ABSL_GUARDED_BY(mu_);  // by identity, toward target_
  CallbackStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace npd::fakes

#endif  // NPD_TESTS_FAKES_NPD_CALLBACKS_H_
