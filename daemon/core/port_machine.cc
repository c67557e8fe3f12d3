// ApplyToPort: every command on an existing port. SubmitPort lives in submit_rules.cc.
#include "daemon/core/port_machine.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/core/calendar.h"
#include "daemon/core/record_builders.h"
#include "daemon/core/refusal.h"
#include "daemon/core/string_view_compat.h"
#include "daemon/core/time_convert.h"

namespace npd::core {
namespace {

using npd::store::v1::NumberRecord;
using npd::v1::Port;
using npd::v1::PortState;

absl::Status NotAllowedIn(const Port& port, std::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat("port ", port.port_id(), " is ", StateName(port.state()), ": ", AbslView(what)));
}

absl::Status CheckNoteLength(std::string_view field, std::string_view text) {
  if (text.size() > kMaxNoteBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(field), " is longer than ", kMaxNoteBytes, " bytes"));
  }
  return absl::OkStatus();
}

bool IsDonorReason(npd::v1::ReasonCode code) {
  return (code >= npd::v1::REASON_CODE_R01_NOT_REAL_NAME &&
          code <= npd::v1::REASON_CODE_R05_LOCK_IN_CONTRACT) ||
         code == npd::v1::REASON_CODE_R99_OTHER_POLICY;
}

// Copies `values` into a sorted, duplicate-free repeated field.
void SetSorted(std::vector<std::string> values,
               google::protobuf::RepeatedPtrField<std::string>& field) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  field.Clear();
  for (auto& value : values) field.Add(std::move(value));
}

// Applies one command to copies of the port and number records. Each operator() checks the command
// against the port, then builds the transition; on error nothing is produced.
class CommandApplier {
 public:
  CommandApplier(const Port& port, const NumberRecord& number, const PortPolicy& policy,
                 absl::Time now)
      : port_(port), number_(number), policy_(policy), now_(now) {}

  absl::StatusOr<PortTransition> operator()(const ApprovePort& command) const {
    if (command.actor != port_.donor()) {
      return absl::PermissionDeniedError("only the donor can answer a port");
    }
    if (auto s = CheckNoteLength("note", command.note); !s.ok()) return s;
    if (port_.state() != npd::v1::PORT_STATE_PENDING_DONOR) {
      return NotAllowedIn(port_, "only a PENDING_DONOR port can be answered");
    }
    PortTransition t = Begin();
    t.port.set_answer_note(command.note);
    Schedule(t);
    AddEvent(t, "PORT_APPROVED",
             absl::StrCat("approved by ", command.actor, "; cutover at ",
                          LocalTimeText(FromProto(t.port.cutover_at()))));
    return t;
  }

  absl::StatusOr<PortTransition> operator()(const RejectPort& command) const {
    if (command.actor != port_.donor()) {
      return absl::PermissionDeniedError("only the donor can answer a port");
    }
    if (command.reasons.empty()) {
      return absl::InvalidArgumentError("a rejection needs at least one reason");
    }
    for (npd::v1::ReasonCode reason : command.reasons) {
      if (!IsDonorReason(reason)) {
        return absl::InvalidArgumentError(
            absl::StrCat("reason ", ReasonName(reason), " is not a donor reason (R01-R05, R99)"));
      }
    }
    const bool other_policy =
        std::find(command.reasons.begin(), command.reasons.end(),
                  npd::v1::REASON_CODE_R99_OTHER_POLICY) != command.reasons.end();
    if (other_policy && absl::StripAsciiWhitespace(command.note).empty()) {
      return absl::InvalidArgumentError("R99_OTHER_POLICY needs a note explaining the policy");
    }
    if (auto s = CheckNoteLength("note", command.note); !s.ok()) return s;
    if (port_.state() != npd::v1::PORT_STATE_PENDING_DONOR) {
      return NotAllowedIn(port_, "only a PENDING_DONOR port can be answered");
    }
    PortTransition t = Begin();
    *t.port.mutable_answered_at() = ToProto(now_);
    t.port.set_answer_note(command.note);
    *t.port.mutable_refusal() = MakeRefusal(command.reasons, command.note, policy_);
    Close(t, npd::v1::PORT_STATE_REJECTED);
    std::vector<npd::v1::ReasonCode> reasons;
    for (int reason : t.port.refusal().reasons()) {
      reasons.push_back(static_cast<npd::v1::ReasonCode>(reason));
    }
    AddEvent(t, "PORT_REJECTED",
             absl::StrCat("rejected by ", command.actor, ": ", ReasonNames(reasons)));
    return t;
  }

