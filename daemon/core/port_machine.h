// The port and number-return state machines of domain.md sections 5 and 7 as pure functions of (state,
// command, now). No I/O, no clock reads: the same inputs always give the same outputs, so history can be
// replayed.
//
// Port:
//   submit ──► PENDING_DONOR ──approve / deemed consent──► SCHEDULED ──cutover due──► CUTOVER
//                 │   │                                        │                        │ every carrier
//                 │   └─reject──► REJECTED                     └─cancel──► CANCELLED    ▼ confirmed
//                 ├─cancel──► CANCELLED                                              COMPLETED
//                 └─stale──► EXPIRED          (submit may also end directly in REJECTED)
// Number return:
//   disconnect ──► DISCONNECT_PENDING ──effective time due──► CUTOVER ──every carrier confirmed──► RETURNED
//                        └─cancel by the reporter──► CANCELLED
// Operations (operator only), before cutover:
//   PENDING_DONOR / SCHEDULED / DISCONNECT_PENDING ──operator cancel, with a reason──► CANCELLED
// Both, once broadcast:
//   CUTOVER ──T_ack passed, resends left──► CUTOVER (routing change resent)
//   CUTOVER ──T_ack passed, no resend left──► PARTIAL_FAILURE ──operator resend──► CUTOVER
//   PARTIAL_FAILURE ──late confirmations, all in──► COMPLETED / RETURNED
#ifndef NPD_DAEMON_CORE_PORT_MACHINE_H_
#define NPD_DAEMON_CORE_PORT_MACHINE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/core/domain_event.h"
#include "daemon/core/number_plan.h"
#include "daemon/core/policy.h"
#include "npd/store/v1/records.pb.h"
#include "npd/v1/common.pb.h"
#include "npd/v1/porting.pb.h"

