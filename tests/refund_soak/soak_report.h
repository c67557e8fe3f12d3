// The figures the soak prints (stdout): the figures, a short table by final state, and
// each check with its verdict and first failures.
#ifndef NPD_TESTS_REFUND_SOAK_SOAK_REPORT_H_
#define NPD_TESTS_REFUND_SOAK_SOAK_REPORT_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/fakes/fake_outside.h"
#include "tests/refund_soak/claim_driver.h"
#include "tests/refund_soak/soak_checks.h"

namespace npd::refund_soak {

struct SoakRun {
  bool pass = false;
  uint64_t seed = 0;
  int kills = 0;               // during the load
  int final_kills = 0;         // before the final read (0 or 1)
  int64_t client_retries = 0;  // calls repeated because npd was down
  absl::Duration load_time;    // start to faults off
  absl::Duration drain_time;   // faults off to every case at rest
  absl::Duration wall_time;
  std::vector<std::string> problems;  // driver errors, drain timeout, npd not restarting
};

void PrintReport(std::ostream& out, const SoakRun& run, const SoakFigures& figures,
                 const ClaimStats& claims, const fakes::FakeOutside& outside,
                 const std::vector<CheckResult>& checks);

}  // namespace npd::refund_soak

#endif  // NPD_TESTS_REFUND_SOAK_SOAK_REPORT_H_
