// Shape checks of each request, before anything reaches the engine. Each returns OK or
// INVALID_ARGUMENT naming the field; nothing has been written when they fail. Checks that need
// stored state (who may act, whether a port exists) are the engine's.
#ifndef NPD_DAEMON_SERVICE_VALIDATION_H_
#define NPD_DAEMON_SERVICE_VALIDATION_H_

#include <string_view>

#include "absl/status/status.h"
#include "daemon/core/number_plan.h"
#include "daemon/core/record_builders.h"
#include "google/protobuf/timestamp.pb.h"
#include "npd/v1/feed.pb.h"
#include "npd/v1/history.pb.h"
#include "npd/v1/number.pb.h"
#include "npd/v1/operations.pb.h"
#include "npd/v1/porting.pb.h"

namespace npd::service {

using core::kMaxNoteBytes;  // one limit for notes and reasons, shared with core
inline constexpr int kMaxPageSize = 1000;
inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxBatchLookup = 1000;

// 1-128 printable ASCII characters without spaces.
absl::Status ValidateRequestId(std::string_view request_id);
// "P" followed by 12 digits.
absl::Status ValidatePortId(std::string_view port_id);
// Within google.protobuf.Timestamp's range (0001-01-01 to 9999-12-31, nanos 0-999999999);
// INVALID_ARGUMENT "<field> is not a valid timestamp" otherwise.
absl::Status ValidateTimestamp(std::string_view field, const google::protobuf::Timestamp& time);

// The reason an operator gives for a repair: not blank, at most kMaxNoteBytes. `field` names it in
// the error.
absl::Status ValidateReason(std::string_view field, std::string_view text);

absl::Status Validate(const npd::v1::IssueAuthCodeRequest& request);
absl::Status Validate(const npd::v1::SubmitPortRequest& request);
absl::Status Validate(const npd::v1::AnswerPortRequest& request);
absl::Status Validate(const npd::v1::CancelPortRequest& request);
absl::Status Validate(const npd::v1::ResendRoutingRequest& request);
absl::Status Validate(const npd::v1::DisconnectNumberRequest& request);
absl::Status Validate(const npd::v1::ListPortsRequest& request, const core::NumberPlan& plan);
absl::Status Validate(const npd::v1::ConfirmRequest& request);
absl::Status Validate(const npd::v1::ListAttentionRequest& request);
absl::Status Validate(const npd::v1::CancelStalePortRequest& request);
// Exactly one well-formed subject (msisdn, port id or refund id) and a page size of 0-1000.
absl::Status Validate(const npd::v1::GetHistoryRequest& request);

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_VALIDATION_H_