namespace npd::core {

inline constexpr char kNpdActor[] = "npd";            // actor of timer-driven transitions
inline constexpr char kOperatorActor[] = "operator";  // the operations staff role

// True for PENDING_DONOR, SCHEDULED, CUTOVER, PARTIAL_FAILURE and DISCONNECT_PENDING.
bool IsLive(npd::v1::PortState state);
// True for CUTOVER and PARTIAL_FAILURE: the routing change is out and confirmations are awaited.
bool AwaitsConfirmation(npd::v1::PortState state);
// True for COMPLETED, REJECTED, CANCELLED, EXPIRED and RETURNED.
bool IsTerminal(npd::v1::PortState state);

// What the engine must do besides storing the new port and number records.
struct PortEffects {
  std::vector<npd::store::v1::TimerRecord> arm_timers;  // add to the timer index
  // Append to the feed. The engine assigns `sequence` and stores it in port.routing_sequence and
  // number.routing_sequence, or, for a resend (resend_of set), in port.last_resend_sequence.
  std::optional<npd::v1::RoutingChange> broadcast;
};

struct PortTransition {
  npd::v1::Port port;                   // the port afterwards, version + 1 (1 for a new port)
  npd::store::v1::NumberRecord number;  // the number afterwards
  std::vector<DomainEvent> events;
  PortEffects effects;
};

// ---- Submit: creates a port ----

struct SubmitPortCommand {
  std::string port_id;        // assigned by the engine
  std::string recipient;      // authenticated carrier id
  std::string local_network;  // where the new subscription is made
  npd::v1::Channel channel = npd::v1::CHANNEL_HALL;
  std::string code_hash;       // IdentityHasher::HashAuthCode(msisdn, code)
  std::string applicant_hash;  // IdentityHasher::HashIdentity(applicant)
};

// Checks R06-R14 and creates the port: PENDING_DONOR (code consumed, live port set, donor-deadline and
// stale timers armed) or REJECTED with every reason that applied (a wrong code counts an attempt and
// revokes the code at the policy's limit).
// INVALID_ARGUMENT (nothing to store) when the recipient already serves the number.
absl::StatusOr<PortTransition> SubmitPort(const NumberFacts& facts,
                                          const npd::store::v1::NumberRecord& number,
                                          const SubmitPortCommand& command,
                                          const PortPolicy& policy, absl::Time now);

// ---- Number return: creates a return transaction ----

struct ReportNumberReturn {
  std::string port_id;  // assigned by the engine
  std::string actor;    // authenticated carrier id; must serve the number
  std::optional<absl::Time> effective_at;  // unset: now
  std::string note;
};

// Creates a number return in DISCONNECT_PENDING (donor = actor, recipient = range holder), sets the
// number's live transaction and arms the cutover timer at the effective time. Errors (nothing to
// store): PERMISSION_DENIED when the actor does not serve the number; FAILED_PRECONDITION when the
// number is not ported or has a live transaction; INVALID_ARGUMENT for an effective time in the past
// or beyond policy.max_return_notice, or a note too long.
absl::StatusOr<PortTransition> DisconnectNumber(const NumberFacts& facts,
                                                const npd::store::v1::NumberRecord& number,
                                                const ReportNumberReturn& command,
                                                const PortPolicy& policy, absl::Time now);

// ---- Commands on an existing port ----

struct ApprovePort {
  std::string actor;
  std::string note;
};
struct RejectPort {
  std::string actor;
  std::vector<npd::v1::ReasonCode> reasons;  // donor codes only: R01-R05, R99
  std::string note;                          // required with R99
};
struct CancelPort {
  std::string actor;
  std::string reason;
};
struct DonorDeadlineDue {};  // timer
// Timer: a SCHEDULED port's cutover, or a DISCONNECT_PENDING return's effective time.
struct CutoverDue {
  std::vector<std::string> carrier_ids;  // every carrier must confirm the routing change
};
struct StaleDue {};  // timer
struct ConfirmRouting {
  std::string carrier;  // a carrier confirmed the feed up to at least this port's routing_sequence
};
// Timer: T_ack passed for the broadcast numbered `resend_count` (0 for the original).
struct AckDeadlineDue {
  int32_t resend_count = 0;
};
// The operator resends a PARTIAL_FAILURE transaction's routing change.
struct ResendRouting {
  std::string actor;
  std::string reason;  // why, for the history (the API requires it); appended to the event's detail
};
// The operator cancels a live transaction before its cutover (a stale port, a donor that never
// answers, a number return its reporter abandoned). Event PORT_CANCELLED_BY_OPERATOR, detail with
// the reason.
struct OperatorCancel {
  std::string actor;
  std::string reason;  // required, at most kMaxNoteBytes
};

using PortCommand =
    std::variant<ApprovePort, RejectPort, CancelPort, DonorDeadlineDue, CutoverDue, StaleDue,
                 ConfirmRouting, AckDeadlineDue, ResendRouting, OperatorCancel>;

// Applies one command. Errors (the caller stores nothing):
// - PERMISSION_DENIED: approve/reject by anyone but the donor; cancel of a port by anyone but the
//   recipient, of a number return by anyone but its reporter; resend and operator cancel by anyone
//   but the operator.
// - INVALID_ARGUMENT: reject without reasons or with a reason npd decides; R99 without a note; an
//   operator cancel without a reason; a note or reason longer than kMaxNoteBytes.
// - FAILED_PRECONDITION: the command is not allowed in the port's state (answer when not
//   PENDING_DONOR, cancel at or after CUTOVER, operator cancel outside PENDING_DONOR, SCHEDULED and
//   DISCONNECT_PENDING, resend when not PARTIAL_FAILURE, a timer whose due time has not come or
//   whose moment has passed, a confirmation from a carrier that is not pending).
absl::StatusOr<PortTransition> ApplyToPort(const npd::v1::Port& port,
                                           const npd::store::v1::NumberRecord& number,
                                           const PortCommand& command, const PortPolicy& policy,
                                           absl::Time now);

// Name of a reason code without the enum prefix, e.g. "R03_ARREARS_BILLED".
std::string ReasonName(npd::v1::ReasonCode code);
// Name of a state without the enum prefix, e.g. "PENDING_DONOR".
std::string StateName(npd::v1::PortState state);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_PORT_MACHINE_H_
