#include "daemon/engine/handlers.h"

#include <openssl/rand.h>

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "daemon/core/auth_code_rules.h"
#include "daemon/core/port_machine.h"
#include "daemon/core/time_convert.h"
#include "daemon/engine/refund_handlers.h"

namespace npd::engine {
namespace {

using npd::store::v1::NumberRecord;
using npd::store::v1::PortRecord;
using npd::store::v1::TimerRecord;

// A uniformly random 6-digit code from OpenSSL's CSPRNG (rejection sampling, no modulo bias).
absl::StatusOr<std::string> RandomAuthCode() {
  constexpr uint32_t kRange = 1000000;
  constexpr uint32_t kLimit = UINT32_MAX - (UINT32_MAX % kRange);
  for (;;) {
    uint32_t value = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof(value)) != 1) {
      return absl::UnavailableError("the random number generator failed");
    }
    if (value < kLimit) return absl::StrFormat("%06u", value % kRange);
  }
}

void StageEvents(Txn& txn, std::string_view msisdn, std::string_view port_id,
                 const std::vector<core::DomainEvent>& events, std::string_view actor,
                 std::string_view request_id) {
  for (const auto& e : events) txn.AppendEvent(msisdn, port_id, e, actor, request_id);
}

TimerRecord PortTimer(npd::store::v1::TimerKind kind, const npd::v1::Port& port, absl::Time due) {
  TimerRecord t;
  t.set_kind(kind);
  *t.mutable_due_at() = core::ToProto(due);
  t.set_msisdn(port.msisdn());
  t.set_port_id(port.port_id());
  return t;
}

// Stores a transition: the port, the number, events, timers, the routing change and the
// awaiting-confirmation index. Timers that can no longer fire usefully are removed from the index
// so it holds only live work: the donor-deadline and stale timers once the port left PENDING_DONOR,
// the cutover timer once it left SCHEDULED or DISCONNECT_PENDING, the ack deadline once it left
// CUTOVER (removing a timer that already fired is harmless).
void StageTransition(Txn& txn, const EngineContext& ctx, PortRecord record,
                     core::PortTransition transition, std::string_view actor,
                     std::string_view request_id) {
  const npd::v1::Port before = record.port();
  *record.mutable_port() = std::move(transition.port);
  npd::v1::Port& port = *record.mutable_port();
  npd::store::v1::NumberRecord& number = transition.number;
  if (transition.effects.broadcast.has_value()) {
    const bool resend = transition.effects.broadcast->resend_of() != 0;
    const uint64_t sequence = txn.AppendFeed(*transition.effects.broadcast);
    if (resend) {
      port.set_last_resend_sequence(sequence);
    } else {
      port.set_routing_sequence(sequence);
      number.set_routing_sequence(sequence);
      number.set_routing_port_id(port.port_id());
    }
  }
  for (const auto& timer : transition.effects.arm_timers) txn.AddTimer(timer);
  const npd::v1::PortState from = before.state();
  const npd::v1::PortState to = port.state();
  if (from == npd::v1::PORT_STATE_PENDING_DONOR && to != from) {
    txn.RemoveTimer(PortTimer(npd::store::v1::TIMER_KIND_DONOR_DEADLINE, before,
                              core::FromProto(before.donor_deadline_at())));
    txn.RemoveTimer(PortTimer(npd::store::v1::TIMER_KIND_STALE, before,
                              core::FromProto(before.submitted_at()) + ctx.policy.stale_after));
  }
  if ((from == npd::v1::PORT_STATE_SCHEDULED || from == npd::v1::PORT_STATE_DISCONNECT_PENDING) &&
      to != from) {
    txn.RemoveTimer(PortTimer(npd::store::v1::TIMER_KIND_CUTOVER, before,
                              core::FromProto(before.cutover_at())));
  }
  if (from == npd::v1::PORT_STATE_CUTOVER && before.has_ack_deadline_at() &&
      (to != from || before.resend_count() != port.resend_count())) {
    TimerRecord ack = PortTimer(npd::store::v1::TIMER_KIND_ACK_DEADLINE, before,
                                core::FromProto(before.ack_deadline_at()));
    ack.set_generation(before.resend_count());
    txn.RemoveTimer(ack);
  }
  if (!core::AwaitsConfirmation(from) && core::AwaitsConfirmation(to)) {
    txn.AddAwaiting(port.routing_sequence(), port.port_id());
  } else if (core::AwaitsConfirmation(from) && !core::AwaitsConfirmation(to)) {
    txn.RemoveAwaiting(port.routing_sequence());
  }
  StageEvents(txn, port.msisdn(), port.port_id(), transition.events, actor, request_id);
  txn.PutNumber(number);
  txn.PutPort(record);
  // Every completed port (not a number return) gets its balance-refund case in the same commit.
  if (to == npd::v1::PORT_STATE_COMPLETED && from != to &&
      port.kind() != npd::v1::PORT_KIND_NUMBER_RETURN) {
    OpenRefundForPort(txn, ctx, record);
  }
}

