#include "clients/npctl/options.h"

#include <optional>
#include <vector>

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
  command.add_option("--id", args.id_number, "Document number of " + whose)
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
