#include "clients/npctl/options.h"

#include <optional>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "clients/client/enum_names.h"
#include "clients/npctl/session.h"

namespace npd::npctl {
namespace {

std::string Unknown(const std::string& what, const std::string& value,
                    const std::vector<std::string>& valid) {
  return "unknown " + what + " '" + value + "'; valid: " + absl::StrJoin(valid, ", ");
}

template <typename Enum>
CLI::Validator Check(const std::string& what, std::optional<Enum> (*parse)(std::string_view),
                     std::vector<std::string> (*names)()) {
  return CLI::Validator(
      [what, parse, names](std::string& value) -> std::string {
        return parse(value) ? std::string() : Unknown(what, value, names());
      },
      "", what);
}

// The amount `text` names in fen, or nullopt for anything but decimal digits within int64_t.
std::optional<int64_t> ParseFen(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  int64_t fen = 0;
  if (!absl::SimpleAtoi(text, &fen)) return std::nullopt;  // too large
  return fen;
}

constexpr char kFenExpected[] =
    "' is not an amount in fen: a whole number >= 0 of decimal digits, e.g. 1234 for 12.34 CNY";

template <typename Enum>
Enum Convert(const std::string& what, const std::string& text,
             std::optional<Enum> (*parse)(std::string_view), std::vector<std::string> (*names)()) {
  const std::optional<Enum> value = parse(text);
  if (!value) throw UsageError(Unknown(what, text, names()));
  return *value;
}

}  // namespace

CLI::Validator IdTypeCheck() {
  return Check("id type", &client::ParseIdType, &client::IdTypeNames);
}
CLI::Validator ReasonCheck() {
  return Check("reason code", &client::ParseReason, &client::ReasonNames);
}
CLI::Validator PortStateCheck() {
  return Check("port state", &client::ParsePortState, &client::PortStateNames);
}
CLI::Validator ChannelCheck() {
  return Check("channel", &client::ParseChannel, &client::ChannelNames);
}
CLI::Validator RefundStateCheck() {
  return Check("refund state", &client::ParseRefundState, &client::RefundStateNames);
}
CLI::Validator ClaimChannelCheck() {
  return Check("claim channel", &client::ParseClaimChannel, &client::ClaimChannelNames);
}
CLI::Validator PayeeKindCheck() {
  return Check("payee kind", &client::ParsePayeeKind, &client::PayeeKindNames);
}
CLI::Validator AttentionKindCheck() {
  return Check("attention kind", &client::ParseAttentionKind, &client::AttentionKindNames);
}
CLI::Validator FenCheck() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        return ParseFen(value) ? std::string() : "'" + value + kFenExpected;
      },
      "", "fen");
}

npd::v1::IdType ToIdType(const std::string& text) {
  return Convert("id type", text, &client::ParseIdType, &client::IdTypeNames);
}
npd::v1::ReasonCode ToReason(const std::string& text) {
  return Convert("reason code", text, &client::ParseReason, &client::ReasonNames);
}
npd::v1::PortState ToPortState(const std::string& text) {
  return Convert("port state", text, &client::ParsePortState, &client::PortStateNames);
}
npd::v1::Channel ToChannel(const std::string& text) {
  return Convert("channel", text, &client::ParseChannel, &client::ChannelNames);
}
npd::v1::RefundState ToRefundState(const std::string& text) {
  return Convert("refund state", text, &client::ParseRefundState, &client::RefundStateNames);
}
npd::v1::ClaimChannel ToClaimChannel(const std::string& text) {
  return Convert("claim channel", text, &client::ParseClaimChannel, &client::ClaimChannelNames);
}
npd::v1::PayeeKind ToPayeeKind(const std::string& text) {
  return Convert("payee kind", text, &client::ParsePayeeKind, &client::PayeeKindNames);
}
npd::v1::AttentionKind ToAttentionKind(const std::string& text) {
  return Convert("attention kind", text, &client::ParseAttentionKind, &client::AttentionKindNames);
}
int64_t ToFen(const std::string& text) {
  const std::optional<int64_t> fen = ParseFen(text);
  if (!fen) throw UsageError("'" + text + kFenExpected);
  return *fen;
}

void AddIdentityOptions(CLI::App& command, IdentityArgs& args, const std::string& whose) {
  command.add_option("--name", args.name, "Name of " + whose + " as on the document")
      ->required()
      ->type_name("NAME");
  command
      .add_option("--id-type", args.id_type,
                  "Kind of identity document (resident = 居民身份证):\n" +
                      absl::StrJoin(client::IdTypeNames(), ", "))
      ->required()
      ->type_name("TYPE")
      ->check(IdTypeCheck());
  command.add_option("--id,--id-number", args.id_number, "Document number of " + whose)
      ->required()
      ->type_name("NUMBER");
}

void Explain(CLI::App& command, const std::string& details) {
  command.footer(details +
                 "\n\nGlobal options (--server, --as, --json, --request-id, --timeout) go before "
                 "or after\nthe command; see npctl --help.");
}

npd::v1::Identity ToIdentity(const IdentityArgs& args) {
  npd::v1::Identity identity;
  identity.set_id_type(ToIdType(args.id_type));
  identity.set_id_number(args.id_number);
  identity.set_name(args.name);
  return identity;
}

}  // namespace npd::npctl
