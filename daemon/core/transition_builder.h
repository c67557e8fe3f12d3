// Building blocks every command on an existing port uses (internal to daemon/core): copy the records,
// record events, close the transaction, broadcast a routing change.
#ifndef NPD_DAEMON_CORE_TRANSITION_BUILDER_H_
#define NPD_DAEMON_CORE_TRANSITION_BUILDER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/core/port_machine.h"

namespace npd::core {

// Copies the stored port and number into a transition, with the port's version advanced. Events
// added through it lead from the stored state onwards.
class TransitionBuilder {
 public:
  TransitionBuilder(const npd::v1::Port& port, const npd::store::v1::NumberRecord& number,
                    absl::Time now);

  PortTransition& t() { return t_; }
  npd::v1::Port& port() { return t_.port; }
  npd::store::v1::NumberRecord& number() { return t_.number; }
  absl::Time now() const { return now_; }

  // An event from the state after the previous event (the stored state for the first) to the
  // port's current state.
  void AddEvent(std::string type, std::string detail);
  // A terminal state: closed_at = now, and the number is free for a new transaction.
  void Close(npd::v1::PortState state);
  // Moves the port to CUTOVER and broadcasts its routing change (serving carrier = recipient):
  // every carrier in `carrier_ids` must confirm it by now + T_ack; the ack-deadline timer is armed.
  void Broadcast(const std::vector<std::string>& carrier_ids, const PortPolicy& policy);
  // Broadcasts the port's routing change again (resend_of = routing_sequence), resend_count + 1, a
  // new ack deadline and timer; the port is in CUTOVER afterwards.
  void Resend(const PortPolicy& policy);

  PortTransition Finish() && { return std::move(t_); }

 private:
  void ArmAckDeadline(const PortPolicy& policy);
  npd::v1::RoutingChange Change() const;

  const npd::v1::PortState stored_state_;
  const absl::Time now_;
  PortTransition t_;
};

// FAILED_PRECONDITION "port P is STATE: what".
absl::Status NotAllowedIn(const npd::v1::Port& port, std::string_view what);
// INVALID_ARGUMENT when `text` is longer than kMaxNoteBytes.
absl::Status CheckNoteLength(std::string_view field, std::string_view text);
// True for a number return, false for a port (UNSPECIFIED reads as a port).
bool IsNumberReturn(const npd::v1::Port& port);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_TRANSITION_BUILDER_H_