// Loads a port and its number for a command on an existing port.
struct PortAndNumber {
  PortRecord record;
  NumberRecord number;
};
absl::StatusOr<PortAndNumber> LoadPort(Txn& txn, const EngineContext& ctx,
                                       const std::string& port_id) {
  auto record = txn.GetPort(port_id);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return absl::NotFoundError(absl::StrCat("no port ", port_id));
  auto facts = ctx.plan->Describe((*record)->port().msisdn());
  if (!facts.ok()) return facts.status();
  auto number = txn.LoadNumber(*facts);
  if (!number.ok()) return number.status();
  return PortAndNumber{std::move(**record), std::move(*number)};
}

absl::Status ApplyAndStage(Txn& txn, const EngineContext& ctx, const std::string& port_id,
                           const core::PortCommand& command, std::string_view actor,
                           std::string_view request_id, npd::v1::Port* result) {
  auto loaded = LoadPort(txn, ctx, port_id);
  if (!loaded.ok()) return loaded.status();
  auto transition =
      core::ApplyToPort(loaded->record.port(), loaded->number, command, ctx.policy, txn.now());
  if (!transition.ok()) return transition.status();
  StageTransition(txn, ctx, std::move(loaded->record), *std::move(transition), actor, request_id);
  if (result != nullptr) {
    auto stored = txn.GetPort(port_id);
    if (!stored.ok()) return stored.status();
    *result = (*stored)->port();
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status HandleIssueAuthCode(Txn& txn, const EngineContext& ctx, const std::string& caller,
                                 const npd::v1::IssueAuthCodeRequest& request,
                                 npd::v1::IssueAuthCodeResponse& response) {
  auto facts = ctx.plan->Describe(request.msisdn());
  if (!facts.ok()) return facts.status();
  auto number = txn.LoadNumber(*facts);
  if (!number.ok()) return number.status();
  auto code = RandomAuthCode();
  if (!code.ok()) return code.status();
  // Replay has neither the code nor the holder nor the key: it gets the hashes from the journal.
  auto code_hash = txn.SideEffect(
      "code_hash", [&] { return ctx.hasher->HashAuthCode(request.msisdn(), *code); });
  if (!code_hash.ok()) return code_hash.status();
  auto holder_hash =
      txn.SideEffect("holder_hash", [&] { return ctx.hasher->HashIdentity(request.holder()); });
  if (!holder_hash.ok()) return holder_hash.status();
  core::IssueAuthCodeCommand command{
      .issuer = caller,
      .code_hash = *std::move(code_hash),
      .holder_hash = *std::move(holder_hash),
  };
  auto outcome = core::IssueAuthCode(*facts, *number, command, ctx.policy, txn.now());
  if (!outcome.ok()) return outcome.status();
  StageEvents(txn, request.msisdn(), "", outcome->events, caller, request.request_id());
  response.set_issued(outcome->issued);
  if (!outcome->issued) {
    *response.mutable_refusal() = outcome->refusal;
    return absl::OkStatus();
  }
  txn.PutNumber(outcome->number);
  if (outcome->expiry_timer.has_value()) txn.AddTimer(*outcome->expiry_timer);
  response.set_code(*code);
  *response.mutable_expires_at() = core::ToProto(outcome->expires_at);
  return absl::OkStatus();
}

void RedactAuthCode(npd::v1::IssueAuthCodeResponse& response) { response.clear_code(); }

absl::Status HandleSubmitPort(Txn& txn, const EngineContext& ctx, const std::string& caller,
                              const npd::v1::SubmitPortRequest& request,
                              npd::v1::SubmitPortResponse& response) {
  if (!ctx.plan->IsCarrier(caller)) {
    return absl::PermissionDeniedError("only a carrier can submit a port, as the recipient");
  }
  auto facts = ctx.plan->Describe(request.msisdn());
  if (!facts.ok()) return facts.status();
  auto number = txn.LoadNumber(*facts);
  if (!number.ok()) return number.status();
  auto code_hash = txn.SideEffect(
      "code_hash", [&] { return ctx.hasher->HashAuthCode(request.msisdn(), request.auth_code()); });
  if (!code_hash.ok()) return code_hash.status();
  auto applicant_hash = txn.SideEffect(
      "applicant_hash", [&] { return ctx.hasher->HashIdentity(request.applicant()); });
  if (!applicant_hash.ok()) return applicant_hash.status();
  core::SubmitPortCommand command{
      .port_id = txn.NextPortId(),
      .recipient = caller,
      .local_network = request.local_network(),
      .channel = request.channel(),
      .code_hash = *std::move(code_hash),
      .applicant_hash = *std::move(applicant_hash),
  };
  auto transition = core::SubmitPort(*facts, *number, command, ctx.policy, txn.now());
  if (!transition.ok()) return transition.status();
  *response.mutable_port() = transition->port;
  PortRecord record;
  record.set_applicant_identity_hash(command.applicant_hash);
  StageTransition(txn, ctx, std::move(record), *std::move(transition), caller,
                  request.request_id());
  return absl::OkStatus();
}

absl::Status HandleAnswerPort(Txn& txn, const EngineContext& ctx, const std::string& caller,
                              const npd::v1::AnswerPortRequest& request,
                              npd::v1::AnswerPortResponse& response) {
  core::PortCommand command;
  if (request.approve()) {
    command = core::ApprovePort{.actor = caller, .note = request.note()};
  } else {
    std::vector<npd::v1::ReasonCode> reasons;
    for (int r : request.reasons()) reasons.push_back(static_cast<npd::v1::ReasonCode>(r));
    command =
        core::RejectPort{.actor = caller, .reasons = std::move(reasons), .note = request.note()};
  }
  return ApplyAndStage(txn, ctx, request.port_id(), command, caller, request.request_id(),
                       response.mutable_port());
}

absl::Status HandleCancelPort(Txn& txn, const EngineContext& ctx, const std::string& caller,
                              const npd::v1::CancelPortRequest& request,
                              npd::v1::CancelPortResponse& response) {
  return ApplyAndStage(txn, ctx, request.port_id(),
                       core::CancelPort{.actor = caller, .reason = request.reason()}, caller,
                       request.request_id(), response.mutable_port());
}

absl::Status HandleResendRouting(Txn& txn, const EngineContext& ctx, const std::string& caller,
                                 const npd::v1::ResendRoutingRequest& request,
                                 npd::v1::ResendRoutingResponse& response) {
  return ApplyAndStage(txn, ctx, request.port_id(),
                       core::ResendRouting{.actor = caller, .reason = request.reason()}, caller,
                       request.request_id(), response.mutable_port());
}

absl::Status HandleOperatorCancel(Txn& txn, const EngineContext& ctx, const std::string& caller,
                                  const npd::v1::CancelStalePortRequest& request,
                                  npd::v1::CancelStalePortResponse& response) {
  return ApplyAndStage(txn, ctx, request.port_id(),
                       core::OperatorCancel{.actor = caller, .reason = request.reason()}, caller,
                       request.request_id(), response.mutable_port());
}

absl::Status HandleDisconnectNumber(Txn& txn, const EngineContext& ctx, const std::string& caller,
                                    const npd::v1::DisconnectNumberRequest& request,
                                    npd::v1::DisconnectNumberResponse& response) {
  if (!ctx.plan->IsCarrier(caller)) {
    return absl::PermissionDeniedError("only the carrier serving a number can report its return");
  }
  auto facts = ctx.plan->Describe(request.msisdn());
  if (!facts.ok()) return facts.status();
  auto number = txn.LoadNumber(*facts);
  if (!number.ok()) return number.status();
  core::ReportNumberReturn command{
      .port_id = txn.NextPortId(), .actor = caller, .note = request.note()};
  if (request.has_effective_at()) command.effective_at = core::FromProto(request.effective_at());
  auto transition = core::DisconnectNumber(*facts, *number, command, ctx.policy, txn.now());
  if (!transition.ok()) return transition.status();
  *response.mutable_port() = transition->port;
  StageTransition(txn, ctx, PortRecord(), *std::move(transition), caller, request.request_id());
  return absl::OkStatus();
}

absl::Status HandleConfirm(Txn& txn, const EngineContext& ctx, const std::string& caller,
                           const npd::v1::ConfirmRequest& request,
                           npd::v1::ConfirmResponse& response) {
  if (!ctx.plan->IsCarrier(caller)) {
    return absl::PermissionDeniedError("only a carrier confirms routing changes, for itself");
  }
  const uint64_t head = txn.FeedHead();
  if (request.sequence() > head) {
    return absl::InvalidArgumentError(
        absl::StrCat("sequence ", request.sequence(), " is beyond the feed head ", head));
  }
  const uint64_t confirmed = txn.Cursor(caller);
  if (request.sequence() > confirmed) {
    // Only transactions still awaiting confirmation matter; the index finds them without reading
    // the feed, so it works after the feed history was pruned too.
    auto awaiting = txn.ReadAwaiting(confirmed, request.sequence());
    if (!awaiting.ok()) return awaiting.status();
    for (const auto& entry : *awaiting) {
      absl::Status s = ApplyAndStage(txn, ctx, entry.port_id, core::ConfirmRouting{caller}, caller,
                                     request.request_id(), nullptr);
      // This carrier may have confirmed it already (it was not pending from it): nothing to do.
      if (!s.ok() && !absl::IsFailedPrecondition(s)) return s;
    }
    txn.SetCursor(caller, request.sequence());
  }
  response.set_confirmed_sequence(txn.Cursor(caller));
  response.set_head_sequence(head);
  return absl::OkStatus();
}

absl::Status HandleTimer(Txn& txn, const EngineContext& ctx, const TimerRecord& timer) {
  if (core::FromProto(timer.due_at()) > txn.now()) {
    return absl::UnavailableError("timer fired before its due time; it is retried");
  }
  txn.RemoveTimer(timer);
  absl::Status s;
  switch (timer.kind()) {
    case npd::store::v1::TIMER_KIND_AUTH_CODE_EXPIRY: {
      auto facts = ctx.plan->Describe(timer.msisdn());
      if (!facts.ok()) return absl::OkStatus();  // the plan changed; nothing to expire
      auto number = txn.LoadNumber(*facts);
      if (!number.ok()) return number.status();
      auto outcome = core::ExpireAuthCode(*number, timer.generation(), txn.now());
      if (!outcome.ok()) {
        s = outcome.status();
        break;
      }
      txn.PutNumber(outcome->number);
      StageEvents(txn, timer.msisdn(), "", outcome->events, core::kNpdActor, "");
      break;
    }
    case npd::store::v1::TIMER_KIND_DONOR_DEADLINE:
      s = ApplyAndStage(txn, ctx, timer.port_id(), core::DonorDeadlineDue{}, core::kNpdActor, "",
                        nullptr);
      break;
    case npd::store::v1::TIMER_KIND_CUTOVER:
      s = ApplyAndStage(txn, ctx, timer.port_id(), core::CutoverDue{ctx.carrier_ids},
                        core::kNpdActor, "", nullptr);
      break;
    case npd::store::v1::TIMER_KIND_STALE:
      s = ApplyAndStage(txn, ctx, timer.port_id(), core::StaleDue{}, core::kNpdActor, "", nullptr);
      break;
    case npd::store::v1::TIMER_KIND_CLAIM_EXPIRY:
      s = HandleClaimExpiry(txn, ctx, timer.port_id());
      break;
    case npd::store::v1::TIMER_KIND_ACK_DEADLINE:
      s = ApplyAndStage(txn, ctx, timer.port_id(),
                        core::AckDeadlineDue{static_cast<int32_t>(timer.generation())},
                        core::kNpdActor, "", nullptr);
      break;
    default:
      break;
  }
  // A timer whose moment has passed is dropped; its removal still commits.
  if (absl::IsFailedPrecondition(s) || absl::IsNotFound(s)) return absl::OkStatus();
  return s;
}

}  // namespace npd::engine
