// Tunable rules of npd's own decisions. Every field documents its default; the daemon fills these from
// configuration (deploy/npd.toml).
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

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_POLICY_H_
