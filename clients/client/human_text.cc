#include "clients/client/human_text.h"

#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "clients/client/enum_names.h"

namespace npd::client {
namespace {

// Width labels are padded to in blocks; fits the longest label, "pending confirmations".
constexpr size_t kLabelWidth = 23;
// Width the state column of listings is padded to; fits the longest state, "DISCONNECT_PENDING".
constexpr size_t kStateWidth = 18;
// The same for refund listings; fits "CLOSED_NO_REFUND", "PAYOUT_REQUESTED", "AWAIT_FINAL_BILL".
constexpr size_t kRefundStateWidth = 16;

void AddLine(std::string& out, const std::string& label, const std::string& value) {
  out += "  ";
  out += label;
  out.append(label.size() < kLabelWidth ? kLabelWidth - label.size() : 1, ' ');
  out += Printable(value);
  out += '\n';
}

std::string OrDash(const std::string& value) { return value.empty() ? "-" : value; }

// `name` of a state enum value, or "-" for the unset value 0.
std::string StateOrDash(const std::string& name, int value) { return value == 0 ? "-" : name; }

std::string Listed(const google::protobuf::RepeatedPtrField<std::string>& items) {
  return items.empty() ? "-" : absl::StrJoin(items, ", ");
}

std::string Padded(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string RefundReasons(const google::protobuf::RepeatedField<int>& reasons) {
  std::vector<std::string> names;
  for (int reason : reasons) {
    names.push_back(RefundReasonName(static_cast<npd::v1::RefundReason>(reason)));
  }
  return absl::StrJoin(names, ", ");
}

std::string Attempts(int32_t attempts) {
  return std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts");
}

void AddFinalBill(std::string& out, const npd::v1::Refund& refund) {
  const npd::v1::FinalBill& bill = refund.final_bill();
  AddLine(
      out, "final bill",
      OrDash(bill.bill_id()) +
          (bill.has_produced_at() ? " (produced " + ShanghaiTime(bill.produced_at()) + ")" : ""));
  AddLine(out, "cash balance", YuanText(bill.cash_balance_fen()));
  AddLine(out, "non-refundable", YuanText(bill.non_refundable_fen()));
  AddLine(out, "third-party top-ups", YuanText(bill.third_party_topup_fen()));
  AddLine(out, "final charges", YuanText(bill.final_charges_fen()));
  AddLine(out, "refundable", YuanText(refund.refundable_fen()));
}

void AddClaim(std::string& out, const npd::v1::RefundClaim& claim) {
  std::string text = ClaimChannelName(claim.channel()) + " in " + OrDash(claim.claim_province());
  if (claim.has_claimed_at()) text += " at " + ShanghaiTime(claim.claimed_at());
  if (!claim.request_id().empty()) text += " (request " + claim.request_id() + ")";
  AddLine(out, "claim", text);
  AddLine(out, "payee",
          PayeeKindName(claim.payee_kind()) + " ending " + OrDash(claim.payee_last4()));
}

void AddPendingStep(std::string& out, const npd::v1::RefundStepStatus& pending) {
  std::string text = RefundStepName(pending.step()) + ", " + Attempts(pending.attempts());
  if (pending.has_next_attempt_at()) {
    text += ", next attempt " + ShanghaiTime(pending.next_attempt_at());
  }
  AddLine(out, "pending step", text);
  if (!pending.idempotency_key().empty()) AddLine(out, "step key", pending.idempotency_key());
  if (!pending.last_error().empty()) AddLine(out, "step last error", pending.last_error());
}

void AddStuck(std::string& out, const npd::v1::RefundStuck& stuck) {
  std::string text = RefundStepName(stuck.step()) + " in " + RefundStateName(stuck.from_state());
  if (stuck.has_since()) text += " since " + ShanghaiTime(stuck.since());
  text += ", " + Attempts(stuck.attempts());
  AddLine(out, "stuck", text);
  if (!stuck.last_error().empty()) AddLine(out, "stuck error", stuck.last_error());
}

// "SUCCEEDED" for PAYOUT_STATUS_SUCCEEDED.
std::string PayoutStatusWord(npd::v1::PayoutStatus status) {
  constexpr std::string_view kPrefix = "PAYOUT_STATUS_";
  const std::string& name = npd::v1::PayoutStatus_Name(status);
  return name.rfind(kPrefix, 0) == 0 ? name.substr(kPrefix.size()) : name;
}

// One payout fact: "#1 R…:payout:1 SUCCEEDED 100.00 CNY, reference PAY1 (query answer,
// 2026-11-02T12:00:00+08:00)".
std::string PayoutFactText(const npd::v1::PayoutOutcome& fact) {
  std::string text = (fact.generation() == 0 ? std::string("(never issued)")
                                             : "#" + std::to_string(fact.generation())) +
                     " " + OrDash(fact.payout_key()) + " ";
  std::string source;
  switch (fact.source()) {
    case npd::v1::PAYOUT_SOURCE_REQUEST:
      source = "npd's record";
      break;
    case npd::v1::PAYOUT_SOURCE_PAY_ANSWER:
      source = "Pay answer";
      break;
    case npd::v1::PAYOUT_SOURCE_QUERY_ANSWER:
      source = "query answer";
      break;
    case npd::v1::PAYOUT_SOURCE_CALLBACK:
      source = "channel report";
      break;
    default:
      source = "unknown source";
      break;
  }
  if (fact.not_received()) {
    text += "not received";
  } else if (fact.source() == npd::v1::PAYOUT_SOURCE_REQUEST) {
    text +=
        fact.generation() == 0 ? "not issued by npd" : "requested " + YuanText(fact.amount_fen());
  } else {
    text += PayoutStatusWord(fact.status());
    if (fact.status() == npd::v1::PAYOUT_STATUS_SUCCEEDED)
      text += " " + YuanText(fact.amount_fen());
  }
  if (!fact.reference().empty()) text += ", reference " + fact.reference();
  text += " (" + source;
  if (fact.has_at()) text += ", " + ShanghaiTime(fact.at());
  return text + ")";
}

// The payout facts npd holds, the report under check, and every conflict (open ones first in the
// operator's eye: "OPEN").
void AddPayoutFacts(std::string& out, const npd::v1::Refund& refund) {
  for (const auto& fact : refund.payout_outcomes())
    AddLine(out, "payout fact", PayoutFactText(fact));
  if (refund.has_reported_payout()) {
    AddLine(out, "reported payout",
            PayoutFactText(refund.reported_payout()) + ", being checked by a query");
  }
  for (const auto& conflict : refund.payout_conflicts()) {
    std::string text = conflict.resolved() ? "resolved" : "OPEN";
    if (conflict.has_at()) text += ", found " + ShanghaiTime(conflict.at());
    if (conflict.resolved()) {
      if (conflict.has_resolved_at()) text += ", resolved " + ShanghaiTime(conflict.resolved_at());
      text += " (" + conflict.resolution() + ")";
    }
    AddLine(out, "payout conflict #" + std::to_string(conflict.number()), text);
    AddLine(out, "  earlier", PayoutFactText(conflict.earlier()));
    AddLine(out, "  reported", PayoutFactText(conflict.reported()));
  }
}

}  // namespace

std::string Printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto hex = [&](unsigned char c) { absl::StrAppendFormat(&out, "\\x%02x", c); };
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\\') {
      out += "\\\\";
      ++i;
    } else if (c == '\n') {
      out += "\\n";
      ++i;
    } else if (c == '\t') {
      out += "\\t";
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      hex(c);
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else {
      // One UTF-8 sequence: its length from the lead byte, its code point checked.
      const int length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
      uint32_t code = length == 4 ? c & 0x07 : length == 3 ? c & 0x0f : c & 0x1f;
      bool valid = length > 0 && i + length <= text.size();
      for (int k = 1; valid && k < length; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        valid = (next & 0xc0) == 0x80;
        code = (code << 6) | (next & 0x3f);
      }
      valid = valid && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) &&
              code >= (length == 2   ? 0x80u
                       : length == 3 ? 0x800u
                                     : 0x10000u);
      if (!valid) {
        hex(c);
        ++i;
        continue;
      }
      const bool control = (code >= 0x80 && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) ||
                           (code >= 0x2066 && code <= 0x2069);
      if (control) {
        absl::StrAppendFormat(&out, "\\u%04x", code);
      } else {
        out.append(text.substr(i, static_cast<size_t>(length)));
      }
      i += static_cast<size_t>(length);
    }
  }
  return out;
}

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
  if (!refusal.text().empty()) text += " — " + Printable(refusal.text());
  if (!refusal.rule_version().empty()) text += " (rules " + Printable(refusal.rule_version()) + ")";
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
  if (port.has_ack_deadline_at())
    AddLine(out, "confirmations due", ShanghaiTime(port.ack_deadline_at()));
  if (port.resend_count() != 0) {
    AddLine(out, "resends",
            std::to_string(port.resend_count()) + " (last at sequence " +
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

std::string AttentionLine(const npd::v1::AttentionItem& item) {
  constexpr size_t kKindWidth = 15;  // "PARTIAL_FAILURE"
  std::string line = Padded(AttentionKindName(item.kind()), kKindWidth) + "  " + item.msisdn() +
                     "  " + OrDash(item.port_id());
  if (!item.refund_id().empty()) line += " " + item.refund_id();
  line += "  " + (item.refund_state() != npd::v1::REFUND_STATE_UNSPECIFIED
                      ? RefundStateName(item.refund_state())
                      : PortStateName(item.port_state()));
  if (item.has_since()) line += "  " + ShanghaiTime(item.since());
  if (!item.detail().empty()) line += "  " + Printable(item.detail());
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

std::string YuanText(int64_t fen) {
  // Unsigned, so that the magnitude of INT64_MIN is representable.
  const uint64_t magnitude =
      fen < 0 ? uint64_t{0} - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  const uint64_t cents = magnitude % 100;
  return (fen < 0 ? "-" : "") + std::to_string(magnitude / 100) + (cents < 10 ? ".0" : ".") +
         std::to_string(cents) + " CNY";
}

std::string RefundRefusalText(const npd::v1::RefundRefusal& refusal) {
  std::string text =
      refusal.reasons().empty() ? "no reason given" : RefundReasons(refusal.reasons());
  if (!refusal.text().empty()) text += " — " + Printable(refusal.text());
  return text;
}

std::string RefundBlock(const npd::v1::Refund& refund) {
  std::string out = "refund " + refund.refund_id() + "\n";
  AddLine(out, "port", OrDash(refund.port_id()));
  AddLine(out, "msisdn", refund.msisdn());
  AddLine(out, "state", RefundStateName(refund.state()));
  AddLine(out, "donor -> recipient", OrDash(refund.donor()) + " -> " + OrDash(refund.recipient()));
  AddLine(out, "home province", OrDash(refund.home_province()));
  if (!refund.reasons().empty()) AddLine(out, "reasons", RefundReasons(refund.reasons()));
  if (refund.has_final_bill()) AddFinalBill(out, refund);
  if (refund.arrears_fen() != 0) AddLine(out, "arrears", YuanText(refund.arrears_fen()));
  if (refund.has_claim_deadline_at()) {
    AddLine(out, "claim deadline", ShanghaiTime(refund.claim_deadline_at()));
  }
  if (refund.has_claim()) AddClaim(out, refund.claim());
  if (refund.payout_generation() != 0 || !refund.payout_key().empty()) {
    std::string payout =
        "#" + std::to_string(refund.payout_generation()) + " " + OrDash(refund.payout_key());
    if (!refund.payout_reference().empty()) {
      payout += " (reference " + refund.payout_reference() + ")";
    }
    AddLine(out, "payout", payout);
  }
  if (refund.paid_fen() != 0) AddLine(out, "paid", YuanText(refund.paid_fen()));
  if (!refund.settlement_reference().empty()) {
    AddLine(out, "settlement", refund.settlement_reference());
  }
  if (refund.has_pending_step() &&
      refund.pending_step().step() != npd::v1::REFUND_STEP_UNSPECIFIED) {
    AddPendingStep(out, refund.pending_step());
  }
  if (refund.has_stuck()) AddStuck(out, refund.stuck());
  AddPayoutFacts(out, refund);
  if (refund.refused_claims() != 0) {
    AddLine(out, "refused claims", std::to_string(refund.refused_claims()));
  }
  if (refund.has_opened_at()) AddLine(out, "opened", ShanghaiTime(refund.opened_at()));
  if (refund.has_updated_at()) AddLine(out, "updated", ShanghaiTime(refund.updated_at()));
  if (refund.has_closed_at()) AddLine(out, "closed", ShanghaiTime(refund.closed_at()));
  return out;
}

std::string RefundLine(const npd::v1::Refund& refund) {
  std::string line = refund.refund_id() + "  " + refund.msisdn() + "  " +
                     Padded(RefundStateName(refund.state()), kRefundStateWidth) + "  " +
                     OrDash(refund.donor()) + " -> " + OrDash(refund.recipient()) + "  " +
                     (refund.has_final_bill() ? YuanText(refund.refundable_fen()) : "-");
  if (refund.has_opened_at()) line += "  " + ShanghaiTime(refund.opened_at());
  return line;
}

std::string ClaimText(const npd::v1::ClaimRefundResponse& response) {
  std::string out = response.accepted()
                        ? "claim accepted\n"
                        : "claim refused: " + RefundRefusalText(response.refusal()) + "\n";
  if (response.has_refund()) out += RefundBlock(response.refund());
  return out;
}

std::string FinalBillReportText(const npd::v1::ReportFinalBillResponse& response) {
  std::string out =
      response.applied() ? "final bill applied\n" : "final bill already applied; nothing changed\n";
  if (response.has_refund()) out += RefundBlock(response.refund());
  return out;
}

std::string HistoryHeader(const npd::v1::GetHistoryRequest& request, const std::string& msisdn) {
  switch (request.subject_case()) {
    case npd::v1::GetHistoryRequest::kPortId:
      return "history of port " + request.port_id() +
             (msisdn.empty() ? "" : " (number " + msisdn + ")");
    case npd::v1::GetHistoryRequest::kRefundId:
      return "history of refund " + request.refund_id() +
             (msisdn.empty() ? "" : " (number " + msisdn + ")");
    default:
      return "history of number " + request.msisdn();
  }
}

std::string HistoryLine(const npd::v1::HistoryEvent& event) {
  std::string actor = event.actor();
  if (!event.operator_name().empty()) actor += " " + event.operator_name();
  std::string transaction = "-";
  if (!event.refund_id().empty()) {
    transaction = event.refund_id();
    if (event.refund_state_after() != npd::v1::REFUND_STATE_UNSPECIFIED) {
      transaction +=
          " " +
          StateOrDash(RefundStateName(event.refund_state_before()), event.refund_state_before()) +
          " -> " + RefundStateName(event.refund_state_after());
    }
  } else if (!event.port_id().empty()) {
    transaction = event.port_id();
    if (event.state_after() != npd::v1::PORT_STATE_UNSPECIFIED) {
      transaction += " " + StateOrDash(PortStateName(event.state_before()), event.state_before()) +
                     " -> " + PortStateName(event.state_after());
    }
  }
  std::string line = absl::StrJoin(
      {"#" + std::to_string(event.sequence()),
       event.has_at() ? ShanghaiTime(event.at()) : std::string("-"), OrDash(actor),
       OrDash(event.command()), OrDash(event.request_id()), OrDash(event.type()), transaction},
      "  ");
  if (!event.detail().empty()) line += "  " + Printable(event.detail());
  return line;
}

}  // namespace npd::client
