// Names of the API enums as people type and read them: without the type prefix
// ("R03_ARREARS_BILLED", "PENDING_DONOR"), and for identity documents and channels in lower case
// with dashes ("hk-macau", "online"). Derived from the proto descriptors, so a value added to the
// protos is named here without a code change. All functions are thread-safe.
#ifndef NPD_CLIENTS_CLIENT_ENUM_NAMES_H_
#define NPD_CLIENTS_CLIENT_ENUM_NAMES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "npd/v1/common.pb.h"

namespace npd::client {

// "R03_ARREARS_BILLED". A value unknown to this build prints as its number.
std::string ReasonName(npd::v1::ReasonCode reason);
// "PENDING_DONOR". A value unknown to this build prints as its number.
std::string PortStateName(npd::v1::PortState state);
// "resident", "hk-macau", "foreign-permanent". A value unknown to this build prints as its number.
std::string IdTypeName(npd::v1::IdType id_type);
// "hall", "online", "app". A value unknown to this build prints as its number.
std::string ChannelName(npd::v1::Channel channel);

// Accepts "R03", "R03_ARREARS_BILLED" or "REASON_CODE_R03_ARREARS_BILLED", in any case. Returns
// nullopt for anything else, including UNSPECIFIED.
std::optional<npd::v1::ReasonCode> ParseReason(std::string_view text);
// Accepts "PENDING_DONOR" or "PORT_STATE_PENDING_DONOR", in any case, '-' for '_'. Returns nullopt
// for anything else, including UNSPECIFIED.
std::optional<npd::v1::PortState> ParsePortState(std::string_view text);
// Accepts the names IdTypeName prints (or the enum names), in any case, '_' for '-'. Returns
// nullopt for anything else, including UNSPECIFIED.
std::optional<npd::v1::IdType> ParseIdType(std::string_view text);
// Accepts the names ChannelName prints (or the enum names), in any case. Returns nullopt for
// anything else, including UNSPECIFIED.
std::optional<npd::v1::Channel> ParseChannel(std::string_view text);

// Every name the Parse functions accept in their printed form, in enum order, UNSPECIFIED excluded.
std::vector<std::string> ReasonNames();
std::vector<std::string> PortStateNames();
std::vector<std::string> IdTypeNames();
std::vector<std::string> ChannelNames();

}  // namespace npd::client

#endif  // NPD_CLIENTS_CLIENT_ENUM_NAMES_H_
