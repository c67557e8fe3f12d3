#include "daemon/core/refund_machine.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/core/payout_facts.h"
#include "daemon/core/refund_builder.h"
#include "daemon/core/time_convert.h"

namespace npd::core {
namespace {

using npd::store::v1::OutboxRecord;
using npd::store::v1::RefundRecord;
using npd::v1::Refund;

// The bill is known: compute the amount and take the next step (SMS, or closing without refund).
void ApplyBill(RefundBuilder& b, const npd::v1::FinalBill& bill) {
  Refund& r = b.refund();
  *r.mutable_final_bill() = bill;
  const RefundAmount amount = ComputeRefundable(bill);
  r.set_refundable_fen(amount.refundable_fen);
  for (auto reason : amount.reasons) b.AddReason(reason);
  if (amount.refundable_fen > 0) {
    b.Enter(
        npd::v1::REFUND_STATE_AMOUNT_COMPUTED, "REFUND_AMOUNT_COMPUTED",
        absl::StrCat("bill ", bill.bill_id(), ": refundable ", FormatFen(amount.refundable_fen)));
    b.Schedule(npd::v1::REFUND_STEP_NOTIFY_SUBSCRIBER, StepKey(r, "notify"), b.now());
    return;
  }
  r.set_arrears_fen(-amount.refundable_fen);
  b.Enter(npd::v1::REFUND_STATE_AMOUNT_COMPUTED, "REFUND_AMOUNT_COMPUTED",
          absl::StrCat("bill ", bill.bill_id(), ": nothing to refund, arrears ",
                       FormatFen(r.arrears_fen()), " handed over"));
  b.Schedule(npd::v1::REFUND_STEP_CLOSE_ACCOUNT, StepKey(r, "close"), b.now());
}

void ApplyFreeze(RefundBuilder& b, const StepResult& result) {
  Refund& r = b.refund();
  if (result.judicial_hold) {
    b.Stick(npd::v1::REFUND_STEP_FREEZE_ACCOUNT,
            absl::StrCat("judicial freeze: ", result.hold_text), 1,
            npd::v1::REFUND_REASON_F08_ACCOUNT_FROZEN_JUDICIAL);
    return;
  }
  b.Enter(npd::v1::REFUND_STATE_ACCOUNT_FROZEN, "REFUND_ACCOUNT_FROZEN",
          "donor billing stopped charges except final rating");
  if (r.has_final_bill()) {
    ApplyBill(b, r.final_bill());  // pushed before the freeze was answered
  } else {
    b.Schedule(npd::v1::REFUND_STEP_FETCH_FINAL_BILL, StepKey(r, "bill"), b.now());
  }
}

void ApplyFetch(RefundBuilder& b, const OutboxRecord& entry, const StepResult& result,
                const RefundPolicy& policy) {
  Refund& r = b.refund();
  if (result.bill.has_value()) {
    ApplyBill(b, *result.bill);
    return;
  }
  if (b.now() - FromProto(r.opened_at()) >= policy.final_bill_wait) {
    b.Stick(
        npd::v1::REFUND_STEP_FETCH_FINAL_BILL,
        absl::StrCat("final bill not ready after ", absl::FormatDuration(policy.final_bill_wait)),
        entry.attempts() + 1, npd::v1::REFUND_REASON_F01_FINAL_BILL_PENDING);
    return;
  }
  b.AddReason(npd::v1::REFUND_REASON_F01_FINAL_BILL_PENDING);
  if (r.state() != npd::v1::REFUND_STATE_AWAIT_FINAL_BILL) {
    b.Enter(npd::v1::REFUND_STATE_AWAIT_FINAL_BILL, "REFUND_FINAL_BILL_PENDING",
            "billing is still producing the final bill; polling");
  }
  b.Retry(entry, b.now() + policy.poll_interval, "final bill not ready (F01)",
          /*count_attempt=*/false);
}

void ApplyNotify(RefundBuilder& b, const StepResult& result, const RefundPolicy& policy) {
  Refund& r = b.refund();
  b.Enter(npd::v1::REFUND_STATE_USER_NOTIFIED, "REFUND_USER_NOTIFIED",
          absl::StrCat("SMS accepted by the gateway (", result.reference, ")"));
  *r.mutable_claim_deadline_at() = ToProto(b.now() + policy.claim_window);
  b.t().arm_timers.push_back(ClaimExpiryTimer(r));
  b.ClearStep();
  b.Enter(npd::v1::REFUND_STATE_AWAIT_CLAIM, "REFUND_AWAIT_CLAIM",
          absl::StrCat("claimable until ", absl::FormatTime(FromProto(r.claim_deadline_at()))));
}

void ApplyClose(RefundBuilder& b, const StepResult& result) {
  const std::string detail = absl::StrCat("donor account closed (", result.reference, ")");
  switch (b.refund().state()) {
    case npd::v1::REFUND_STATE_SETTLED:
      b.Close(npd::v1::REFUND_STATE_CLOSED_PAID, "REFUND_CLOSED_PAID", detail);
      return;
    case npd::v1::REFUND_STATE_CLAIM_EXPIRED:
      b.Close(npd::v1::REFUND_STATE_CLOSED_EXPIRED, "REFUND_CLOSED_EXPIRED", detail);
      return;
    default:
      b.Close(npd::v1::REFUND_STATE_CLOSED_NO_REFUND, "REFUND_CLOSED_NO_REFUND", detail);
      return;
  }
}

}  // namespace

std::string RefundIdForPort(const std::string& port_id) {
  return port_id.empty() ? "R" : absl::StrCat("R", port_id.substr(1));
}

RefundAmount ComputeRefundable(const npd::v1::FinalBill& bill) {
  RefundAmount a;
  a.refundable_fen = bill.cash_balance_fen() - bill.non_refundable_fen() -
                     bill.third_party_topup_fen() - bill.final_charges_fen();
  if (bill.non_refundable_fen() > 0)
    a.reasons.push_back(npd::v1::REFUND_REASON_F02_NON_REFUNDABLE_PROMO);
  if (bill.third_party_topup_fen() > 0) {
    a.reasons.push_back(npd::v1::REFUND_REASON_F03_THIRD_PARTY_TOPUP_RESTRICTED);
  }
  if (bill.final_charges_fen() > 0) a.reasons.push_back(npd::v1::REFUND_REASON_F04_ARREARS_OFFSET);
  return a;
}

absl::Duration RetryDelay(const RefundPolicy& policy, int attempts, double jitter) {
  absl::Duration d = policy.retry_initial;
  for (int i = 1; i < attempts && d < policy.retry_max; ++i) d *= 2;
  d = std::min(d, policy.retry_max);
  jitter = std::clamp(jitter, 0.0, 1.0);
  return d / 2 + (d / 2) * jitter;
}

RefundTransition OpenRefund(const npd::v1::Port& port, const std::string& home_province,
                            const std::string& holder_hash, absl::Time now) {
  RefundRecord record;
  record.set_holder_identity_hash(holder_hash);
  Refund& r = *record.mutable_refund();
  r.set_refund_id(RefundIdForPort(port.port_id()));
  r.set_port_id(port.port_id());
  r.set_msisdn(port.msisdn());
  r.set_donor(port.donor());
  r.set_recipient(port.recipient());
  r.set_home_province(home_province);
  *r.mutable_opened_at() = ToProto(now);
  RefundBuilder b(record, std::nullopt, now);
  b.Enter(npd::v1::REFUND_STATE_OPENED, "REFUND_OPENED",
          absl::StrCat("port ", port.port_id(), " completed; ", port.donor(),
                       " refunds the remaining balance"));
  b.Schedule(npd::v1::REFUND_STEP_FREEZE_ACCOUNT, StepKey(r, "freeze"), now);
  return std::move(b).Finish();
}

absl::StatusOr<RefundTransition> ApplyStepResult(const RefundRecord& record,
                                                 const std::optional<OutboxRecord>& outbox,
                                                 const StepResult& result,
                                                 const RefundPolicy& policy, absl::Time now,
                                                 double jitter) {
  if (!outbox.has_value() || outbox->version() != result.version) {
    return absl::FailedPreconditionError(absl::StrCat(
        "stale result for refund ", record.refund().refund_id(), " (entry version ",
        outbox.has_value() ? outbox->version() : 0, ", result for ", result.version, ")"));
  }
  RefundBuilder b(record, outbox, now);
  if (result.outcome == StepOutcome::kRetryable) {
    RetryOrStick(b, *outbox, result.error, policy, jitter);
    return std::move(b).Finish();
  }
  switch (outbox->step()) {
    case npd::v1::REFUND_STEP_FREEZE_ACCOUNT:
      ApplyFreeze(b, result);
      break;
    case npd::v1::REFUND_STEP_FETCH_FINAL_BILL:
      ApplyFetch(b, *outbox, result, policy);
      break;
    case npd::v1::REFUND_STEP_NOTIFY_SUBSCRIBER:
      ApplyNotify(b, result, policy);
      break;
    case npd::v1::REFUND_STEP_PAYOUT:
      ApplyPayoutAnswer(b, *outbox, result, policy, jitter);
      break;
    case npd::v1::REFUND_STEP_SETTLE:
      b.refund().set_settlement_reference(result.reference);
      b.Enter(npd::v1::REFUND_STATE_SETTLED, "REFUND_SETTLED",
              absl::StrCat("settlement entry ", result.reference, ": ", b.refund().home_province(),
                           " owes ", b.refund().claim().claim_province(), " ",
                           FormatFen(b.refund().paid_fen())));
      b.Schedule(npd::v1::REFUND_STEP_CLOSE_ACCOUNT, StepKey(b.refund(), "close"), now);
      break;
    case npd::v1::REFUND_STEP_CLOSE_ACCOUNT:
      ApplyClose(b, result);
      break;
    default:
      return absl::InternalError(
          absl::StrCat("outbox entry of ", record.refund().refund_id(), " has no step"));
  }
  return std::move(b).Finish();
}

absl::StatusOr<RefundTransition> BeginPayout(const RefundRecord& record,
                                             const std::optional<OutboxRecord>& outbox,
                                             int64_t version, absl::Time now) {
  if (!outbox.has_value() || outbox->version() != version ||
      outbox->step() != npd::v1::REFUND_STEP_PAYOUT || outbox->query_first()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refund ", record.refund().refund_id(), " has no payout of version ", version, " to send"));
  }
  RefundBuilder b(record, outbox, now);
  OutboxRecord next = *outbox;
  next.set_query_first(true);
  b.Retry(next, FromProto(outbox->due_at()), outbox->last_error(), /*count_attempt=*/false);
  if (b.refund().state() == npd::v1::REFUND_STATE_FUNDS_RESERVED) {
    b.Enter(npd::v1::REFUND_STATE_PAYOUT_REQUESTED, "REFUND_PAYOUT_REQUESTED",
            absl::StrCat(FormatFen(b.refund().refundable_fen()), " to ...",
                         b.refund().claim().payee_last4(), " under ", outbox->idempotency_key()));
  } else {
    b.Note("REFUND_PAYOUT_RESENT", absl::StrCat("Pay sent again under ", outbox->idempotency_key(),
                                                " (the channel had not received it)"));
  }
  return std::move(b).Finish();
}

absl::StatusOr<CallbackOutcome> ReportFinalBill(const RefundRecord& record,
                                                const std::optional<OutboxRecord>& outbox,
                                                const npd::v1::FinalBill& bill,
                                                const RefundPolicy& policy, absl::Time now) {
  (void)policy;
  const Refund& r = record.refund();
  if (r.has_final_bill()) {
    npd::v1::FinalBill a = r.final_bill(), c = bill;
    a.clear_produced_at();
    c.clear_produced_at();
    if (a.SerializeAsString() == c.SerializeAsString()) return CallbackOutcome{};
    return RefundNotAllowed(r, absl::StrCat("a different final bill (", r.final_bill().bill_id(),
                                            ") was already applied"));
  }
  RefundBuilder b(record, outbox, now);
  switch (r.state()) {
    case npd::v1::REFUND_STATE_OPENED:
      // The freeze has not been answered yet: keep the bill; the freeze's answer applies it.
      *b.refund().mutable_final_bill() = bill;
      b.Note("REFUND_FINAL_BILL_RECEIVED",
             absl::StrCat("bill ", bill.bill_id(), " pushed before the freeze was answered"));
      break;
    case npd::v1::REFUND_STATE_ACCOUNT_FROZEN:
    case npd::v1::REFUND_STATE_AWAIT_FINAL_BILL:
      b.Note("REFUND_FINAL_BILL_RECEIVED", absl::StrCat("bill ", bill.bill_id(), " pushed"));
      b.ClearStep();  // no more polling
      ApplyBill(b, bill);
      break;
    default:
      return RefundNotAllowed(r, "it is not waiting for a final bill");
  }
  return CallbackOutcome{.applied = true, .transition = std::move(b).Finish()};
}

absl::StatusOr<ClaimOutcome> ClaimRefund(const RefundRecord& record,
                                         const std::optional<OutboxRecord>& outbox,
                                         const RefundClaimCommand& command,
                                         const RefundPolicy& policy, absl::Time now) {
  (void)policy;
  const Refund& r = record.refund();
  RefundBuilder b(record, outbox, now);
  std::vector<npd::v1::RefundReason> reasons;
  std::string text;
  switch (r.state()) {
    case npd::v1::REFUND_STATE_OPENED:
    case npd::v1::REFUND_STATE_ACCOUNT_FROZEN:
    case npd::v1::REFUND_STATE_AWAIT_FINAL_BILL:
    case npd::v1::REFUND_STATE_AMOUNT_COMPUTED:
    case npd::v1::REFUND_STATE_USER_NOTIFIED:
      reasons.push_back(npd::v1::REFUND_REASON_F01_FINAL_BILL_PENDING);
      text =
          "the refund amount is not final yet; the subscriber is told by SMS when it can be "
          "claimed";
      break;
    case npd::v1::REFUND_STATE_CLOSED_NO_REFUND:
      return RefundNotAllowed(r, "there is nothing to refund");
    case npd::v1::REFUND_STATE_CLAIM_EXPIRED:
    case npd::v1::REFUND_STATE_CLOSED_EXPIRED:
      reasons.push_back(npd::v1::REFUND_REASON_F07_CLAIM_EXPIRED);
      text = "the claim window has passed";
      break;
    case npd::v1::REFUND_STATE_AWAIT_CLAIM:
      if (now >= FromProto(r.claim_deadline_at())) {
        reasons.push_back(npd::v1::REFUND_REASON_F07_CLAIM_EXPIRED);
        text = "the claim window has passed";
      } else if (command.claimant_hash != record.holder_identity_hash()) {
        reasons.push_back(npd::v1::REFUND_REASON_F05_IDENTITY_MISMATCH);
        text = "the claimant is not the account holder as of the port";
      }
      break;
    default:  // claimed already: reserved, paying, paid, settled, closed paid, or stuck after it
      if (r.state() == npd::v1::REFUND_STATE_STUCK && !r.has_claim()) {
        return RefundNotAllowed(r, "an operator must re-drive it before it can be claimed");
      }
      reasons.push_back(npd::v1::REFUND_REASON_F09_DUPLICATE_CLAIM);
      text = "the refund was already claimed";
      break;
  }
  ClaimOutcome out;
  if (!reasons.empty()) {
    b.refund().set_refused_claims(r.refused_claims() + 1);
    std::string codes;
    for (auto reason : reasons) {
      out.refusal.add_reasons(reason);
      absl::StrAppend(&codes, codes.empty() ? "" : ",", npd::v1::RefundReason_Name(reason));
    }
    out.refusal.set_text(text);
    b.Note("REFUND_CLAIM_REFUSED",
           absl::StrCat(codes, ": ", text, " (via ", npd::v1::ClaimChannel_Name(command.channel),
                        ", ", command.claim_province, ")"));
    out.transition = std::move(b).Finish();
    return out;
  }
  Refund& next = b.refund();
  npd::v1::RefundClaim& claim = *next.mutable_claim();
  claim.set_channel(command.channel);
  claim.set_claim_province(command.claim_province);
  claim.set_payee_kind(command.payee.kind);
  claim.set_payee_last4(command.payee.last4);
  *claim.mutable_claimed_at() = ToProto(now);
  claim.set_request_id(command.request_id);
  b.record().set_sealed_payee(command.payee.sealed);
  b.record().set_payee_data_key(command.payee.wrapped_key);
  next.set_payout_generation(r.payout_generation() + 1);
  next.set_payout_key(StepKey(next, absl::StrCat("payout:", next.payout_generation())));
  b.Enter(npd::v1::REFUND_STATE_FUNDS_RESERVED, "REFUND_CLAIMED",
          absl::StrCat(FormatFen(next.refundable_fen()), " reserved in ", next.home_province(),
                       " for a claim via ", npd::v1::ClaimChannel_Name(command.channel), " in ",
                       command.claim_province, " to ...", claim.payee_last4()));
  b.Schedule(npd::v1::REFUND_STEP_PAYOUT, next.payout_key(), now);
  out.accepted = true;
  out.transition = std::move(b).Finish();
  return out;
}

absl::StatusOr<RefundTransition> ExpireClaim(const RefundRecord& record, absl::Time now) {
  const Refund& r = record.refund();
  if (r.state() != npd::v1::REFUND_STATE_AWAIT_CLAIM) {
    return RefundNotAllowed(r, "no claim is awaited");
  }
  if (now < FromProto(r.claim_deadline_at())) {
    return RefundNotAllowed(r, "the claim deadline moved");
  }
  RefundBuilder b(record, std::nullopt, now);
  b.AddReason(npd::v1::REFUND_REASON_F07_CLAIM_EXPIRED);
  b.Enter(npd::v1::REFUND_STATE_CLAIM_EXPIRED, "REFUND_CLAIM_EXPIRED",
          absl::StrCat("nobody claimed ", FormatFen(r.refundable_fen()), " by the deadline"));
  b.Schedule(npd::v1::REFUND_STEP_CLOSE_ACCOUNT, StepKey(r, "close"), now);
  return std::move(b).Finish();
}

}  // namespace npd::core
