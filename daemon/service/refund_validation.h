// Shape checks of RefundService requests (see validation.h for the contract: OK or
// INVALID_ARGUMENT naming the field, before anything reaches the engine).
#ifndef NPD_DAEMON_SERVICE_REFUND_VALIDATION_H_
#define NPD_DAEMON_SERVICE_REFUND_VALIDATION_H_

#include <string_view>

#include "absl/status/status.h"
#include "daemon/core/number_plan.h"
#include "npd/v1/refund.pb.h"

namespace npd::service {

// "R" followed by 12 digits.
absl::Status ValidateRefundId(std::string_view refund_id);
// A bank card (16-19 digits, Luhn check digit) or a wallet id (4-64 of [A-Za-z0-9@._-]), with a
// holder name of 1-64 bytes.
absl::Status ValidatePayee(const npd::v1::PayeeAccount& payee);
// Every amount >= 0 and a bill id of 1-64 bytes.
absl::Status ValidateFinalBill(const npd::v1::FinalBill& bill);

absl::Status Validate(const npd::v1::ClaimRefundRequest& request, const core::NumberPlan& plan);
absl::Status Validate(const npd::v1::ReportFinalBillRequest& request);
absl::Status Validate(const npd::v1::ReportPayoutResultRequest& request);
absl::Status Validate(const npd::v1::RedriveRefundRequest& request);
absl::Status Validate(const npd::v1::ListRefundsRequest& request, const core::NumberPlan& plan);

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_REFUND_VALIDATION_H_
