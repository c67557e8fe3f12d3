#include "clients/client/enum_names.h"

#include <algorithm>
#include <cctype>

#include <google/protobuf/descriptor.h>

namespace npd::client {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;

// How one enum is spelled for people.
struct Spelling {
  const EnumDescriptor* descriptor;
  // Prefix every value name starts with, e.g. "REASON_CODE_".
  std::string_view prefix;
  // True to print in lower case with '-' instead of '_'.
  bool lower_dashed;
};

Spelling ReasonSpelling() { return {npd::v1::ReasonCode_descriptor(), "REASON_CODE_", false}; }
Spelling StateSpelling() { return {npd::v1::PortState_descriptor(), "PORT_STATE_", false}; }
Spelling IdTypeSpelling() { return {npd::v1::IdType_descriptor(), "ID_TYPE_", true}; }
Spelling ChannelSpelling() { return {npd::v1::Channel_descriptor(), "CHANNEL_", true}; }
Spelling RefundReasonSpelling() {
  return {npd::v1::RefundReason_descriptor(), "REFUND_REASON_", false};
}
Spelling RefundStateSpelling() {
  return {npd::v1::RefundState_descriptor(), "REFUND_STATE_", false};
}
Spelling RefundStepSpelling() { return {npd::v1::RefundStep_descriptor(), "REFUND_STEP_", false}; }
Spelling ClaimChannelSpelling() {
  return {npd::v1::ClaimChannel_descriptor(), "CLAIM_CHANNEL_", true};
}
Spelling PayeeKindSpelling() { return {npd::v1::PayeeKind_descriptor(), "PAYEE_KIND_", true}; }
Spelling AttentionKindSpelling() {
  return {npd::v1::AttentionKind_descriptor(), "ATTENTION_KIND_", false};
}

// Upper case with '_' for '-', surrounding spaces removed: the form names are compared in.
std::string Canonical(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  std::string out(text);
  for (char& c : out)
    c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string Printed(const Spelling& spelling, const EnumValueDescriptor& value) {
  std::string name = value.name().substr(spelling.prefix.size());
  if (spelling.lower_dashed) {
    for (char& c : name) {
      c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return name;
}

std::string NameOf(const Spelling& spelling, int number) {
  const EnumValueDescriptor* value = spelling.descriptor->FindValueByNumber(number);
  if (value == nullptr) return std::to_string(number);
  return Printed(spelling, *value);
}

// The value `text` names, other than the zero (UNSPECIFIED) value. With `code_heads`, the part of a
// name before its first '_' ("R03") names the value too.
std::optional<int> Parse(const Spelling& spelling, std::string_view text, bool code_heads) {
  const std::string wanted = Canonical(text);
  if (wanted.empty()) return std::nullopt;
  for (int i = 0; i < spelling.descriptor->value_count(); ++i) {
    const EnumValueDescriptor& value = *spelling.descriptor->value(i);
    if (value.number() == 0) continue;
    const std::string& full = value.name();
    const std::string bare = full.substr(spelling.prefix.size());
    if (wanted == full || wanted == bare) return value.number();
    if (code_heads && wanted == bare.substr(0, bare.find('_'))) return value.number();
  }
  return std::nullopt;
}

std::vector<std::string> Names(const Spelling& spelling) {
  std::vector<std::string> names;
  for (int i = 0; i < spelling.descriptor->value_count(); ++i) {
    const EnumValueDescriptor& value = *spelling.descriptor->value(i);
    if (value.number() != 0) names.push_back(Printed(spelling, value));
  }
  return names;
}

}  // namespace

std::string ReasonName(npd::v1::ReasonCode reason) { return NameOf(ReasonSpelling(), reason); }
std::string PortStateName(npd::v1::PortState state) { return NameOf(StateSpelling(), state); }
std::string IdTypeName(npd::v1::IdType id_type) { return NameOf(IdTypeSpelling(), id_type); }
std::string ChannelName(npd::v1::Channel channel) { return NameOf(ChannelSpelling(), channel); }
std::string RefundReasonName(npd::v1::RefundReason reason) {
  return NameOf(RefundReasonSpelling(), reason);
}
std::string RefundStateName(npd::v1::RefundState state) {
  return NameOf(RefundStateSpelling(), state);
}
std::string RefundStepName(npd::v1::RefundStep step) { return NameOf(RefundStepSpelling(), step); }
std::string ClaimChannelName(npd::v1::ClaimChannel channel) {
  return NameOf(ClaimChannelSpelling(), channel);
}
std::string PayeeKindName(npd::v1::PayeeKind kind) { return NameOf(PayeeKindSpelling(), kind); }
std::string AttentionKindName(npd::v1::AttentionKind kind) {
  return NameOf(AttentionKindSpelling(), kind);
}

std::optional<npd::v1::ReasonCode> ParseReason(std::string_view text) {
  const std::optional<int> number = Parse(ReasonSpelling(), text, /*code_heads=*/true);
  if (!number) return std::nullopt;
  return static_cast<npd::v1::ReasonCode>(*number);
}

std::optional<npd::v1::PortState> ParsePortState(std::string_view text) {
  const std::optional<int> number = Parse(StateSpelling(), text, /*code_heads=*/false);
  if (!number) return std::nullopt;
  return static_cast<npd::v1::PortState>(*number);
}

std::optional<npd::v1::IdType> ParseIdType(std::string_view text) {
  const std::optional<int> number = Parse(IdTypeSpelling(), text, /*code_heads=*/false);
  if (!number) return std::nullopt;
  return static_cast<npd::v1::IdType>(*number);
}

std::optional<npd::v1::Channel> ParseChannel(std::string_view text) {
  const std::optional<int> number = Parse(ChannelSpelling(), text, /*code_heads=*/false);
  if (!number) return std::nullopt;
  return static_cast<npd::v1::Channel>(*number);
}

std::optional<npd::v1::RefundState> ParseRefundState(std::string_view text) {
  const std::optional<int> number = Parse(RefundStateSpelling(), text, /*code_heads=*/false);
  if (!number) return std::nullopt;
  return static_cast<npd::v1::RefundState>(*number);
}

std::optional<npd::v1::ClaimChannel> ParseClaimChannel(std::string_view text) {
  const std::optional<int> number = Parse(ClaimChannelSpelling(), text, /*code_heads=*/false);
  if (!number) return std::nullopt;
  return static_cast<npd::v1::ClaimChannel>(*number);
}

std::optional<npd::v1::PayeeKind> ParsePayeeKind(std::string_view text) {
  const std::optional<int> number = Parse(PayeeKindSpelling(), text, /*code_heads=*/false);
  if (!number) return std::nullopt;
  return static_cast<npd::v1::PayeeKind>(*number);
}

std::optional<npd::v1::AttentionKind> ParseAttentionKind(std::string_view text) {
  const std::optional<int> number = Parse(AttentionKindSpelling(), text, /*code_heads=*/false);
  if (!number) return std::nullopt;
  return static_cast<npd::v1::AttentionKind>(*number);
}

std::vector<std::string> ReasonNames() { return Names(ReasonSpelling()); }
std::vector<std::string> PortStateNames() { return Names(StateSpelling()); }
std::vector<std::string> IdTypeNames() { return Names(IdTypeSpelling()); }
std::vector<std::string> ChannelNames() { return Names(ChannelSpelling()); }
std::vector<std::string> RefundStateNames() { return Names(RefundStateSpelling()); }
std::vector<std::string> ClaimChannelNames() { return Names(ClaimChannelSpelling()); }
std::vector<std::string> PayeeKindNames() { return Names(PayeeKindSpelling()); }
std::vector<std::string> AttentionKindNames() { return Names(AttentionKindSpelling()); }

}  // namespace npd::client
