// The soak's surroundings: its run directory, npd's fixed loopback port and the watchdog that
// ends a run overrunning its time limit.
#ifndef NPD_TESTS_REFUND_SOAK_RUN_ENV_H_
#define NPD_TESTS_REFUND_SOAK_RUN_ENV_H_

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "tests/support/npd_process.h"

namespace npd::refund_soak {

// A fresh directory under the system temp dir ("npd-refund-soak-XXXXXX"); empty on failure.
std::string MakeRunDir();

// A loopback port free now, kept for the whole run: npd restarts on it, so the clients' channel
// and the fakes' callback target stay valid. -1 on failure.
int PickFreePort();

// At `deadline` SIGKILLs npd and ends the process with status 4, so the run always ends by itself
// even if a call hangs. Destroying it before the deadline disarms it.
class Watchdog {
 public:
  Watchdog(absl::Time deadline, npd::testing::NpdProcess& npd);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace npd::refund_soak

#endif  // NPD_TESTS_REFUND_SOAK_RUN_ENV_H_
