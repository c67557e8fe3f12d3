// The crash loop's load: a few client threads playing donors and recipients through the public API.
// Each thread takes fresh numbers from the pool; as the donor (the range holder) it issues an
// authorisation code, as a recipient it submits the port (the donor's simulator answers it); for a
// share of its ports, once COMPLETED, the recipient reports the subscriber left (DisconnectNumber,
// effective now), which returns the number. Every call that fails because npd is down (UNAVAILABLE,
// DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED) is retried with the same request_id, so a reply lost in a
// kill is recovered from npd's idempotency store; every OK reply goes to the AckLedger. Any other
// failure is an error the run reports (npd refused a valid request).
#ifndef NPD_TESTS_CRASH_LOOP_LOAD_DRIVER_H_
#define NPD_TESTS_CRASH_LOOP_LOAD_DRIVER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "tests/crash_loop/ack_ledger.h"
#include "tests/crash_loop/number_pool.h"

namespace npd::crash_loop {

struct LoadOptions {
  // Client threads. Default: 3.
  int clients = 3;
  // Pause of each thread between two operations, in milliseconds (jittered ±50%). Default: 40.
  int pace_ms = 40;
  // Share of ports whose number is returned once the port completed. Default: 0.3.
  double return_ratio = 0.3;
  uint64_t seed = 1;
};

struct LoadStats {
  int64_t operations = 0;  // ports attempted plus returns attempted
  int64_t retries = 0;     // attempts repeated because npd was down
};

class LoadDriver {
 public:
  // npd's `address` stays the same across restarts. `pool` and `ledger` outlive this.
  LoadDriver(std::string address, NumberPool& pool, AckLedger& ledger, LoadOptions options);
  ~LoadDriver();  // stops

  void Start();
  // Stops the threads after their current attempt (an unanswered operation is abandoned) and joins.
  void Stop();

  // While paused no request is in flight and none starts: the checker sees npd without the load
  // creating ports (transitions driven by npd's timers and the simulators go on). Pause() waits for
  // attempts in flight to end. Not reentrant; one pauser at a time.
  void Pause() ABSL_EXCLUSIVE_LOCK_FUNCTION(gate_);
  void Resume() ABSL_UNLOCK_FUNCTION(gate_);

  LoadStats stats() const;
  // Failures other than npd being down, one line each ("SubmitPort 13800130001 as cucc: ...").
  std::vector<std::string> errors() const;

 private:
  class Client;
  friend class Client;
  void Error(std::string line);

  const std::string address_;
  NumberPool& pool_;
  AckLedger& ledger_;
  const LoadOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> operations_{0};
  std::atomic<int64_t> retries_{0};
  // Held shared by every attempt, exclusively by Pause().
  absl::Mutex gate_;
  mutable absl::Mutex errors_mu_;
  std::vector<std::string> errors_ ABSL_GUARDED_BY(errors_mu_);
  std::vector<std::thread> threads_;
};

}  // namespace npd::crash_loop

#endif  // NPD_TESTS_CRASH_LOOP_LOAD_DRIVER_H_
