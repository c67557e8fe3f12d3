// The commands of a transaction whose routing moves (internal to daemon/core; ApplyToPort dispatches
// here): cutover, T_ack deadline and resends, confirmations. Contracts as in port_machine.h.
#ifndef NPD_DAEMON_CORE_ROUTING_COMMANDS_H_
#define NPD_DAEMON_CORE_ROUTING_COMMANDS_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/core/port_machine.h"

namespace npd::core {

absl::StatusOr<PortTransition> ApplyCutoverDue(const npd::v1::Port& port,
                                               const npd::store::v1::NumberRecord& number,
                                               const CutoverDue& command, const PortPolicy& policy,
                                               absl::Time now);
absl::StatusOr<PortTransition> ApplyAckDeadlineDue(const npd::v1::Port& port,
                                                   const npd::store::v1::NumberRecord& number,
                                                   const AckDeadlineDue& command,
                                                   const PortPolicy& policy, absl::Time now);
absl::StatusOr<PortTransition> ApplyResendRouting(const npd::v1::Port& port,
                                                  const npd::store::v1::NumberRecord& number,
                                                  const ResendRouting& command,
                                                  const PortPolicy& policy, absl::Time now);
absl::StatusOr<PortTransition> ApplyConfirmRouting(const npd::v1::Port& port,
                                                   const npd::store::v1::NumberRecord& number,
                                                   const ConfirmRouting& command, absl::Time now);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_ROUTING_COMMANDS_H_
