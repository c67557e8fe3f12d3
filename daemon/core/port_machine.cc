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
#include "daemon/core/routing_commands.h"
#include "daemon/core/time_convert.h"
#include "daemon/core/transition_builder.h"

namespace npd::core {
namespace {

using npd::store::v1::NumberRecord;
using npd::v1::Port;
using npd::v1::PortState;

bool IsDonorReason(npd::v1::ReasonCode code) {
  return (code >= npd::v1::REASON_CODE_R01_NOT_REAL_NAME &&
          code <= npd::v1::REASON_CODE_R05_LOCK_IN_CONTRACT) ||
         code == npd::v1::REASON_CODE_R99_OTHER_POLICY;
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
    TransitionBuilder b(port_, number_, now_);
    PortTransition& t = b.t();
    t.port.set_answer_note(command.note);
    Schedule(t);
    b.AddEvent("PORT_APPROVED",
             absl::StrCat("approved by ", command.actor, "; cutover at ",
                          LocalTimeText(FromProto(t.port.cutover_at()))));
    return std::move(b).Finish();
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
    TransitionBuilder b(port_, number_, now_);
    PortTransition& t = b.t();
    *t.port.mutable_answered_at() = ToProto(now_);
    t.port.set_answer_note(command.note);
    *t.port.mutable_refusal() = MakeRefusal(command.reasons, command.note, policy_);
    b.Close(npd::v1::PORT_STATE_REJECTED);
    std::vector<npd::v1::ReasonCode> reasons;
    for (int reason : t.port.refusal().reasons()) {
      reasons.push_back(static_cast<npd::v1::ReasonCode>(reason));
    }
    b.AddEvent("PORT_REJECTED",
             absl::StrCat("rejected by ", command.actor, ": ", ReasonNames(reasons)));
    return std::move(b).Finish();
  }

  absl::StatusOr<PortTransition> operator()(const CancelPort& command) const {
    if (IsNumberReturn(port_)) return CancelReturn(command);
    if (command.actor != port_.recipient()) {
      return absl::PermissionDeniedError("only the recipient can cancel a port");
    }
    if (auto s = CheckNoteLength("reason", command.reason); !s.ok()) return s;
    if (AwaitsConfirmation(port_.state()) || port_.state() == npd::v1::PORT_STATE_COMPLETED) {
      return NotAllowedIn(port_, "cannot cancel after cutover");
    }
    if (port_.state() != npd::v1::PORT_STATE_PENDING_DONOR &&
        port_.state() != npd::v1::PORT_STATE_SCHEDULED) {
      return NotAllowedIn(port_, "the port is already closed");
    }
    TransitionBuilder b(port_, number_, now_);
    b.port().set_cancel_reason(command.reason);
    b.Close(npd::v1::PORT_STATE_CANCELLED);
    b.AddEvent("PORT_CANCELLED", absl::StrCat("cancelled by ", command.actor, " before cutover"));
    return std::move(b).Finish();
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
    TransitionBuilder b(port_, number_, now_);
    PortTransition& t = b.t();
    t.port.set_donor_deadline_passed(true);
    const std::string missed =
        absl::StrCat("donor ", port_.donor(), " did not answer by ", LocalTimeText(deadline));
    if (policy_.donor_timeout == DonorTimeoutPolicy::kEscalate) {
      b.AddEvent("DONOR_DEADLINE_PASSED", absl::StrCat(missed, "; escalated to operations"));
      return std::move(b).Finish();
    }
    t.port.set_deemed_consent(true);
    Schedule(t);
    b.AddEvent("PORT_DEEMED_APPROVED",
             absl::StrCat(missed, "; consent deemed; cutover at ",
                          LocalTimeText(FromProto(t.port.cutover_at()))));
    return std::move(b).Finish();
  }

  absl::StatusOr<PortTransition> operator()(const CutoverDue& command) const {
    return ApplyCutoverDue(port_, number_, command, policy_, now_);
  }

  absl::StatusOr<PortTransition> operator()(const AckDeadlineDue& command) const {
    return ApplyAckDeadlineDue(port_, number_, command, policy_, now_);
  }

  absl::StatusOr<PortTransition> operator()(const ResendRouting& command) const {
    return ApplyResendRouting(port_, number_, command, policy_, now_);
  }

