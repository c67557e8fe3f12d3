// Tunable rules of npd's own decisions. Every field documents its default; the daemon fills these
// from configuration (deploy/npd.toml).
#ifndef NPD_DAEMON_CORE_POLICY_H_
#define NPD_DAEMON_CORE_POLICY_H_

#include <string>

#include "absl/time/time.h"
#include "daemon/core/calendar.h"

namespace npd::core {

// What happens when the donor lets its answer deadline pass.
enum class DonorTimeoutPolicy {
  kEscalate,       // flag the port for operations and keep waiting for the answer. Default.
  kDeemedConsent,  // treat silence as approval (US NPAC style) and schedule the cutover.
};

struct PortPolicy {
  // Validity of an authorisation code (T_auth). Default: 60 minutes.
  absl::Duration auth_code_ttl = absl::Minutes(60);
  // Wrong codes tried against one code before it is revoked. Default: 5.
  int max_failed_code_attempts = 5;
  // Minimum time between a completed port and the next one (T_lock, R06). Default: 120 days.
  absl::Duration port_interval = absl::Hours(24 * 120);
  // Time the donor has to answer (T_donor). Default: 1 hour.
  absl::Duration donor_answer_time = absl::Hours(1);
  // Default: kEscalate.
  DonorTimeoutPolicy donor_timeout = DonorTimeoutPolicy::kEscalate;
  // Default: next whole hour.
  CutoverPolicy cutover;
  // Default: no blackout.
  BlackoutPolicy blackout;
  // A live port still PENDING_DONOR after this long expires (T_stale). Default: 30 days.
  absl::Duration stale_after = absl::Hours(24 * 30);
  // Time every carrier has to confirm a routing change (T_ack). Default: 15 minutes.
  absl::Duration ack_timeout = absl::Minutes(15);
  // Automatic resends after T_ack before the transaction goes to PARTIAL_FAILURE. Default: 1.
  int ack_resends = 1;
  // Furthest ahead a number return's effective time may be. Default: 180 days.
  absl::Duration max_return_notice = absl::Hours(24 * 180);
  // Rule version recorded with every refusal. Default: "npd-rules-2019.1".
  std::string rule_version = "npd-rules-2019.1";
};

// Tunable rules of the balance-refund saga (domain.md section 8).
struct RefundPolicy {
  // How long the account holder may claim after the SMS (refund.claim_window). Default: 31 days.
  absl::Duration claim_window = absl::Hours(24 * 31);
  // After a definite payee failure (F06) the claimant has at least this long to claim again with
  // another account, even past the window (refund.payee_fix_grace). Default: 7 days.
  absl::Duration payee_fix_grace = absl::Hours(24 * 7);
  // Attempts of one outbox step before the case is STUCK (refund.max_attempts). Default: 8.
  int max_attempts = 8;
  // Delay before the second attempt; doubles per attempt (refund.retry_initial). Default: 2 s.
  absl::Duration retry_initial = absl::Seconds(2);
  // Upper bound of a retry delay (refund.retry_max). Default: 5 minutes.
  absl::Duration retry_max = absl::Minutes(5);
  // Interval between polls of a final bill billing says is not ready, and of a pending payout
  // (refund.poll_interval). Bill polls do not count as attempts (final_bill_wait bounds them);
  // polls of a pending payout do. Default: 1 minute.
  absl::Duration poll_interval = absl::Minutes(1);
  // A case still without a final bill this long after it opened is STUCK with F01
  // (refund.final_bill_wait). Default: 30 days.
  absl::Duration final_bill_wait = absl::Hours(24 * 30);
};

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_POLICY_H_
