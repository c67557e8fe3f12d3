// SubmitPort: npd's own eligibility rules (R06-R14) and the creation of a port.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/core/calendar.h"
#include "daemon/core/port_machine.h"
#include "daemon/core/record_builders.h"
#include "daemon/core/refusal.h"
#include "daemon/core/time_convert.h"

namespace npd::core {
namespace {

using npd::store::v1::AuthCode;
using npd::v1::ReasonCode;

// How the code presented compares with the number's current code.
struct CodeCheck {
  std::vector<ReasonCode> reasons;  // R09-R12 that apply
  bool wrong_code_for_active =
      false;  // a wrong code tried against an ACTIVE code: counts an attempt
};

CodeCheck CheckCode(const AuthCode& code, const SubmitPortCommand& command, absl::Time now) {
  CodeCheck check;
  // An empty hash never matches, so a failed hash computation cannot pass for a right code.
  const bool matches = !command.code_hash.empty() && command.code_hash == code.code_hash();
  switch (code.state()) {
    case npd::store::v1::AUTH_CODE_STATE_ACTIVE:
      if (!matches) {
        check.reasons.push_back(npd::v1::REASON_CODE_R09_AUTH_CODE_INVALID);
        check.wrong_code_for_active = true;
      } else if (now >= FromProto(code.expires_at())) {
        check.reasons.push_back(npd::v1::REASON_CODE_R10_AUTH_CODE_EXPIRED);
      } else if (command.applicant_hash.empty() ||
                 command.applicant_hash != code.holder_identity_hash()) {
        check.reasons.push_back(npd::v1::REASON_CODE_R12_IDENTITY_MISMATCH);
      }
      break;
    case npd::store::v1::AUTH_CODE_STATE_EXPIRED:
      check.reasons.push_back(matches ? npd::v1::REASON_CODE_R10_AUTH_CODE_EXPIRED
                                      : npd::v1::REASON_CODE_R09_AUTH_CODE_INVALID);
      break;
    case npd::store::v1::AUTH_CODE_STATE_USED:
      check.reasons.push_back(matches ? npd::v1::REASON_CODE_R11_AUTH_CODE_USED
                                      : npd::v1::REASON_CODE_R09_AUTH_CODE_INVALID);
      break;
    default:  // no code, or revoked
      check.reasons.push_back(npd::v1::REASON_CODE_R09_AUTH_CODE_INVALID);
      break;
  }
  return check;
}

}  // namespace

absl::StatusOr<PortTransition> SubmitPort(const NumberFacts& facts,
                                          const npd::store::v1::NumberRecord& number,
                                          const SubmitPortCommand& command,
                                          const PortPolicy& policy, absl::Time now) {
  if (command.recipient == number.serving_carrier()) {
    return absl::InvalidArgumentError("recipient already serves this number");
  }

  std::vector<ReasonCode> reasons;
  if (WithinPortInterval(number, policy, now)) {
    reasons.push_back(npd::v1::REASON_CODE_R06_PORT_INTERVAL_120D);
  }
  if (!facts.portable) reasons.push_back(npd::v1::REASON_CODE_R07_NON_PORTABLE_RANGE);
  if (facts.local_network.empty() || facts.local_network != command.local_network) {
    reasons.push_back(npd::v1::REASON_CODE_R08_NOT_SAME_LOCAL_NETWORK);
  }
  const CodeCheck code_check = CheckCode(number.auth_code(), command, now);
  reasons.insert(reasons.end(), code_check.reasons.begin(), code_check.reasons.end());
  if (!number.live_port_id().empty()) reasons.push_back(npd::v1::REASON_CODE_R13_PORT_IN_PROGRESS);
  if (InBlackout(policy.blackout, now)) {
    reasons.push_back(npd::v1::REASON_CODE_R14_OUTSIDE_SERVICE_WINDOW);
  }

  PortTransition result;
  result.number = number;
  if (result.number.msisdn().empty()) result.number.set_msisdn(facts.msisdn);
  npd::v1::Port& port = result.port;
  port.set_port_id(command.port_id);
  port.set_kind(npd::v1::PORT_KIND_PORT);
  port.set_msisdn(facts.msisdn);
  port.set_donor(number.serving_carrier());
  port.set_recipient(command.recipient);
  port.set_range_holder(facts.range_holder);
  port.set_local_network(facts.local_network);
  port.set_channel(command.channel == npd::v1::CHANNEL_UNSPECIFIED ? npd::v1::CHANNEL_HALL
                                                                   : command.channel);
  *port.mutable_submitted_at() = ToProto(now);
  port.set_version(1);

  if (!reasons.empty()) {
    port.set_state(npd::v1::PORT_STATE_REJECTED);
    *port.mutable_refusal() = MakeRefusal(reasons, "", policy);
    *port.mutable_closed_at() = ToProto(now);
    result.events.push_back(DomainEvent{
        .type = "PORT_REJECTED",
        .state_before = npd::v1::PORT_STATE_UNSPECIFIED,
        .state_after = npd::v1::PORT_STATE_REJECTED,
        .detail = absl::StrCat("rejected by npd: ", ReasonNames(reasons)),
    });
    if (code_check.wrong_code_for_active) {
      AuthCode& code = *result.number.mutable_auth_code();
      code.set_failed_attempts(code.failed_attempts() + 1);
      if (code.failed_attempts() >= policy.max_failed_code_attempts) {
        code.set_state(npd::store::v1::AUTH_CODE_STATE_REVOKED);
        result.events.push_back(DomainEvent{
            .type = "AUTH_CODE_REVOKED",
            .detail = absl::StrCat("code generation ", code.generation(), " revoked after ",
                                   code.failed_attempts(), " wrong codes"),
        });
      }
    }
    return result;
  }

  port.set_state(npd::v1::PORT_STATE_PENDING_DONOR);
  *port.mutable_donor_deadline_at() = ToProto(now + policy.donor_answer_time);
  result.number.set_live_port_id(command.port_id);
  result.number.mutable_auth_code()->set_state(npd::store::v1::AUTH_CODE_STATE_USED);
  const absl::Time donor_deadline = FromProto(port.donor_deadline_at());
  result.events.push_back(DomainEvent{
      .type = "PORT_SUBMITTED",
      .state_before = npd::v1::PORT_STATE_UNSPECIFIED,
      .state_after = npd::v1::PORT_STATE_PENDING_DONOR,
      .detail = absl::StrCat("from ", port.donor(), " to ", port.recipient(),
                             "; donor answer due by ", LocalTimeText(donor_deadline)),
  });
  result.effects.arm_timers.push_back(MakeTimer(npd::store::v1::TIMER_KIND_DONOR_DEADLINE,
                                                donor_deadline, port.msisdn(), port.port_id()));
  result.effects.arm_timers.push_back(MakeTimer(npd::store::v1::TIMER_KIND_STALE,
                                                FromProto(port.submitted_at()) + policy.stale_after,
                                                port.msisdn(), port.port_id()));
  return result;
}

}  // namespace npd::core