  absl::StatusOr<PortTransition> operator()(const OperatorCancel& command) const {
    if (command.actor != kOperatorActor) {
      return absl::PermissionDeniedError(
          "only the operator can cancel a transaction for operations");
    }
    if (absl::StripAsciiWhitespace(command.reason).empty()) {
      return absl::InvalidArgumentError("an operator cancel needs a reason");
    }
    if (auto s = CheckNoteLength("reason", command.reason); !s.ok()) return s;
    switch (port_.state()) {
      case npd::v1::PORT_STATE_PENDING_DONOR:
      case npd::v1::PORT_STATE_SCHEDULED:
      case npd::v1::PORT_STATE_DISCONNECT_PENDING:
        break;
      case npd::v1::PORT_STATE_PARTIAL_FAILURE:
        return NotAllowedIn(port_, "the routing change is out; use resend, not cancel");
      case npd::v1::PORT_STATE_CUTOVER:
        return NotAllowedIn(port_, "cannot cancel after cutover; the routing change stands");
      default:
        return NotAllowedIn(port_, "the transaction is already closed");
    }
    TransitionBuilder b(port_, number_, now_);
    b.port().set_cancel_reason(command.reason);
    b.Close(npd::v1::PORT_STATE_CANCELLED);
    b.AddEvent("PORT_CANCELLED_BY_OPERATOR",
               absl::StrCat("cancelled by the operator in ", StateName(port_.state()),
                            "; reason: ", command.reason));
    return std::move(b).Finish();
  }

  absl::StatusOr<PortTransition> operator()(const ConfirmRouting& command) const {
    return ApplyConfirmRouting(port_, number_, command, now_);
  }

  absl::StatusOr<PortTransition> operator()(const StaleDue&) const {
    if (port_.state() != npd::v1::PORT_STATE_PENDING_DONOR) {
      return NotAllowedIn(port_, "only a PENDING_DONOR port goes stale");
    }
    const absl::Time due = FromProto(port_.submitted_at()) + policy_.stale_after;
    if (now_ < due) {
      return NotAllowedIn(port_, absl::StrCat("the port is not stale until ", LocalTimeText(due)));
    }
    TransitionBuilder b(port_, number_, now_);
    b.Close(npd::v1::PORT_STATE_EXPIRED);
    b.AddEvent("PORT_EXPIRED",
             absl::StrCat("no donor answer within ", absl::FormatDuration(policy_.stale_after),
                          " of submission"));
    return std::move(b).Finish();
  }

 private:
  // The reporter withdraws a number return before its effective time (the subscriber stayed).
  absl::StatusOr<PortTransition> CancelReturn(const CancelPort& command) const {
    if (command.actor != port_.donor()) {
      return absl::PermissionDeniedError("only the carrier that reported a number return can cancel it");
    }
    if (auto s = CheckNoteLength("reason", command.reason); !s.ok()) return s;
    if (port_.state() != npd::v1::PORT_STATE_DISCONNECT_PENDING) {
      return NotAllowedIn(port_, "only a DISCONNECT_PENDING number return can be cancelled");
    }
    TransitionBuilder b(port_, number_, now_);
    b.port().set_cancel_reason(command.reason);
    b.Close(npd::v1::PORT_STATE_CANCELLED);
    b.AddEvent("NUMBER_RETURN_CANCELLED",
               absl::StrCat("withdrawn by ", command.actor, " before the effective time"));
    return std::move(b).Finish();
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

  const Port& port_;
  const NumberRecord& number_;
  const PortPolicy& policy_;
  const absl::Time now_;
};

}  // namespace

bool IsLive(npd::v1::PortState state) {
  return state == npd::v1::PORT_STATE_PENDING_DONOR || state == npd::v1::PORT_STATE_SCHEDULED ||
         state == npd::v1::PORT_STATE_CUTOVER || state == npd::v1::PORT_STATE_PARTIAL_FAILURE ||
         state == npd::v1::PORT_STATE_DISCONNECT_PENDING;
}

bool AwaitsConfirmation(npd::v1::PortState state) {
  return state == npd::v1::PORT_STATE_CUTOVER || state == npd::v1::PORT_STATE_PARTIAL_FAILURE;
}

bool IsTerminal(npd::v1::PortState state) {
  return state == npd::v1::PORT_STATE_COMPLETED || state == npd::v1::PORT_STATE_REJECTED ||
         state == npd::v1::PORT_STATE_CANCELLED || state == npd::v1::PORT_STATE_EXPIRED ||
         state == npd::v1::PORT_STATE_RETURNED;
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
