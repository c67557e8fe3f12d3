// What a transition says happened, before the engine stamps it with a sequence, time, actor and
// request.
#ifndef NPD_DAEMON_CORE_DOMAIN_EVENT_H_
#define NPD_DAEMON_CORE_DOMAIN_EVENT_H_

#include <string>

#include "npd/v1/common.pb.h"
#include "npd/v1/refund.pb.h"

namespace npd::core {

struct DomainEvent {
  std::string type;  // UPPER_SNAKE name, e.g. "PORT_SUBMITTED"; stable, reports count by it
  npd::v1::PortState state_before = npd::v1::PORT_STATE_UNSPECIFIED;
  npd::v1::PortState state_after = npd::v1::PORT_STATE_UNSPECIFIED;
  std::string detail;  // human text; never personal data
  // Refund events only: the case and its states (the port states above stay UNSPECIFIED).
  std::string refund_id;
  npd::v1::RefundState refund_before = npd::v1::REFUND_STATE_UNSPECIFIED;
  npd::v1::RefundState refund_after = npd::v1::REFUND_STATE_UNSPECIFIED;

  bool operator==(const DomainEvent&) const = default;
};

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_DOMAIN_EVENT_H_
