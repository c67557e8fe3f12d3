#include "daemon/engine/refund_handlers.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/core/port_machine.h"

namespace npd::engine {
namespace {

using npd::store::v1::OutboxRecord;
using npd::store::v1::RefundRecord;

void StageRefund(Txn& txn, core::RefundTransition t, std::string_view actor,
                 std::string_view request_id) {
  const npd::v1::Refund& refund = t.record.refund();
  for (const auto& e : t.events) {
    txn.AppendEvent(refund.msisdn(), refund.port_id(), e, actor, request_id);
  }
  for (const auto& timer : t.arm_timers) txn.AddTimer(timer);
  if (t.outbox_changed) {
    if (t.outbox.has_value()) {
      txn.PutOutbox(*t.outbox);
    } else {
      txn.RemoveOutbox(refund.refund_id());
    }
  }
  txn.PutRefund(t.record);
}

struct LoadedCase {
  RefundRecord record;
  std::optional<OutboxRecord> outbox;
};

absl::StatusOr<LoadedCase> LoadCase(Txn& txn, const std::string& refund_id) {
  auto record = txn.GetRefund(refund_id);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return absl::NotFoundError(absl::StrCat("no refund ", refund_id));
  auto outbox = txn.GetOutbox(refund_id);
  if (!outbox.ok()) return outbox.status();
  return LoadedCase{std::move(**record), std::move(*outbox)};
}

// A case the caller may act on as its donor (or the operator); others learn nothing about it.
absl::StatusOr<LoadedCase> LoadForDonor(Txn& txn, const std::string& refund_id,
                                        const std::string& caller, bool operator_allowed) {
  auto loaded = LoadCase(txn, refund_id);
  if (!loaded.ok()) return loaded.status();
  const bool allowed = caller == loaded->record.refund().donor() ||
                       (operator_allowed && caller == core::kOperatorActor);
  if (!allowed) return absl::NotFoundError(absl::StrCat("no refund ", refund_id));
  return loaded;
}

// A callback (pushed bill, payout result): stage it when it changed the case; either way answer
// with the case as it is now and whether anything was applied.
template <typename Resp>
absl::Status StageCallback(Txn& txn, const RefundRecord& before,
                           absl::StatusOr<core::CallbackOutcome> outcome, const std::string& caller,
                           const std::string& request_id, Resp& response) {
  if (!outcome.ok()) return outcome.status();
  response.set_applied(outcome->applied);
  if (!outcome->transition.has_value()) {
    *response.mutable_refund() = before.refund();
    return absl::OkStatus();
  }
  *response.mutable_refund() = outcome->transition->record.refund();
  StageRefund(txn, *std::move(outcome->transition), caller, request_id);
  return absl::OkStatus();
}

}  // namespace

std::string RefundIdOfPayoutKey(const std::string& payout_key) {
  const size_t colon = payout_key.find(':');
  if (colon == std::string::npos || payout_key.compare(colon, 8, ":payout:") != 0) return "";
  return payout_key.substr(0, colon);
}

void OpenRefundForPort(Txn& txn, const EngineContext& ctx,
                       const npd::store::v1::PortRecord& record) {
  std::string province;
  if (auto facts = ctx.plan->Describe(record.port().msisdn()); facts.ok()) {
    province = facts->province;
  }
  StageRefund(
      txn, core::OpenRefund(record.port(), province, record.applicant_identity_hash(), txn.now()),
      core::kNpdActor, "");
}

// The claim's payee account sealed for the case (daemon/core/payee_seal.h). Live: a fresh data key
// seals the account; the ciphertext and the last four characters are recorded with the step (replay
// takes them from there); the data key, wrapped with the payee key, is not (Txn::Unrecorded).
absl::StatusOr<core::SealedPayee> SealClaimPayee(Txn& txn, const EngineContext& ctx,
                                                 const npd::v1::ClaimRefundRequest& request,
                                                 int generation) {
  const std::string aad = core::PayeeAssociatedData(request.refund_id(), generation);
  bool random_failed = false;
  auto random = [&random_failed](size_t n) {
    std::string bytes(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1) {
      random_failed = true;
    }
    return bytes;
  };
  std::string data_key;
  auto last4 =
      txn.SideEffect("payee_last4", [&] { return core::PayeeLast4(request.payee().account()); });
  if (!last4.ok()) return last4.status();
  auto sealed = txn.SideEffect("sealed_payee", [&] {
    data_key = random(core::kPayeeKeyBytes);
    return core::SealPayee(request.payee(), data_key, random(core::kPayeeNonceBytes), aad);
  });
  if (!sealed.ok()) return sealed.status();
  bool no_keys = false;
  std::optional<std::string> wrapped = txn.Unrecorded([&]() -> std::string {
    if (ctx.payee_keys == nullptr) {
      no_keys = true;
      return "";
    }
    return core::WrapDataKey(*ctx.payee_keys, data_key, random(core::kPayeeNonceBytes), aad);
  });
  OPENSSL_cleanse(data_key.data(), data_key.size());
  if (no_keys) return absl::InternalError("no payee key is configured (security.payee_key_file)");
  if (random_failed) return absl::UnavailableError("the random number generator failed");
  return core::SealedPayee{.kind = request.payee().kind(),
                           .last4 = *std::move(last4),
                           .sealed = *std::move(sealed),
                           .wrapped_key = wrapped.value_or("")};
}

absl::Status HandleClaimRefund(Txn& txn, const EngineContext& ctx, const std::string& caller,
                               const npd::v1::ClaimRefundRequest& request,
                               npd::v1::ClaimRefundResponse& response) {
  auto loaded = LoadForDonor(txn, request.refund_id(), caller, /*operator_allowed=*/true);
  if (!loaded.ok()) return loaded.status();
  auto claimant_hash =
      txn.SideEffect("claimant_hash", [&] { return ctx.hasher->HashIdentity(request.claimant()); });
  if (!claimant_hash.ok()) return claimant_hash.status();
  auto payee = SealClaimPayee(txn, ctx, request, loaded->record.refund().payout_generation() + 1);
  if (!payee.ok()) return payee.status();
  core::RefundClaimCommand command{
      .request_id = request.request_id(),
      .claimant_hash = *std::move(claimant_hash),
      .payee = *std::move(payee),
      .channel = request.channel(),
      .claim_province = request.claim_province(),
  };
  auto outcome =
      core::ClaimRefund(loaded->record, loaded->outbox, command, ctx.refund_policy, txn.now());
  if (!outcome.ok()) return outcome.status();
  response.set_accepted(outcome->accepted);
  if (!outcome->accepted) *response.mutable_refusal() = outcome->refusal;
  *response.mutable_refund() = outcome->transition.record.refund();
  StageRefund(txn, std::move(outcome->transition), caller, request.request_id());
  return absl::OkStatus();
}

absl::Status HandleReportFinalBill(Txn& txn, const EngineContext& ctx, const std::string& caller,
                                   const npd::v1::ReportFinalBillRequest& request,
                                   npd::v1::ReportFinalBillResponse& response) {
  auto loaded = LoadForDonor(txn, request.refund_id(), caller, /*operator_allowed=*/false);
  if (!loaded.ok()) return loaded.status();
  auto outcome = core::ReportFinalBill(loaded->record, loaded->outbox, request.bill(),
                                       ctx.refund_policy, txn.now());
  return StageCallback(txn, loaded->record, std::move(outcome), caller, request.request_id(),
                       response);
}

absl::Status HandleReportPayoutResult(Txn& txn, const EngineContext& ctx, const std::string& caller,
                                      const npd::v1::ReportPayoutResultRequest& request,
                                      npd::v1::ReportPayoutResultResponse& response) {
  if (caller != core::kPaymentActor) {
    return absl::PermissionDeniedError("only the payment channel reports payout results");
  }
  const std::string refund_id = RefundIdOfPayoutKey(request.payout_key());
  auto loaded = LoadCase(txn, refund_id);
  if (!loaded.ok()) return loaded.status();
  core::PayoutReport report{.payout_key = request.payout_key(),
                            .status = request.status(),
                            .reference = request.payout_reference(),
                            .amount_fen = request.amount_fen(),
                            .failure_text = request.failure_text()};
  auto outcome =
      core::ApplyPayoutReport(loaded->record, loaded->outbox, report, ctx.refund_policy, txn.now());
  return StageCallback(txn, loaded->record, std::move(outcome), caller, request.request_id(),
                       response);
}

absl::Status HandleRedriveRefund(Txn& txn, const EngineContext& ctx, const std::string& caller,
                                 const npd::v1::RedriveRefundRequest& request,
                                 npd::v1::RedriveRefundResponse& response) {
  if (caller != core::kOperatorActor) {
    return absl::PermissionDeniedError("only the operator re-drives a refund");
  }
  auto loaded = LoadCase(txn, request.refund_id());
  if (!loaded.ok()) return loaded.status();
  auto t = core::RedriveRefund(
      loaded->record, loaded->outbox,
      core::RedriveCommand{.note = request.note(), .paid_generation = request.paid_generation()},
      ctx.refund_policy, txn.now());
  if (!t.ok()) return t.status();
  *response.mutable_refund() = t->record.refund();
  StageRefund(txn, *std::move(t), caller, request.request_id());
  return absl::OkStatus();
}

absl::Status HandleClaimExpiry(Txn& txn, const EngineContext& ctx, const std::string& port_id) {
  auto loaded = LoadCase(txn, core::RefundIdForPort(port_id));
  if (!loaded.ok()) return loaded.status();
  auto t = core::ExpireClaim(loaded->record, txn.now());
  if (!t.ok()) return t.status();
  StageRefund(txn, *std::move(t), core::kNpdActor, "");
  return absl::OkStatus();
}

absl::Status HandleStepResult(Txn& txn, const EngineContext& ctx, const std::string& refund_id,
                              const core::StepResult& result, double jitter) {
  auto loaded = LoadCase(txn, refund_id);
  if (!loaded.ok()) return loaded.status();
  auto t = core::ApplyStepResult(loaded->record, loaded->outbox, result, ctx.refund_policy,
                                 txn.now(), jitter);
  if (!t.ok()) return t.status();
  StageRefund(txn, *std::move(t), core::kNpdActor, "");
  return absl::OkStatus();
}

absl::Status HandleBeginPayout(Txn& txn, const EngineContext& ctx, const std::string& refund_id,
                               int64_t version) {
  auto loaded = LoadCase(txn, refund_id);
  if (!loaded.ok()) return loaded.status();
  auto t = core::BeginPayout(loaded->record, loaded->outbox, version, txn.now());
  if (!t.ok()) return t.status();
  StageRefund(txn, *std::move(t), core::kNpdActor, "");
  return absl::OkStatus();
}

}  // namespace npd::engine
