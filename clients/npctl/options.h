// Command-line pieces shared by the command groups: the action slot, enum-valued options checked
// while parsing (so a bad value exits 2 before anything is sent), and the identity options.
#ifndef NPD_CLIENTS_NPCTL_OPTIONS_H_
#define NPD_CLIENTS_NPCTL_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "npd/v1/common.pb.h"
#include "npd/v1/operations.pb.h"
#include "npd/v1/porting.pb.h"
#include "npd/v1/refund.pb.h"

namespace npd::npctl {

// The work of the command that was named, chosen while parsing and run after it. Returns the exit
// code.
using Action = std::function<int()>;

// Validators for option values; the error lists every valid value.
CLI::Validator IdTypeCheck();
CLI::Validator ReasonCheck();
CLI::Validator PortStateCheck();
CLI::Validator ChannelCheck();
CLI::Validator RefundStateCheck();
CLI::Validator ClaimChannelCheck();
CLI::Validator PayeeKindCheck();
CLI::Validator AttentionKindCheck();
// An amount of money in whole fen, >= 0: decimal digits only (no sign, fraction, exponent or 0x; a
// leading zero does not mean octal), at most INT64_MAX.
CLI::Validator FenCheck();

// Conversions of values the validators above accepted. Throw UsageError for any other value.
npd::v1::IdType ToIdType(const std::string& text);
npd::v1::ReasonCode ToReason(const std::string& text);
npd::v1::PortState ToPortState(const std::string& text);
npd::v1::Channel ToChannel(const std::string& text);
npd::v1::RefundState ToRefundState(const std::string& text);
npd::v1::ClaimChannel ToClaimChannel(const std::string& text);
npd::v1::PayeeKind ToPayeeKind(const std::string& text);
npd::v1::AttentionKind ToAttentionKind(const std::string& text);
int64_t ToFen(const std::string& text);

// A person as given on the command line.
struct IdentityArgs {
  std::string name;
  std::string id_type;
  std::string id_number;
};

// Adds the required --name, --id-type and --id (also spelled --id-number) options to `command`;
// `whose` says whose identity it is in the help ("the registered holder").
void AddIdentityOptions(CLI::App& command, IdentityArgs& args, const std::string& whose);

// The Identity message for `args`. Throws UsageError for an unknown id type.
npd::v1::Identity ToIdentity(const IdentityArgs& args);

// Sets the help footer of a command: `details` (what it does, who may do it, what it prints), then
// where the global options are described. Lines are broken with '\n' by the caller.
void Explain(CLI::App& command, const std::string& details);

}  // namespace npd::npctl

#endif  // NPD_CLIENTS_NPCTL_OPTIONS_H_
