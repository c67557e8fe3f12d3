// The soak's verdict, from the outside: npd's cases and completed ports (read through the public
// API after the drain and one more kill) against the fakes' ledgers, the bill scenarios and what
// the claim driver did. Every check lists its failures; the figures are what the run prints.
#ifndef NPD_TESTS_REFUND_SOAK_SOAK_CHECKS_H_
#define NPD_TESTS_REFUND_SOAK_SOAK_CHECKS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "npd/v1/porting.pb.h"
#include "npd/v1/refund.pb.h"
#include "tests/fakes/fake_outside.h"
#include "tests/refund_soak/claim_driver.h"
#include "tests/refund_soak/soak_numbers.h"

namespace npd::refund_soak {

// What the checks read. Not owned; valid during SoakChecks::Run.
struct SoakObservation {
  const std::vector<npd::v1::Refund>* cases = nullptr;          // every case
  const std::vector<npd::v1::Port>* completed_ports = nullptr;  // every COMPLETED port
  const SoakNumbers* numbers = nullptr;
  const std::map<std::string, std::string>* approved_ports = nullptr;  // msisdn -> port_id
  const std::map<std::string, ClaimRecord>* claims = nullptr;          // by refund_id
  const fakes::FakeOutside* outside = nullptr;
};

struct CheckResult {
  std::string name;                   // "(a) every case at rest"
  int64_t checked = 0;                // items looked at
  std::vector<std::string> failures;  // empty: passed
};

struct SoakFigures {
  int64_t numbers = 0;                      // numbers the soak ported
  int64_t completed_ports = 0;              // ports COMPLETED in npd
  int64_t opened = 0;                       // refund cases in npd
  std::map<std::string, int64_t> by_state;  // "CLOSED_PAID" -> count
  int64_t stuck_judicial = 0;               // STUCK with F08 (judicial hold at the freeze)
  int64_t stuck_other = 0;                  // STUCK out of attempts
  int64_t unclaimed_by_design = 0;          // AWAIT_CLAIM, plan kUnclaimed
  int64_t claimed = 0;                      // cases with an accepted valid claim
  int64_t claimed_fen = 0;                  // sum of their refundable_fen
  int64_t claimed_unpaid = 0;               // of which STUCK without a successful payout
  int64_t claimed_unpaid_fen = 0;
  int64_t closed_paid_fen = 0;    // sum of refundable_fen of CLOSED_PAID cases
  int64_t no_refund_zero = 0;     // CLOSED_NO_REFUND with refundable 0
  int64_t no_refund_arrears = 0;  // CLOSED_NO_REFUND with refundable < 0
  // One line per STUCK case that is not a judicial hold: state, step, attempts, last error and
  // what the payment ledger holds under its payout key.
  std::vector<std::string> stuck_details;
};

// True when `refund` needs nothing more from the run: CLOSED_*, STUCK (with or without a reason:
// check (a) judges that), or AWAIT_CLAIM for a number the soak never claims.
bool CaseAtRest(const npd::v1::Refund& refund, const SoakNumbers& numbers);

// Runs checks (a)-(g) (README.md) and computes the figures.
class SoakChecks {
 public:
  explicit SoakChecks(const SoakObservation& in) : in_(in) {}

  std::vector<CheckResult> Run();
  const SoakFigures& figures() const { return figures_; }

 private:
  CheckResult AtRest();
  CheckResult OneCasePerPort();
  CheckResult PaymentLedger();
  CheckResult Money();
  CheckResult SettlementAndClose();
  CheckResult Bills();
  CheckResult Outcomes();
  void Count();
  std::string PayoutInLedger(const npd::v1::Refund& r) const;

  const SoakObservation in_;
  SoakFigures figures_;
};

// (h) The journal of the whole run, across every SIGKILL, replays (daemon/replay) to exactly the
// stored state of npd's data directory. npd must be stopped.
CheckResult ReplayCheck(const std::string& data_dir);

}  // namespace npd::refund_soak

#endif  // NPD_TESTS_REFUND_SOAK_SOAK_CHECKS_H_
