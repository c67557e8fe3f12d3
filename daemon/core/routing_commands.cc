// Cutover, T_ack deadlines, resends and confirmations: everything after the routing decision.
#include "daemon/core/routing_commands.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/core/record_builders.h"
#include "daemon/core/time_convert.h"
#include "daemon/core/transition_builder.h"

namespace npd::core {
namespace {

using npd::store::v1::NumberRecord;
using npd::v1::Port;

std::string PendingText(const Port& port) {
  return absl::StrJoin(port.pending_confirmations(), ", ");
}

}  // namespace

absl::StatusOr<PortTransition> ApplyCutoverDue(const Port& port, const NumberRecord& number,
                                               const CutoverDue& command, const PortPolicy& policy,
                                               absl::Time now) {
  if (command.carrier_ids.empty()) {
    return absl::InvalidArgumentError("a cutover needs the carriers that must confirm it");
  }
  const npd::v1::PortState due_state = IsNumberReturn(port)
                                           ? npd::v1::PORT_STATE_DISCONNECT_PENDING
                                           : npd::v1::PORT_STATE_SCHEDULED;
  if (port.state() != due_state) {
    return NotAllowedIn(port, IsNumberReturn(port)
                                  ? "only a DISCONNECT_PENDING number return cuts over"
                                  : "only a SCHEDULED port cuts over");
  }
  const absl::Time cutover_at = FromProto(port.cutover_at());
  if (now < cutover_at) {
    return NotAllowedIn(port,
                        absl::StrCat("the cutover is not due until ", LocalTimeText(cutover_at)));
  }
  TransitionBuilder b(port, number, now);
  b.Broadcast(command.carrier_ids, policy);
  const std::string pending = PendingText(b.port());
  if (IsNumberReturn(port)) {
    b.AddEvent("NUMBER_RETURN_CUTOVER",
               absl::StrCat("routing returned from ", port.donor(), " to range holder ",
                            port.recipient(), "; awaiting confirmation from ", pending));
  } else {
    b.AddEvent("PORT_CUTOVER", absl::StrCat("routing moved from ", port.donor(), " to ",
                                            port.recipient(), "; awaiting confirmation from ",
                                            pending));
  }
  return std::move(b).Finish();
}

absl::StatusOr<PortTransition> ApplyAckDeadlineDue(const Port& port, const NumberRecord& number,
                                                   const AckDeadlineDue& command,
                                                   const PortPolicy& policy, absl::Time now) {
  if (port.state() != npd::v1::PORT_STATE_CUTOVER) {
    return NotAllowedIn(port, "the confirmation deadline no longer applies");
  }
  if (command.resend_count != port.resend_count()) {
    return NotAllowedIn(port, absl::StrCat("the deadline of broadcast ", command.resend_count,
                                           " was superseded by broadcast ", port.resend_count()));
  }
  const absl::Time deadline = FromProto(port.ack_deadline_at());
  if (now < deadline) {
    return NotAllowedIn(port, absl::StrCat("the confirmation deadline is not due until ",
                                           LocalTimeText(deadline)));
  }
  TransitionBuilder b(port, number, now);
  const std::string missing = PendingText(port);
  if (port.resend_count() < policy.ack_resends) {
    b.Resend(policy);
    b.AddEvent("ROUTING_RESENT", absl::StrCat("no confirmation from ", missing, " by ",
                                              LocalTimeText(deadline), "; routing change resent"));
  } else {
    b.port().set_state(npd::v1::PORT_STATE_PARTIAL_FAILURE);
    b.port().clear_ack_deadline_at();
    b.AddEvent("ROUTING_PARTIAL_FAILURE",
               absl::StrCat("no confirmation from ", missing, " by ", LocalTimeText(deadline),
                            " after ", port.resend_count(), " resend(s); operations can resend"));
  }
  return std::move(b).Finish();
}

absl::StatusOr<PortTransition> ApplyResendRouting(const Port& port, const NumberRecord& number,
                                                  const ResendRouting& command,
                                                  const PortPolicy& policy, absl::Time now) {
  if (command.actor != kOperatorActor) {
    return absl::PermissionDeniedError("only the operator can resend a routing change");
  }
  if (port.state() != npd::v1::PORT_STATE_PARTIAL_FAILURE) {
    return NotAllowedIn(port, "only a PARTIAL_FAILURE transaction is resent");
  }
  TransitionBuilder b(port, number, now);
  b.Resend(policy);
  std::string detail =
      absl::StrCat("resent by the operator to ", PendingText(port), "; confirmations due by ",
                   LocalTimeText(FromProto(b.port().ack_deadline_at())));
  if (!command.reason.empty()) absl::StrAppend(&detail, "; reason: ", command.reason);
  b.AddEvent("ROUTING_RESENT", std::move(detail));
  return std::move(b).Finish();
}

absl::StatusOr<PortTransition> ApplyConfirmRouting(const Port& port, const NumberRecord& number,
                                                   const ConfirmRouting& command, absl::Time now) {
  if (!AwaitsConfirmation(port.state())) {
    return NotAllowedIn(port, "only a transaction in CUTOVER or PARTIAL_FAILURE awaits confirmations");
  }
  const auto& pending = port.pending_confirmations();
  if (std::find(pending.begin(), pending.end(), command.carrier) == pending.end()) {
    return NotAllowedIn(port, absl::StrCat("no confirmation is pending from ", command.carrier));
  }
  TransitionBuilder b(port, number, now);
  std::vector<std::string> still_pending;
  for (const auto& carrier : pending) {
    if (carrier != command.carrier) still_pending.push_back(carrier);
  }
  std::vector<std::string> confirmed(port.confirmed_by().begin(), port.confirmed_by().end());
  confirmed.push_back(command.carrier);
  std::sort(confirmed.begin(), confirmed.end());
  b.port().clear_pending_confirmations();
  for (auto& c : still_pending) b.port().add_pending_confirmations(std::move(c));
  b.port().clear_confirmed_by();
  for (auto& c : confirmed) b.port().add_confirmed_by(std::move(c));
  b.AddEvent("ROUTING_CONFIRMED",
             absl::StrCat(command.carrier, " confirmed the routing change; ",
                          b.port().pending_confirmations_size(), " confirmation(s) pending"));
  if (b.port().pending_confirmations().empty()) {
    if (IsNumberReturn(port)) {
      b.Close(npd::v1::PORT_STATE_RETURNED);
      b.AddEvent("NUMBER_RETURNED", absl::StrCat("every carrier routes the number to its range holder ",
                                                 port.recipient()));
    } else {
      b.Close(npd::v1::PORT_STATE_COMPLETED);
      *b.number().mutable_last_port_completed_at() = ToProto(now);
      b.AddEvent("PORT_COMPLETED", "every carrier confirmed the routing change");
    }
  }
  return std::move(b).Finish();
}

}  // namespace npd::core
