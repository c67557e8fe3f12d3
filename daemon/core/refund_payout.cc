// The payout's facts: the PAYOUT step's answers, the payment channel's reports, and the operator's
// re-drive with its reconciliation of payout conflicts (contracts in refund_machine.h).
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/core/payout_facts.h"
#include "daemon/core/refund_builder.h"
#include "daemon/core/refund_machine.h"
#include "daemon/core/time_convert.h"

namespace npd::core {
namespace {

using npd::store::v1::OutboxRecord;
using npd::store::v1::RefundRecord;
using npd::v1::PayoutOutcome;
using npd::v1::Refund;

bool IsDefinite(npd::v1::PayoutStatus status) {
  return status == npd::v1::PAYOUT_STATUS_SUCCEEDED ||
         status == npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID;
}

// The payout under `key` is being made: the key is the current one and the case is reserved,
// paying, or STUCK at the payout from one of those.
bool PayingUnder(const Refund& r, const std::string& key) {
  if (key != r.payout_key()) return false;
  npd::v1::RefundState state = r.state();
  if (state == npd::v1::REFUND_STATE_STUCK) {
    if (r.stuck().step() != npd::v1::REFUND_STEP_PAYOUT) return false;
    state = r.stuck().from_state();
  }
  return state == npd::v1::REFUND_STATE_FUNDS_RESERVED ||
         state == npd::v1::REFUND_STATE_PAYOUT_REQUESTED;
}

// The channel has no payout under the entry's key: pay it (same key) at once; the failed Pay that
// led here was already counted and backed off, and the error that lost it stays visible.
void PayAgainUnderTheSameKey(RefundBuilder& b, const OutboxRecord& entry) {
  b.Note("REFUND_PAYOUT_NOT_RECEIVED",
         absl::StrCat("the channel has no payout under ", entry.idempotency_key(),
                      "; paying again with the same key"));
  OutboxRecord next = entry;
  next.set_query_first(false);
  b.Retry(next, b.now(),
          entry.last_error().empty()
              ? "payout not received by the channel"
              : absl::StrCat("payout not received by the channel after: ", entry.last_error()),
          /*count_attempt=*/false);
}

// The most recent SUCCEEDED fact held for `generation`.
std::optional<PayoutOutcome> SucceededFact(const Refund& r, int32_t generation) {
  std::optional<PayoutOutcome> found;
  for (const PayoutOutcome& fact : r.payout_outcomes()) {
    if (fact.generation() == generation && fact.status() == npd::v1::PAYOUT_STATUS_SUCCEEDED) {
      found = fact;
    }
  }
  return found;
}

// The operator names `fact`'s payout as the one the channel made: PAID with its amount and
// reference; the claim becomes that payout's when it was an earlier claim's.
void MarkPaidByOperator(RefundBuilder& b, const PayoutOutcome& fact, const std::string& note) {
  Refund& r = b.refund();
  r.clear_reported_payout();
  if (!r.has_claim() || fact.generation() != r.payout_generation()) {
    npd::v1::RefundClaim claim;
    claim.set_claim_province(fact.claim_province());
    claim.set_payee_last4(fact.payee_last4());
    *r.mutable_claim() = std::move(claim);
  }
  r.set_payout_key(fact.payout_key());
  r.set_paid_fen(fact.amount_fen());
  r.set_payout_reference(fact.reference());
  b.Enter(npd::v1::REFUND_STATE_PAID, "REFUND_PAID",
          absl::StrCat(FormatFen(r.paid_fen()), " paid under ", r.payout_key(), ", reference ",
                       fact.reference(), ", as the operator reconciled it: ", note));
  b.Schedule(npd::v1::REFUND_STEP_SETTLE, StepKey(r, "settle"), b.now());
}

// The step a STUCK case stopped at, under its key.
absl::StatusOr<std::string> StuckStepKey(const Refund& r) {
  switch (r.stuck().step()) {
    case npd::v1::REFUND_STEP_FREEZE_ACCOUNT:
      return StepKey(r, "freeze");
    case npd::v1::REFUND_STEP_FETCH_FINAL_BILL:
      return StepKey(r, "bill");
    case npd::v1::REFUND_STEP_NOTIFY_SUBSCRIBER:
      return StepKey(r, "notify");
    case npd::v1::REFUND_STEP_PAYOUT:
      return r.payout_key();
    case npd::v1::REFUND_STEP_SETTLE:
      return StepKey(r, "settle");
    case npd::v1::REFUND_STEP_CLOSE_ACCOUNT:
      return StepKey(r, "close");
    default:
      return absl::InternalError(absl::StrCat("stuck refund ", r.refund_id(), " names no step"));
  }
}

}  // namespace

void ApplyPayoutAnswer(RefundBuilder& b, const OutboxRecord& entry, const StepResult& result,
                       const RefundPolicy& policy, double jitter) {
  Refund& r = b.refund();
  const std::string& key = entry.idempotency_key();
  std::optional<PayoutOutcome> reported;
  if (r.has_reported_payout() && r.reported_payout().payout_key() == key) {
    reported = r.reported_payout();
  }
  if (result.payout_query && !result.payout_found) {
    if (reported.has_value()) {
      PayoutOutcome answer = NewFact(r, key, npd::v1::PAYOUT_SOURCE_QUERY_ANSWER, b.now());
      answer.set_not_received(true);
      RecordConflict(b, *reported, answer);
      return;
    }
    PayAgainUnderTheSameKey(b, entry);
    return;
  }
  if (!IsDefinite(result.payout_status)) {
    // The entry already says query_first (a Pay was begun): the next attempt polls by the key. A
    // report under check stays until a definite answer.
    if (result.payout_status == npd::v1::PAYOUT_STATUS_PENDING) {
      RetryOrStick(b, entry, "payout pending at the channel", policy, jitter, policy.poll_interval);
    } else {
      RetryOrStick(b, entry, "payment channel answered without a status", policy, jitter);
    }
    return;
  }
  PayoutOutcome fact = NewFact(
      r, key,
      result.payout_query ? npd::v1::PAYOUT_SOURCE_QUERY_ANSWER : npd::v1::PAYOUT_SOURCE_PAY_ANSWER,
      b.now());
  fact.set_status(result.payout_status);
  fact.set_reference(result.reference);
  if (result.payout_status == npd::v1::PAYOUT_STATUS_SUCCEEDED) {
    // Pay's answer does not repeat the amount: it is the one requested.
    fact.set_amount_fen(result.payout_amount_fen.value_or(r.refundable_fen()));
  }
  if (auto held = ContradictedFact(r, fact); held.has_value()) {
    RecordConflict(b, *held, fact);
    return;
  }
  if (fact.status() == npd::v1::PAYOUT_STATUS_SUCCEEDED &&
      fact.amount_fen() != r.refundable_fen()) {
    RecordConflict(b, RequestedFact(r, key, b.now()), fact);
    return;
  }
  if (reported.has_value() && !Agrees(*reported, fact)) {
    RecordConflict(b, *reported, fact);
    return;
  }
  r.clear_reported_payout();
  HoldFact(b, fact);
  if (fact.status() == npd::v1::PAYOUT_STATUS_SUCCEEDED) {
    MarkPaid(b, result.reference);
  } else {
    ReleaseForNewClaim(b, result.failure_text, policy);
  }
}

absl::StatusOr<CallbackOutcome> ApplyPayoutReport(const RefundRecord& record,
                                                  const std::optional<OutboxRecord>& outbox,
                                                  const PayoutReport& report,
                                                  const RefundPolicy& policy, absl::Time now) {
  (void)policy;
  const Refund& r = record.refund();
  RefundBuilder b(record, outbox, now);
  auto applied = [&b] {
    return CallbackOutcome{.applied = true, .transition = std::move(b).Finish()};
  };

  PayoutOutcome fact = NewFact(r, report.payout_key, npd::v1::PAYOUT_SOURCE_CALLBACK, now);
  fact.set_status(report.status);
  fact.set_reference(report.reference);
  if (report.status == npd::v1::PAYOUT_STATUS_SUCCEEDED) fact.set_amount_fen(report.amount_fen);

  if (fact.generation() == 0) {
    if (IsHeld(r, fact)) return CallbackOutcome{};
    RecordConflict(b, RequestedFact(r, report.payout_key, now), fact);
    return applied();
  }
  if (report.status == npd::v1::PAYOUT_STATUS_PENDING) return CallbackOutcome{};
  if (IsHeld(r, fact)) return CallbackOutcome{};
  if (auto held = ContradictedFact(r, fact); held.has_value()) {
    RecordConflict(b, *held, fact);
    return applied();
  }
  if (report.status == npd::v1::PAYOUT_STATUS_SUCCEEDED &&
      report.amount_fen != r.refundable_fen()) {
    RecordConflict(b, RequestedFact(r, report.payout_key, now), fact);
    return applied();
  }
  if (!PayingUnder(r, report.payout_key)) {
    RecordConflict(b, RequestedFact(r, report.payout_key, now), fact);
    return applied();
  }
  if (r.has_reported_payout()) {
    if (Agrees(r.reported_payout(), fact)) return CallbackOutcome{};
    RecordConflict(b, r.reported_payout(), fact);
    return applied();
  }
  // A hint: keep it, and ask the channel itself at once.
  *b.refund().mutable_reported_payout() = fact;
  const std::string text = absl::StrCat(FactText(fact), " for ", report.payout_key);
  if (r.state() == npd::v1::REFUND_STATE_STUCK) {
    if (HasOpenConflict(r)) {
      b.Note("REFUND_PAYOUT_REPORTED",
             absl::StrCat(text, "; kept until an operator reconciles the open payout conflicts"));
      return applied();
    }
    b.Enter(r.stuck().from_state(), "REFUND_UNSTUCK",
            absl::StrCat(text, "; querying the channel before acting on it"));
    b.Schedule(npd::v1::REFUND_STEP_PAYOUT, r.payout_key(), now);
    b.t().outbox->set_query_first(true);
    return applied();
  }
  b.Note("REFUND_PAYOUT_REPORTED",
         absl::StrCat(text, "; querying the channel before acting on it"));
  if (outbox.has_value() && outbox->step() == npd::v1::REFUND_STEP_PAYOUT) {
    OutboxRecord next = *outbox;
    next.set_query_first(true);
    b.Retry(next, now, outbox->last_error(), /*count_attempt=*/false);
  } else {
    b.Schedule(npd::v1::REFUND_STEP_PAYOUT, r.payout_key(), now);
    b.t().outbox->set_query_first(true);
  }
  return applied();
}

absl::StatusOr<RefundTransition> RedriveRefund(const RefundRecord& record,
                                               const std::optional<OutboxRecord>& outbox,
                                               const RedriveCommand& command,
                                               const RefundPolicy& policy, absl::Time now) {
  const Refund& r = record.refund();
  if (command.paid_generation < 0) {
    return absl::InvalidArgumentError("paid_generation must be a payout's generation (>= 1)");
  }
  const bool stuck = r.state() == npd::v1::REFUND_STATE_STUCK;
  const bool open_conflict = HasOpenConflict(r);
  if (!stuck && !open_conflict) {
    return RefundNotAllowed(r,
                            "only a STUCK case or one with an open payout conflict is re-driven");
  }
  std::optional<PayoutOutcome> paid;
  if (command.paid_generation > 0) {
    if (!stuck || r.stuck().step() != npd::v1::REFUND_STEP_PAYOUT) {
      return RefundNotAllowed(r, "only a case STUCK at its payout can be marked paid");
    }
    paid = SucceededFact(r, command.paid_generation);
    if (!paid.has_value()) {
      return RefundNotAllowed(
          r, absl::StrCat("npd holds no SUCCEEDED fact of payout #", command.paid_generation));
    }
    // npd never records more paid than the refund owes: an overpayment is for the channel and the
    // donor to recover, not a PAID case.
    if (paid->amount_fen() <= 0 || paid->amount_fen() > r.refundable_fen()) {
      return RefundNotAllowed(
          r, absl::StrCat("payout #", command.paid_generation, " paid ",
                          FormatFen(paid->amount_fen()), ", not between 0.01 CNY and the ",
                          FormatFen(r.refundable_fen()), " refundable"));
    }
  }
  RefundBuilder b(record, outbox, now);
  ResolveConflicts(b, command.note);
  if (paid.has_value()) {
    MarkPaidByOperator(b, *paid, command.note);
    return std::move(b).Finish();
  }
  if (!stuck) return std::move(b).Finish();  // reconciled; the case goes on as it was

  const npd::v1::RefundStuck was = r.stuck();
  auto key = StuckStepKey(r);
  if (!key.ok()) return key.status();
  b.Enter(was.from_state(), "REFUND_REDRIVEN",
          absl::StrCat("operator re-drives ", npd::v1::RefundStep_Name(was.step()),
                       command.note.empty() ? "" : ": ", command.note));
  if (was.from_state() == npd::v1::REFUND_STATE_AWAIT_CLAIM) {
    // Stopped by a conflict while it waited for a claim: wait again, with time to claim.
    b.ClearStep();
    Refund& next = b.refund();
    const absl::Time floor = now + policy.payee_fix_grace;
    if (FromProto(next.claim_deadline_at()) < floor)
      *next.mutable_claim_deadline_at() = ToProto(floor);
    b.t().arm_timers.push_back(ClaimExpiryTimer(next));
    return std::move(b).Finish();
  }
  b.Schedule(was.step(), *std::move(key), now);
  if (was.step() == npd::v1::REFUND_STEP_PAYOUT &&
      (was.from_state() == npd::v1::REFUND_STATE_PAYOUT_REQUESTED ||
       r.payout_conflicts_size() > 0)) {
    b.t().outbox->set_query_first(true);  // it may have reached the channel: ask first
  }
  return std::move(b).Finish();
}

}  // namespace npd::core
