#include "clients/client/human_text.h"

#include <vector>

#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "clients/client/enum_names.h"

namespace npd::client {
namespace {

// Width labels are padded to in blocks; fits the longest label, "pending confirmations".
constexpr size_t kLabelWidth = 23;
// Width the state column of listings is padded to; fits the longest state, "DISCONNECT_PENDING".
constexpr size_t kStateWidth = 18;

void AddLine(std::string& out, const std::string& label, const std::string& value) {
  out += "  ";
  out += label;
  out.append(label.size() < kLabelWidth ? kLabelWidth - label.size() : 1, ' ');
  out += value;
  out += '\n';
}

std::string OrDash(const std::string& value) { return value.empty() ? "-" : value; }

std::string Listed(const google::protobuf::RepeatedPtrField<std::string>& items) {
  return items.empty() ? "-" : absl::StrJoin(items, ", ");
}

}  // namespace

std::string ShanghaiTime(const google::protobuf::Timestamp& time) {
  static const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 60 * 60);
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", absl::FromUnixSeconds(time.seconds()), kShanghai);
}

std::string RefusalText(const npd::v1::Refusal& refusal) {
  std::vector<std::string> reasons;
  for (int reason : refusal.reasons()) {
    reasons.push_back(ReasonName(static_cast<npd::v1::ReasonCode>(reason)));
  }
  std::string text = reasons.empty() ? "no reason given" : absl::StrJoin(reasons, ", ");
  if (!refusal.text().empty()) text += " — " + refusal.text();
  if (!refusal.rule_version().empty()) text += " (rules " + refusal.rule_version() + ")";
  return text;
}

std::string AuthCodeText(const npd::v1::IssueAuthCodeResponse& response,
                         const std::string& msisdn) {
  if (!response.issued()) return "refused: " + RefusalText(response.refusal());
  const std::string expiry =
      response.has_expires_at() ? ", expires " + ShanghaiTime(response.expires_at()) : "";
  if (response.code().empty()) {
    return "code already issued for " + msisdn + " under this request id" + expiry +
           " (npd keeps only its hash; ask again with a new request id for a new code)";
  }
  return "code " + response.code() + " for " + msisdn + expiry;
}

std::string PortBlock(const npd::v1::Port& port) {
  const bool number_return = port.kind() == npd::v1::PORT_KIND_NUMBER_RETURN;
  std::string out = (number_return ? "number return " : "port ") + port.port_id() + "\n";
  AddLine(out, "msisdn", port.msisdn());
  AddLine(out, "state", PortStateName(port.state()));
  AddLine(out, "donor -> recipient", OrDash(port.donor()) + " -> " + OrDash(port.recipient()));
  AddLine(out, "range holder", OrDash(port.range_holder()));
  AddLine(out, "local network", OrDash(port.local_network()));
  AddLine(out, "channel", ChannelName(port.channel()));
  if (port.has_submitted_at()) AddLine(out, "submitted", ShanghaiTime(port.submitted_at()));
  if (port.has_donor_deadline_at()) {
    AddLine(out, "donor deadline",
            ShanghaiTime(port.donor_deadline_at()) +
                (port.donor_deadline_passed() ? " (passed, escalated)" : ""));
  }
  if (port.has_answered_at()) {
    AddLine(out, "answered",
            ShanghaiTime(port.answered_at()) + (port.deemed_consent() ? " (deemed consent)" : ""));
  }
  if (!port.answer_note().empty()) AddLine(out, "answer note", port.answer_note());
  if (number_return && port.has_effective_at()) {
    AddLine(out, "effective", ShanghaiTime(port.effective_at()));
  }
  if (!port.disconnect_note().empty()) AddLine(out, "disconnect note", port.disconnect_note());
  if (port.has_cutover_at()) AddLine(out, "cutover", ShanghaiTime(port.cutover_at()));
  if (port.has_refusal() && (!port.refusal().reasons().empty() || !port.refusal().text().empty())) {
    AddLine(out, "refusal", RefusalText(port.refusal()));
  }
  if (port.routing_sequence() != 0 || !port.pending_confirmations().empty() ||
      !port.confirmed_by().empty()) {
    AddLine(out, "routing sequence", std::to_string(port.routing_sequence()));
    AddLine(out, "pending confirmations", Listed(port.pending_confirmations()));
    AddLine(out, "confirmed by", Listed(port.confirmed_by()));
  }
  if (port.has_ack_deadline_at()) AddLine(out, "confirmations due", ShanghaiTime(port.ack_deadline_at()));
  if (port.resend_count() != 0) {
    AddLine(out, "resends", std::to_string(port.resend_count()) + " (last at sequence " +
                                std::to_string(port.last_resend_sequence()) + ")");
  }
  if (!port.cancel_reason().empty()) AddLine(out, "cancel reason", port.cancel_reason());
  if (port.has_closed_at()) AddLine(out, "closed", ShanghaiTime(port.closed_at()));
  return out;
}

std::string PortLine(const npd::v1::Port& port) {
  std::string state = PortStateName(port.state());
  if (state.size() < kStateWidth) state.append(kStateWidth - state.size(), ' ');
  std::string line = port.port_id() + "  " + port.msisdn() + "  " + state + "  " +
                     OrDash(port.donor()) + " -> " + OrDash(port.recipient());
  if (port.has_submitted_at()) line += "  " + ShanghaiTime(port.submitted_at());
  return line;
}

std::string NumberBlock(const npd::v1::NumberInfo& number) {
  std::string out = "number " + number.msisdn() + "\n";
  AddLine(out, "serving carrier", OrDash(number.serving_carrier()));
  AddLine(out, "range holder", OrDash(number.range_holder()));
  AddLine(out, "local network", OrDash(number.local_network()));
  AddLine(out, "ported", number.ported() ? "yes" : "no");
  AddLine(out, "portable", number.portable() ? "yes" : "no");
  AddLine(out, "live port",
          number.live_port_id().empty()
              ? "none"
              : number.live_port_id() + " (" + PortStateName(number.live_port_state()) + ")");
  if (number.has_last_port_completed_at()) {
    AddLine(out, "last port completed", ShanghaiTime(number.last_port_completed_at()));
  }
  return out;
}

std::string ChangeLine(const npd::v1::RoutingChange& change) {
  std::string line = "#" + std::to_string(change.sequence()) + " " + change.msisdn() + " " +
                     OrDash(change.previous_carrier()) + " -> " + OrDash(change.serving_carrier());
  if (change.kind() == npd::v1::ROUTING_CHANGE_KIND_RETURNED) line += " (number return)";
  if (!change.port_id().empty()) line += " (port " + change.port_id() + ")";
  if (change.has_effective_at()) line += " at " + ShanghaiTime(change.effective_at());
  return line;
}

}  // namespace npd::client
