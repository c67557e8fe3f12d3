// Names of the API enums as people type and read them: without the type prefix
// ("R03_ARREARS_BILLED", "PENDING_DONOR", "F05_IDENTITY_MISMATCH"), and for identity documents,
// channels and payee kinds in lower case with dashes ("hk-macau", "online", "bank-card"). Derived
// from the proto descriptors, so a value added to the protos is named here without a code change.
// All functions are thread-safe.
#ifndef NPD_CLIENTS_CLIENT_ENUM_NAMES_H_
#define NPD_CLIENTS_CLIENT_ENUM_NAMES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "npd/v1/common.pb.h"
#include "npd/v1/operations.pb.h"
#include "npd/v1/refund.pb.h"

namespace npd::client {

// "R03_ARREARS_BILLED". A value unknown to this build prints as its number.
std::string ReasonName(npd::v1::ReasonCode reason);
// "PENDING_DONOR". A value unknown to this build prints as its number.
std::string PortStateName(npd::v1::PortState state);
// "resident", "hk-macau", "foreign-permanent". A value unknown to this build prints as its number.
std::string IdTypeName(npd::v1::IdType id_type);
// "hall", "online", "app". A value unknown to this build prints as its number.
std::string ChannelName(npd::v1::Channel channel);
// "F05_IDENTITY_MISMATCH". A value unknown to this build prints as its number.
std::string RefundReasonName(npd::v1::RefundReason reason);
// "AWAIT_CLAIM". A value unknown to this build prints as its number.
std::string RefundStateName(npd::v1::RefundState state);
// "FETCH_FINAL_BILL". A value unknown to this build prints as its number.
std::string RefundStepName(npd::v1::RefundStep step);
// "hall", "app", "online". A value unknown to this build prints as its number.
std::string ClaimChannelName(npd::v1::ClaimChannel channel);
// "bank-card", "wallet". A value unknown to this build prints as its number.
std::string PayeeKindName(npd::v1::PayeeKind kind);
// "PARTIAL_FAILURE", "STUCK_REFUND". A value unknown to this build prints as its number.
std::string AttentionKindName(npd::v1::AttentionKind kind);

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
// Accepts "AWAIT_CLAIM" or "REFUND_STATE_AWAIT_CLAIM", in any case, '-' for '_'. Returns nullopt
// for anything else, including UNSPECIFIED.
std::optional<npd::v1::RefundState> ParseRefundState(std::string_view text);
// Accepts the names ClaimChannelName prints (or the enum names), in any case. Returns nullopt for
// anything else, including UNSPECIFIED.
std::optional<npd::v1::ClaimChannel> ParseClaimChannel(std::string_view text);
// Accepts the names PayeeKindName prints (or the enum names), in any case, '_' for '-'. Returns
// nullopt for anything else, including UNSPECIFIED.
std::optional<npd::v1::PayeeKind> ParsePayeeKind(std::string_view text);
// Accepts "STUCK_REFUND" or "ATTENTION_KIND_STUCK_REFUND", in any case, '-' for '_'. Returns
// nullopt for anything else, including UNSPECIFIED.
std::optional<npd::v1::AttentionKind> ParseAttentionKind(std::string_view text);

// Every name the Parse functions accept in their printed form, in enum order, UNSPECIFIED excluded.
std::vector<std::string> ReasonNames();
std::vector<std::string> PortStateNames();
std::vector<std::string> IdTypeNames();
std::vector<std::string> ChannelNames();
std::vector<std::string> RefundStateNames();
std::vector<std::string> ClaimChannelNames();
std::vector<std::string> PayeeKindNames();
std::vector<std::string> AttentionKindNames();

}  // namespace npd::client

#endif  // NPD_CLIENTS_CLIENT_ENUM_NAMES_H_
