#include "daemon/core/transition_builder.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/core/record_builders.h"
#include "daemon/core/string_view_compat.h"
#include "daemon/core/time_convert.h"

namespace npd::core {

TransitionBuilder::TransitionBuilder(const npd::v1::Port& port,
                                     const npd::store::v1::NumberRecord& number, absl::Time now)
    : stored_state_(port.state()), now_(now) {
  t_.port = port;
  t_.number = number;
  t_.port.set_version(port.version() + 1);
}

void TransitionBuilder::AddEvent(std::string type, std::string detail) {
  const npd::v1::PortState before =
      t_.events.empty() ? stored_state_ : t_.events.back().state_after;
  t_.events.push_back(DomainEvent{.type = std::move(type),
                                  .state_before = before,
                                  .state_after = t_.port.state(),
                                  .detail = std::move(detail)});
}

void TransitionBuilder::Close(npd::v1::PortState state) {
  t_.port.set_state(state);
  *t_.port.mutable_closed_at() = ToProto(now_);
  t_.port.clear_ack_deadline_at();
  if (t_.number.live_port_id() == t_.port.port_id()) t_.number.clear_live_port_id();
}

void TransitionBuilder::Broadcast(const std::vector<std::string>& carrier_ids,
                                  const PortPolicy& policy) {
  std::vector<std::string> carriers = carrier_ids;
  std::sort(carriers.begin(), carriers.end());
  carriers.erase(std::unique(carriers.begin(), carriers.end()), carriers.end());
  npd::v1::Port& port = t_.port;
  port.set_state(npd::v1::PORT_STATE_CUTOVER);
  port.clear_pending_confirmations();
  for (auto& c : carriers) port.add_pending_confirmations(std::move(c));
  port.clear_confirmed_by();
  *port.mutable_cutover_at() = ToProto(now_);
  t_.number.set_serving_carrier(port.recipient());
  t_.effects.broadcast = Change();
  ArmAckDeadline(policy);
}

void TransitionBuilder::Resend(const PortPolicy& policy) {
  t_.port.set_state(npd::v1::PORT_STATE_CUTOVER);
  t_.port.set_resend_count(t_.port.resend_count() + 1);
  npd::v1::RoutingChange change = Change();
  change.set_resend_of(t_.port.routing_sequence());
  t_.effects.broadcast = std::move(change);
  ArmAckDeadline(policy);
}

void TransitionBuilder::ArmAckDeadline(const PortPolicy& policy) {
  const absl::Time due = now_ + policy.ack_timeout;
  *t_.port.mutable_ack_deadline_at() = ToProto(due);
  t_.effects.arm_timers.push_back(MakeTimer(npd::store::v1::TIMER_KIND_ACK_DEADLINE, due,
                                            t_.port.msisdn(), t_.port.port_id(),
                                            t_.port.resend_count()));
}

npd::v1::RoutingChange TransitionBuilder::Change() const {
  const npd::v1::Port& port = t_.port;
  npd::v1::RoutingChange change;
  change.set_msisdn(port.msisdn());
  change.set_serving_carrier(port.recipient());
  change.set_previous_carrier(port.donor());
  change.set_range_holder(port.range_holder());
  *change.mutable_effective_at() = port.cutover_at();
  change.set_port_id(port.port_id());
  change.set_kind(IsNumberReturn(port) ? npd::v1::ROUTING_CHANGE_KIND_RETURNED
                                       : npd::v1::ROUTING_CHANGE_KIND_PORTED);
  return change;
}

absl::Status NotAllowedIn(const npd::v1::Port& port, std::string_view what) {
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

bool IsNumberReturn(const npd::v1::Port& port) {
  return port.kind() == npd::v1::PORT_KIND_NUMBER_RETURN;
}

}  // namespace npd::core
