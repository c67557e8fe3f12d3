#include "daemon/core/refund_builder.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "daemon/core/payee_seal.h"
#include "daemon/core/string_view_compat.h"
#include "daemon/core/time_convert.h"

namespace npd::core {

RefundBuilder::RefundBuilder(const npd::store::v1::RefundRecord& record,
                             const std::optional<npd::store::v1::OutboxRecord>& outbox,
                             absl::Time now)
    : stored_state_(record.refund().state()), now_(now) {
  t_.record = record;
  t_.outbox = outbox;
}

void RefundBuilder::Enter(npd::v1::RefundState state, std::string type, std::string detail) {
  refund().set_state(state);
  Note(std::move(type), std::move(detail));
}

void RefundBuilder::Note(std::string type, std::string detail) {
  const npd::v1::RefundState before =
      t_.events.empty() ? stored_state_ : t_.events.back().refund_after;
  t_.events.push_back(DomainEvent{.type = std::move(type),
                                  .detail = std::move(detail),
                                  .refund_id = refund().refund_id(),
                                  .refund_before = before,
                                  .refund_after = refund().state()});
}

void RefundBuilder::AddReason(npd::v1::RefundReason reason) {
  auto* reasons = refund().mutable_reasons();
  if (std::find(reasons->begin(), reasons->end(), reason) != reasons->end()) return;
  reasons->Add(reason);
  std::sort(reasons->begin(), reasons->end());
}

void RefundBuilder::Schedule(npd::v1::RefundStep step, std::string key, absl::Time due) {
  npd::store::v1::OutboxRecord entry;
  entry.set_refund_id(refund().refund_id());
  entry.set_step(step);
  entry.set_idempotency_key(std::move(key));
  *entry.mutable_due_at() = ToProto(due);
  t_.outbox = std::move(entry);
  t_.outbox_changed = true;
}

void RefundBuilder::Retry(const npd::store::v1::OutboxRecord& entry, absl::Time due,
                          std::string error, bool count_attempt) {
  npd::store::v1::OutboxRecord next = entry;
  if (count_attempt) next.set_attempts(entry.attempts() + 1);
  next.set_last_error(std::move(error));
  *next.mutable_due_at() = ToProto(due);
  t_.outbox = std::move(next);
  t_.outbox_changed = true;
}

void RefundBuilder::ClearStep() {
  t_.outbox_changed = t_.outbox_changed || t_.outbox.has_value();
  t_.outbox.reset();
}

void RefundBuilder::Stick(npd::v1::RefundStep step, std::string error, int attempts,
                          npd::v1::RefundReason reason) {
  npd::v1::RefundStuck& stuck = *refund().mutable_stuck();
  stuck.set_from_state(refund().state());
  stuck.set_step(step);
  stuck.set_last_error(error);
  stuck.set_attempts(attempts);
  *stuck.mutable_since() = ToProto(now_);
  if (reason != npd::v1::REFUND_REASON_UNSPECIFIED) AddReason(reason);
  ClearStep();
  Enter(npd::v1::REFUND_STATE_STUCK, "REFUND_STUCK",
        absl::StrCat(npd::v1::RefundStep_Name(step), " after ", attempts, " attempt(s): ", error));
}

void RefundBuilder::Close(npd::v1::RefundState state, std::string type, std::string detail) {
  *refund().mutable_closed_at() = ToProto(now_);
  ErasePayee(t_.record);  // personal data no longer needed once the case is over
  ClearStep();
  Enter(state, std::move(type), std::move(detail));
}

RefundTransition RefundBuilder::Finish() && {
  npd::v1::Refund& r = refund();
  *r.mutable_updated_at() = ToProto(now_);
  r.clear_pending_step();
  if (t_.outbox.has_value()) {
    if (t_.outbox_changed) {
      t_.record.set_outbox_version(t_.record.outbox_version() + 1);
      t_.outbox->set_version(t_.record.outbox_version());
    }
    npd::v1::RefundStepStatus& step = *r.mutable_pending_step();
    step.set_step(t_.outbox->step());
    step.set_idempotency_key(t_.outbox->idempotency_key());
    step.set_attempts(t_.outbox->attempts());
    *step.mutable_next_attempt_at() = t_.outbox->due_at();
    step.set_last_error(t_.outbox->last_error());
  }
  if (r.state() != npd::v1::REFUND_STATE_STUCK) r.clear_stuck();
  return std::move(t_);
}

npd::store::v1::TimerRecord ClaimExpiryTimer(const npd::v1::Refund& refund) {
  npd::store::v1::TimerRecord t;
  t.set_kind(npd::store::v1::TIMER_KIND_CLAIM_EXPIRY);
  *t.mutable_due_at() = refund.claim_deadline_at();
  t.set_msisdn(refund.msisdn());
  t.set_port_id(refund.port_id());
  return t;
}

void ReleaseForNewClaim(RefundBuilder& b, const std::string& why, const RefundPolicy& policy) {
  npd::v1::Refund& r = b.refund();
  b.AddReason(npd::v1::REFUND_REASON_F06_PAYEE_INVALID);
  const std::string last4 = r.claim().payee_last4();
  r.clear_claim();
  ErasePayee(b.record());
  b.ClearStep();
  const absl::Time floor = b.now() + policy.payee_fix_grace;
  if (FromProto(r.claim_deadline_at()) < floor) {
    *r.mutable_claim_deadline_at() = ToProto(floor);
    b.t().arm_timers.push_back(ClaimExpiryTimer(r));
  }
  b.Enter(npd::v1::REFUND_STATE_AWAIT_CLAIM, "REFUND_PAYOUT_FAILED",
          absl::StrCat("payee account ...", last4, " refused (F06): ", why,
                       "; reservation released, a new claim may name another account"));
}

void MarkPaid(RefundBuilder& b, const std::string& reference) {
  npd::v1::Refund& r = b.refund();
  r.set_paid_fen(r.refundable_fen());
  r.set_payout_reference(reference);
  b.Enter(npd::v1::REFUND_STATE_PAID, "REFUND_PAID",
          absl::StrCat(FormatFen(r.paid_fen()), " paid under ", r.payout_key(), ", reference ",
                       reference));
  b.Schedule(npd::v1::REFUND_STEP_SETTLE, StepKey(r, "settle"), b.now());
}

void RetryOrStick(RefundBuilder& b, const npd::store::v1::OutboxRecord& entry,
                  const std::string& error, const RefundPolicy& policy, double jitter,
                  std::optional<absl::Duration> delay) {
  const int attempts = entry.attempts() + 1;
  if (attempts >= policy.max_attempts) {
    b.Stick(entry.step(), error, attempts);
    return;
  }
  b.Retry(entry, b.now() + delay.value_or(RetryDelay(policy, attempts, jitter)), error,
          /*count_attempt=*/true);
}

std::string StepKey(const npd::v1::Refund& refund, std::string_view suffix) {
  return absl::StrCat(refund.refund_id(), ":", AbslView(suffix));
}

absl::Status RefundNotAllowed(const npd::v1::Refund& refund, std::string_view what) {
  std::string_view state = npd::v1::RefundState_Name(refund.state());
  state.remove_prefix(std::min(state.size(), std::string_view("REFUND_STATE_").size()));
  return absl::FailedPreconditionError(
      absl::StrCat("refund ", refund.refund_id(), " is ", AbslView(state), ": ", AbslView(what)));
}

std::string FormatFen(int64_t fen) {
  const bool negative = fen < 0;
  // Work in unsigned so that INT64_MIN negates without overflow.
  const uint64_t magnitude =
      negative ? static_cast<uint64_t>(-(fen + 1)) + 1 : static_cast<uint64_t>(fen);
  return absl::StrFormat("%s%d.%02d CNY", negative ? "-" : "", magnitude / 100, magnitude % 100);
}

}  // namespace npd::core
