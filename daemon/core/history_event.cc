#include "daemon/core/history_event.h"

namespace npd::core {

npd::v1::HistoryEvent ToHistoryEvent(const npd::store::v1::EventRecord& event) {
  npd::v1::HistoryEvent out;
  out.set_sequence(event.sequence());
  out.set_msisdn(event.msisdn());
  out.set_port_id(event.port_id());
  if (event.has_at()) *out.mutable_at() = event.at();
  out.set_actor(event.actor());
  out.set_operator_name(event.operator_name());
  out.set_type(event.type());
  out.set_command(event.command());
  out.set_request_id(event.request_id());
  out.set_state_before(event.state_before());
  out.set_state_after(event.state_after());
  out.set_refund_id(event.refund_id());
  out.set_refund_state_before(event.refund_state_before());
  out.set_refund_state_after(event.refund_state_after());
  out.set_detail(event.detail());
  out.set_principal(event.principal());
  return out;
}

}  // namespace npd::core
