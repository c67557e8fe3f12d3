// Building blocks of the refund saga (internal to daemon/core): copy the case, record events that
// carry the case's states, set or clear its one outbox entry, stop it in STUCK.
#ifndef NPD_DAEMON_CORE_REFUND_BUILDER_H_
#define NPD_DAEMON_CORE_REFUND_BUILDER_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/core/refund_machine.h"

namespace npd::core {

class RefundBuilder {
 public:
  // Copies the case and its current outbox entry (the transition keeps it unless changed).
  RefundBuilder(const npd::store::v1::RefundRecord& record,
                const std::optional<npd::store::v1::OutboxRecord>& outbox, absl::Time now);

  npd::v1::Refund& refund() { return *t_.record.mutable_refund(); }
  npd::store::v1::RefundRecord& record() { return t_.record; }
  RefundTransition& t() { return t_; }
  absl::Time now() const { return now_; }

  // Moves to `state` and records an event from the state after the previous event.
  void Enter(npd::v1::RefundState state, std::string type, std::string detail);
  // An event without a state change.
  void Note(std::string type, std::string detail);
  // Adds a reason once, keeping code order.
  void AddReason(npd::v1::RefundReason reason);
  // Replaces the outbox entry with a new step (attempt 0, due at `due`, version + 1).
  void Schedule(npd::v1::RefundStep step, std::string key, absl::Time due);
  // The current entry tried again at `due` after an attempt: attempts + 1, last_error, version + 1.
  void Retry(const npd::store::v1::OutboxRecord& entry, absl::Time due, std::string error,
             bool count_attempt);
  // No outbox entry any more.
  void ClearStep();
  // Stops the case in STUCK with the step and the error; no outbox entry.
  void Stick(npd::v1::RefundStep step, std::string error, int attempts,
             npd::v1::RefundReason reason = npd::v1::REFUND_REASON_UNSPECIFIED);
  // A terminal state with closed_at; the payee account is dropped.
  void Close(npd::v1::RefundState state, std::string type, std::string detail);

  RefundTransition Finish() &&;

 private:
  const npd::v1::RefundState stored_state_;
  const absl::Time now_;
  RefundTransition t_;
};

// ---- Transitions more than one command takes ----

// The claim-expiry timer of the case's current claim deadline.
npd::store::v1::TimerRecord ClaimExpiryTimer(const npd::v1::Refund& refund);
// A definite payee failure: the reservation is released (F06) and the case waits in AWAIT_CLAIM for
// a new claim, with at least policy.payee_fix_grace left to make it.
void ReleaseForNewClaim(RefundBuilder& b, const std::string& why, const RefundPolicy& policy);
// The payout succeeded: PAID with the refundable amount and `reference`; the settlement is due now.
void MarkPaid(RefundBuilder& b, const std::string& reference);
// An attempt that leaves the step to be tried again after the backoff (or `delay` when given);
// STUCK once policy.max_attempts are used up.
void RetryOrStick(RefundBuilder& b, const npd::store::v1::OutboxRecord& entry,
                  const std::string& error, const RefundPolicy& policy, double jitter,
                  std::optional<absl::Duration> delay = std::nullopt);

// The step key: "<refund_id>:<suffix>".
std::string StepKey(const npd::v1::Refund& refund, std::string_view suffix);
// FAILED_PRECONDITION "refund R is STATE: what".
absl::Status RefundNotAllowed(const npd::v1::Refund& refund, std::string_view what);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_REFUND_BUILDER_H_