  absl::StatusOr<PortTransition> operator()(const CancelPort& command) const {
    if (command.actor != port_.recipient()) {
      return absl::PermissionDeniedError("only the recipient can cancel a port");
    }
    if (auto s = CheckNoteLength("reason", command.reason); !s.ok()) return s;
    if (port_.state() == npd::v1::PORT_STATE_CUTOVER ||
        port_.state() == npd::v1::PORT_STATE_COMPLETED) {
      return NotAllowedIn(port_, "cannot cancel after cutover");
    }
    if (port_.state() != npd::v1::PORT_STATE_PENDING_DONOR &&
        port_.state() != npd::v1::PORT_STATE_SCHEDULED) {
      return NotAllowedIn(port_, "the port is already closed");
    }
    PortTransition t = Begin();
    t.port.set_cancel_reason(command.reason);
    Close(t, npd::v1::PORT_STATE_CANCELLED);
    AddEvent(t, "PORT_CANCELLED", absl::StrCat("cancelled by ", command.actor, " before cutover"));
    return t;
  }

  absl::StatusOr<PortTransition> operator()(const DonorDeadlineDue&) const {
    if (port_.state() != npd::v1::PORT_STATE_PENDING_DONOR) {
      return NotAllowedIn(port_, "the donor deadline no longer applies");
    }
    if (port_.donor_deadline_passed()) {
      return NotAllowedIn(port_, "the donor deadline already passed");
    }
    const absl::Time deadline = FromProto(port_.donor_deadline_at());
    if (now_ < deadline) {
      return NotAllowedIn(
          port_, absl::StrCat("the donor deadline is not due until ", LocalTimeText(deadline)));
    }
    PortTransition t = Begin();
    t.port.set_donor_deadline_passed(true);
    const std::string missed =
        absl::StrCat("donor ", port_.donor(), " did not answer by ", LocalTimeText(deadline));
    if (policy_.donor_timeout == DonorTimeoutPolicy::kEscalate) {
      AddEvent(t, "DONOR_DEADLINE_PASSED", absl::StrCat(missed, "; escalated to operations"));
      return t;
    }
    t.port.set_deemed_consent(true);
    Schedule(t);
    AddEvent(t, "PORT_DEEMED_APPROVED",
             absl::StrCat(missed, "; consent deemed; cutover at ",
                          LocalTimeText(FromProto(t.port.cutover_at()))));
    return t;
  }

  absl::StatusOr<PortTransition> operator()(const CutoverDue& command) const {
    if (command.carrier_ids.empty()) {
      return absl::InvalidArgumentError("a cutover needs the carriers that must confirm it");
    }
    if (port_.state() != npd::v1::PORT_STATE_SCHEDULED) {
      return NotAllowedIn(port_, "only a SCHEDULED port cuts over");
    }
    const absl::Time cutover_at = FromProto(port_.cutover_at());
    if (now_ < cutover_at) {
      return NotAllowedIn(port_,
                          absl::StrCat("the cutover is not due until ", LocalTimeText(cutover_at)));
    }
    PortTransition t = Begin();
    t.port.set_state(npd::v1::PORT_STATE_CUTOVER);
    SetSorted(command.carrier_ids, *t.port.mutable_pending_confirmations());
    t.port.clear_confirmed_by();
    t.number.set_serving_carrier(port_.recipient());

    npd::v1::RoutingChange change;
    change.set_msisdn(port_.msisdn());
    change.set_serving_carrier(port_.recipient());
    change.set_previous_carrier(port_.donor());
    change.set_range_holder(port_.range_holder());
    *change.mutable_effective_at() = ToProto(now_);
    change.set_port_id(port_.port_id());
    change.set_kind(npd::v1::ROUTING_CHANGE_KIND_PORTED);
    t.effects.broadcast = std::move(change);

    AddEvent(t, "PORT_CUTOVER",
             absl::StrCat("routing moved from ", port_.donor(), " to ", port_.recipient(),
                          "; awaiting confirmation from ",
                          absl::StrJoin(t.port.pending_confirmations(), ", ")));
    return t;
  }

  absl::StatusOr<PortTransition> operator()(const StaleDue&) const {
    if (port_.state() != npd::v1::PORT_STATE_PENDING_DONOR) {
      return NotAllowedIn(port_, "only a PENDING_DONOR port goes stale");
    }
    const absl::Time due = FromProto(port_.submitted_at()) + policy_.stale_after;
    if (now_ < due) {
      return NotAllowedIn(port_, absl::StrCat("the port is not stale until ", LocalTimeText(due)));
    }
    PortTransition t = Begin();
    Close(t, npd::v1::PORT_STATE_EXPIRED);
    AddEvent(t, "PORT_EXPIRED",
             absl::StrCat("no donor answer within ", absl::FormatDuration(policy_.stale_after),
                          " of submission"));
    return t;
  }

