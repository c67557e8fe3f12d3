// The balance-refund saga of domain.md section 8 as pure functions of (case, outbox entry, input,
// now): no I/O, no clock reads, no randomness (the retry jitter comes in as a number).
//
//   port COMPLETED ──► OPENED ──freeze──► ACCOUNT_FROZEN ──bill──► AMOUNT_COMPUTED ──SMS──►
//   AWAIT_CLAIM
//                        │                    │  └─not ready─► AWAIT_FINAL_BILL ─bill─┘  │ (≤ 0:
//                        close └─judicial hold─► STUCK (F08)                                    │
//                        ──► CLOSED_NO_REFUND)
//   AWAIT_CLAIM ──claim by the holder──► FUNDS_RESERVED ──Pay sent──► PAYOUT_REQUESTED
//   ──succeeded──► PAID
//        │  ▲                                                              │
//        │  └────────── payee invalid (F06), reservation released ─────────┘
//        └─window passed (F07)──► CLAIM_EXPIRED ──close──► CLOSED_EXPIRED
//   PAID ──settlement entry──► SETTLED ──close──► CLOSED_PAID
//   any step out of attempts ──► STUCK ──operator re-drive──► the state it stopped in
//
// Every call to an outside system is the case's one outbox entry (at most one per case), returned
// with the transition so the engine writes it in the same commit. Its idempotency key is fixed per
// logical step ("<refund_id>:freeze", ":bill", ":notify", ":payout:<generation>", ":settle",
// ":close"); retries and re-drives reuse it. A payout that may have reached the channel
// (query_first) is queried by its key before anything else; only a "never received" answer lets the
// same key be paid again, and only a definite payee failure starts a new generation (new key).
//
// Payout facts. Only the channel's answers to npd's own Pay and QueryPayout move money state; each
// definite one is kept in Refund.payout_outcomes. A callback (ApplyPayoutReport) is a hint: for the
// payout being made it makes npd query the key at once. A fact that contradicts another one npd
// holds or asked for (see PayoutConflict in refund.proto) is never dropped: both are kept as a
// conflict with an event REFUND_PAYOUT_CONFLICT, and a case that could still pay (FUNDS_RESERVED,
// PAYOUT_REQUESTED, AWAIT_CLAIM, STUCK at PAYOUT) stops in STUCK at PAYOUT, with no outbox entry,
// until the operator reconciles it (RedriveRefund); a case past its payout keeps its state.
#ifndef NPD_DAEMON_CORE_REFUND_MACHINE_H_
#define NPD_DAEMON_CORE_REFUND_MACHINE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/core/domain_event.h"
#include "daemon/core/policy.h"
#include "npd/store/v1/records.pb.h"
#include "npd/v1/porting.pb.h"
#include "npd/v1/refund.pb.h"

