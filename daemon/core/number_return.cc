// DisconnectNumber: a ported subscriber left the carrier serving the number; the route goes back to the
// range holder at the effective time (domain.md section 7).
#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/core/port_machine.h"
#include "daemon/core/record_builders.h"
#include "daemon/core/time_convert.h"
#include "daemon/core/transition_builder.h"

namespace npd::core {

absl::StatusOr<PortTransition> DisconnectNumber(const NumberFacts& facts,
                                                const npd::store::v1::NumberRecord& number,
                                                const ReportNumberReturn& command,
                                                const PortPolicy& policy, absl::Time now) {
  if (command.actor != number.serving_carrier()) {
    return absl::PermissionDeniedError(
        absl::StrCat("only the carrier serving ", facts.msisdn, " (", number.serving_carrier(),
                     ") can report that its subscriber left"));
  }
  if (number.serving_carrier() == facts.range_holder) {
    return absl::FailedPreconditionError(
        absl::StrCat(facts.msisdn, " is not ported: it already routes to its range holder ",
                     facts.range_holder));
  }
  if (!number.live_port_id().empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        facts.msisdn, " has a live transaction ", number.live_port_id(), "; it must end first"));
  }
  if (auto s = CheckNoteLength("note", command.note); !s.ok()) return s;
  const absl::Time effective = command.effective_at.value_or(now);
  if (effective < now) {
    return absl::InvalidArgumentError(
        absl::StrCat("effective_at ", LocalTimeText(effective),
                     " is in the past; leave it unset to return the number now"));
  }
  if (effective > now + policy.max_return_notice) {
    return absl::InvalidArgumentError(
        absl::StrCat("effective_at ", LocalTimeText(effective), " is more than ",
                     absl::FormatDuration(policy.max_return_notice), " ahead"));
  }

  PortTransition result;
  result.number = number;
  result.number.set_live_port_id(command.port_id);
  npd::v1::Port& port = result.port;
  port.set_port_id(command.port_id);
  port.set_kind(npd::v1::PORT_KIND_NUMBER_RETURN);
  port.set_msisdn(facts.msisdn);
  port.set_state(npd::v1::PORT_STATE_DISCONNECT_PENDING);
  port.set_donor(number.serving_carrier());
  port.set_recipient(facts.range_holder);
  port.set_range_holder(facts.range_holder);
  port.set_local_network(facts.local_network);
  *port.mutable_submitted_at() = ToProto(now);
  *port.mutable_effective_at() = ToProto(effective);
  *port.mutable_cutover_at() = ToProto(effective);
  port.set_disconnect_note(command.note);
  port.set_version(1);
  result.events.push_back(DomainEvent{
      .type = "NUMBER_DISCONNECT_REPORTED",
      .state_before = npd::v1::PORT_STATE_UNSPECIFIED,
      .state_after = npd::v1::PORT_STATE_DISCONNECT_PENDING,
      .detail = absl::StrCat("subscriber left ", port.donor(), "; route returns to ",
                             port.recipient(), " at ", LocalTimeText(effective)),
  });
  result.effects.arm_timers.push_back(
      MakeTimer(npd::store::v1::TIMER_KIND_CUTOVER, effective, port.msisdn(), port.port_id()));
  return result;
}

}  // namespace npd::core