  absl::StatusOr<PortTransition> operator()(const ConfirmRouting& command) const {
    if (port_.state() != npd::v1::PORT_STATE_CUTOVER) {
      return NotAllowedIn(port_, "only a port in CUTOVER awaits confirmations");
    }
    const auto& pending = port_.pending_confirmations();
    if (std::find(pending.begin(), pending.end(), command.carrier) == pending.end()) {
      return NotAllowedIn(port_, absl::StrCat("no confirmation is pending from ", command.carrier));
    }
    PortTransition t = Begin();
    std::vector<std::string> still_pending;
    for (const auto& carrier : pending) {
      if (carrier != command.carrier) still_pending.push_back(carrier);
    }
    std::vector<std::string> confirmed(port_.confirmed_by().begin(), port_.confirmed_by().end());
    confirmed.push_back(command.carrier);
    SetSorted(std::move(still_pending), *t.port.mutable_pending_confirmations());
    SetSorted(std::move(confirmed), *t.port.mutable_confirmed_by());
    AddEvent(t, "ROUTING_CONFIRMED",
             absl::StrCat(command.carrier, " confirmed the routing change; ",
                          t.port.pending_confirmations_size(), " confirmation(s) pending"));
    if (t.port.pending_confirmations().empty()) {
      Close(t, npd::v1::PORT_STATE_COMPLETED);
      *t.number.mutable_last_port_completed_at() = ToProto(now_);
      AddEvent(t, "PORT_COMPLETED", "every carrier confirmed the routing change");
    }
    return t;
  }

 private:
  // Copies of the records with the port's version advanced; events record states from here on.
  PortTransition Begin() const {
    PortTransition t;
    t.port = port_;
    t.number = number_;
    t.port.set_version(port_.version() + 1);
    return t;
  }

  // An event leading from the state after the previous event (the stored state for the first) to
  // the port's current state.
  void AddEvent(PortTransition& t, std::string type, std::string detail) const {
    const PortState before = t.events.empty() ? port_.state() : t.events.back().state_after;
    t.events.push_back(DomainEvent{.type = std::move(type),
                                   .state_before = before,
                                   .state_after = t.port.state(),
                                   .detail = std::move(detail)});
  }

  // Approval (by the donor or deemed): SCHEDULED with the cutover time and its timer.
  void Schedule(PortTransition& t) const {
    t.port.set_state(npd::v1::PORT_STATE_SCHEDULED);
    *t.port.mutable_answered_at() = ToProto(now_);
    *t.port.mutable_cutover_at() = ToProto(NextCutover(policy_.cutover, now_));
    t.effects.arm_timers.push_back(MakeTimer(npd::store::v1::TIMER_KIND_CUTOVER,
                                             FromProto(t.port.cutover_at()), t.port.msisdn(),
                                             t.port.port_id()));
  }

  // A terminal state: the number is free for a new port.
  void Close(PortTransition& t, PortState state) const {
    t.port.set_state(state);
    *t.port.mutable_closed_at() = ToProto(now_);
    if (t.number.live_port_id() == port_.port_id()) t.number.clear_live_port_id();
  }

  const Port& port_;
  const NumberRecord& number_;
  const PortPolicy& policy_;
  const absl::Time now_;
};

}  // namespace

bool IsLive(npd::v1::PortState state) {
  return state == npd::v1::PORT_STATE_PENDING_DONOR || state == npd::v1::PORT_STATE_SCHEDULED ||
         state == npd::v1::PORT_STATE_CUTOVER;
}

bool IsTerminal(npd::v1::PortState state) {
  return state == npd::v1::PORT_STATE_COMPLETED || state == npd::v1::PORT_STATE_REJECTED ||
         state == npd::v1::PORT_STATE_CANCELLED || state == npd::v1::PORT_STATE_EXPIRED;
}

absl::StatusOr<PortTransition> ApplyToPort(const npd::v1::Port& port,
                                           const npd::store::v1::NumberRecord& number,
                                           const PortCommand& command, const PortPolicy& policy,
                                           absl::Time now) {
  return std::visit(CommandApplier(port, number, policy, now), command);
}

std::string ReasonName(npd::v1::ReasonCode code) {
  constexpr std::string_view kPrefix = "REASON_CODE_";
  const std::string& name = npd::v1::ReasonCode_Name(code);
  if (name.empty()) return absl::StrCat("UNKNOWN_REASON_", static_cast<int>(code));
  return name.substr(kPrefix.size());
}

std::string StateName(npd::v1::PortState state) {
  constexpr std::string_view kPrefix = "PORT_STATE_";
  const std::string& name = npd::v1::PortState_Name(state);
  if (name.empty()) return absl::StrCat("UNKNOWN_STATE_", static_cast<int>(state));
  return name.substr(kPrefix.size());
}

}  // namespace npd::core