namespace npd::core {

// The role the payment channel authenticates as; it may only report payout results.
inline constexpr char kPaymentActor[] = "payment";

// "R" + the 12 digits of the port id.
std::string RefundIdForPort(const std::string& port_id);

// The case after a command. `outbox` is the case's outbox entry afterwards (unset: none). When
// `outbox_changed` the engine writes it (put, or remove when unset) and the entry's version is one
// more than before; otherwise the stored entry stays as it is.
struct RefundTransition {
  npd::store::v1::RefundRecord record;
  std::vector<DomainEvent> events;
  std::optional<npd::store::v1::OutboxRecord> outbox;
  bool outbox_changed = false;
  std::vector<npd::store::v1::TimerRecord> arm_timers;
};

// Opens the case of a port that just completed: OPENED, with the freeze step due now.
// `home_province` is the province of the number's local network (may be empty when the plan does
// not list it); `holder_hash` the identity hash of the account holder as of the port.
RefundTransition OpenRefund(const npd::v1::Port& port, const std::string& home_province,
                            const std::string& holder_hash, absl::Time now);

// How an attempt of the outbox step went.
enum class StepOutcome {
  kDone,       // the system answered; the step-specific fields below say what
  kRetryable,  // an error or an unknown outcome (timeout, connection lost): try again later
};

struct StepResult {
  // The outbox entry version the attempt was made for; a result for another version is stale.
  int64_t version = 0;
  StepOutcome outcome = StepOutcome::kDone;
  std::string error;  // kRetryable: what went wrong
  // FREEZE_ACCOUNT
  bool judicial_hold = false;
  std::string hold_text;
  // FETCH_FINAL_BILL: the bill, or unset when billing says it is not ready yet.
  std::optional<npd::v1::FinalBill> bill;
  // PAYOUT: whether this attempt was a query; for a query whether the key was found; the status.
  bool payout_query = false;
  bool payout_found = true;
  npd::v1::PayoutStatus payout_status = npd::v1::PAYOUT_STATUS_UNSPECIFIED;
  std::string failure_text;
  // PAYOUT, when the channel said (a query does): the amount it paid. A SUCCEEDED payout of another
  // amount than the refundable one is a payout conflict.
  std::optional<int64_t> payout_amount_fen;
  // PAYOUT (reference), SETTLE (entry id), NOTIFY (message id), CLOSE (closure reference).
  std::string reference;
};

// Applies an attempt's result to the case. `jitter` in [0, 1) spreads the retry delay (the delay is
// between half and all of the exponential backoff). A definite payout answer is held as a payout
// fact; one that contradicts a fact held for its key, a SUCCEEDED of another amount, or one that
// contradicts the reported_payout under check (a "not received" included) is a conflict instead of
// a transition. FAILED_PRECONDITION when the result is stale (no outbox entry, another version):
// the caller drops it and writes nothing.
absl::StatusOr<RefundTransition> ApplyStepResult(
    const npd::store::v1::RefundRecord& record,
    const std::optional<npd::store::v1::OutboxRecord>& outbox, const StepResult& result,
    const RefundPolicy& policy, absl::Time now, double jitter);

// Records, before a Pay is sent, that the payout may reach the channel: FUNDS_RESERVED becomes
// PAYOUT_REQUESTED and the entry gets query_first (so after a crash it is queried, never blindly
// re-paid). The caller sends Pay only after this is durable. FAILED_PRECONDITION when the entry is
// not a PAYOUT of `version` that may be paid (query_first already set).
absl::StatusOr<RefundTransition> BeginPayout(
    const npd::store::v1::RefundRecord& record,
    const std::optional<npd::store::v1::OutboxRecord>& outbox, int64_t version, absl::Time now);

// What a callback from outside (a pushed bill, a payout result) did: `applied` false and no
// transition when it changed nothing.
struct CallbackOutcome {
  bool applied = false;
  std::optional<RefundTransition> transition;
};

// Billing pushed a final bill. Not applied for the same bill again. FAILED_PRECONDITION for another
// bill once one was applied, or a case past the bill.
absl::StatusOr<CallbackOutcome> ReportFinalBill(
    const npd::store::v1::RefundRecord& record,
    const std::optional<npd::store::v1::OutboxRecord>& outbox, const npd::v1::FinalBill& bill,
    const RefundPolicy& policy, absl::Time now);

// The payee account of a claim as the case keeps it: sealed (daemon/core/payee_seal.h), with what
// the API may show in clear.
struct SealedPayee {
  npd::v1::PayeeKind kind = npd::v1::PAYEE_KIND_UNSPECIFIED;
  std::string last4;        // PayeeLast4 of the account
  std::string sealed;       // SealPayee of the account
  std::string wrapped_key;  // WrapDataKey of its data key; empty when replaying (never journaled)
};

// A claim by someone presenting `claimant_hash`.
struct RefundClaimCommand {
  std::string request_id;
  std::string claimant_hash;
  SealedPayee payee;
  npd::v1::ClaimChannel channel = npd::v1::CLAIM_CHANNEL_UNSPECIFIED;
  std::string claim_province;
};
// Accepted: FUNDS_RESERVED with a new payout generation and its PAYOUT step. Refused by rule (the
// refusal is recorded in the history and refused_claims): F01 before the amount is known, F05 for
// another identity, F07 past the deadline (or expired), F09 once claimed. FAILED_PRECONDITION for a
// case with nothing to refund (CLOSED_NO_REFUND).
struct ClaimOutcome {
  bool accepted = false;
  npd::v1::RefundRefusal refusal;
  RefundTransition transition;
};
absl::StatusOr<ClaimOutcome> ClaimRefund(const npd::store::v1::RefundRecord& record,
                                         const std::optional<npd::store::v1::OutboxRecord>& outbox,
                                         const RefundClaimCommand& command,
                                         const RefundPolicy& policy, absl::Time now);

// The claim-expiry timer: AWAIT_CLAIM past its deadline becomes CLAIM_EXPIRED (F07) with the close
// step. FAILED_PRECONDITION otherwise (the timer is stale: claimed, or the deadline moved).
absl::StatusOr<RefundTransition> ExpireClaim(const npd::store::v1::RefundRecord& record,
                                             absl::Time now);

// The payment channel reported a payout by key (the caller found the case by the key's refund id).
// Never changes money state by itself; in this order:
// - a key of the case that npd never issued: a conflict (unless the same report is held already);
// - PENDING: nothing;
// - a key with payout facts held: nothing when the report agrees with one of them, else a conflict;
// - a SUCCEEDED of another amount than the refundable one: a conflict;
// - the key of the payout being made (FUNDS_RESERVED, PAYOUT_REQUESTED, or STUCK at PAYOUT from
//   them): the report is kept as reported_payout and the PAYOUT step is due now with query_first
//   (a STUCK case is un-stuck for it, unless it has an open conflict: then it only keeps the
//   report); the same report again is nothing, a contradicting one a conflict;
// - any other issued key (no fact held, no payout being made under it): a conflict.
// `applied` false when nothing changed. Never an error.
struct PayoutReport {
  std::string payout_key;
  npd::v1::PayoutStatus status = npd::v1::PAYOUT_STATUS_UNSPECIFIED;
  std::string reference;
  int64_t amount_fen = 0;
  std::string failure_text;
};
absl::StatusOr<CallbackOutcome> ApplyPayoutReport(
    const npd::store::v1::RefundRecord& record,
    const std::optional<npd::store::v1::OutboxRecord>& outbox, const PayoutReport& report,
    const RefundPolicy& policy, absl::Time now);

// The operator's re-drive (RedriveRefundRequest).
struct RedriveCommand {
  // Why; recorded in the history and in each conflict it resolves.
  std::string note;
  // The payout the channel really made, or 0.
  int32_t paid_generation = 0;
};
// Resolves every open payout conflict (event REFUND_PAYOUT_CONFLICT_RESOLVED), then:
// - paid_generation > 0: the case, STUCK at PAYOUT, becomes PAID with the most recent SUCCEEDED
//   fact held for that generation (amount, reference, and its claim's province when it was an
//   earlier claim's payout), event REFUND_PAID, the settlement due now;
// - else a STUCK case goes back to the state it stopped in, its step due now from attempt one
//   under the same key (a payout that may have been sent, or one of a case that had conflicts, is
//   queried first, and its answer is still checked against a reported_payout kept meanwhile; back
//   in AWAIT_CLAIM no step is due and the claim window gets at least policy.payee_fix_grace);
// - else (a case with open conflicts that is not STUCK) nothing more.
// FAILED_PRECONDITION when the case is neither STUCK nor has an open conflict, or with
// paid_generation when it is not STUCK at PAYOUT, no SUCCEEDED fact of that generation is held, or
// that fact's amount is not in (0, refundable] (npd never records more paid than owed);
// INVALID_ARGUMENT for a negative paid_generation.
absl::StatusOr<RefundTransition> RedriveRefund(
    const npd::store::v1::RefundRecord& record,
    const std::optional<npd::store::v1::OutboxRecord>& outbox, const RedriveCommand& command,
    const RefundPolicy& policy, absl::Time now);

// cash - non_refundable - third_party - final_charges, and the reasons of each deduction.
struct RefundAmount {
  int64_t refundable_fen = 0;
  std::vector<npd::v1::RefundReason> reasons;
};
RefundAmount ComputeRefundable(const npd::v1::FinalBill& bill);

// "12.34 CNY" (or "-2.50 CNY") from fen, integer arithmetic only.
std::string FormatFen(int64_t fen);

// Delay before attempt `attempts` + 1: retry_initial * 2^(attempts - 1), at most retry_max, scaled
// into [1/2, 1] by jitter in [0, 1).
absl::Duration RetryDelay(const RefundPolicy& policy, int attempts, double jitter);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_REFUND_MACHINE_H_
