// The refund saga inside the single writer: load the case and its outbox entry through the Txn, run
// the pure core function (daemon/core/refund_machine.h), stage the case, its outbox entry, events
// and timers in the same batch. Who may act is checked here; request shape was validated before.
#ifndef NPD_DAEMON_ENGINE_REFUND_HANDLERS_H_
#define NPD_DAEMON_ENGINE_REFUND_HANDLERS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "daemon/core/refund_machine.h"
#include "daemon/engine/command.h"
#include "daemon/engine/txn.h"
#include "npd/v1/refund.pb.h"

namespace npd::engine {

// Opens the refund case of a port that just completed (kind PORT), in the same batch.
void OpenRefundForPort(Txn& txn, const EngineContext& ctx,
                       const npd::store::v1::PortRecord& record);

// Donor (any channel, any province) or operator. NOT_FOUND for an unknown case or one the caller
// is not the donor of.
absl::Status HandleClaimRefund(Txn& txn, const EngineContext& ctx, const std::string& caller,
                               const npd::v1::ClaimRefundRequest& request,
                               npd::v1::ClaimRefundResponse& response);
// Donor only.
absl::Status HandleReportFinalBill(Txn& txn, const EngineContext& ctx, const std::string& caller,
                                   const npd::v1::ReportFinalBillRequest& request,
                                   npd::v1::ReportFinalBillResponse& response);
// Payment channel only. NOT_FOUND when the key names no case. The report is a hint (see
// core::ApplyPayoutReport): it makes the dispatcher query the payout at once, or is kept as a
// payout conflict.
absl::Status HandleReportPayoutResult(Txn& txn, const EngineContext& ctx, const std::string& caller,
                                      const npd::v1::ReportPayoutResultRequest& request,
                                      npd::v1::ReportPayoutResultResponse& response);
// Operator only: re-drives a STUCK case and reconciles open payout conflicts.
absl::Status HandleRedriveRefund(Txn& txn, const EngineContext& ctx, const std::string& caller,
                                 const npd::v1::RedriveRefundRequest& request,
                                 npd::v1::RedriveRefundResponse& response);

// The claim-expiry timer of the case of `port_id`. FAILED_PRECONDITION / NOT_FOUND when stale.
absl::Status HandleClaimExpiry(Txn& txn, const EngineContext& ctx, const std::string& port_id);

// An attempt's result from the outbox dispatcher. FAILED_PRECONDITION when stale (nothing staged).
absl::Status HandleStepResult(Txn& txn, const EngineContext& ctx, const std::string& refund_id,
                              const core::StepResult& result, double jitter);
// Marks a payout as possibly sent before the dispatcher calls Pay. FAILED_PRECONDITION when the
// entry is no longer that payout version.
absl::Status HandleBeginPayout(Txn& txn, const EngineContext& ctx, const std::string& refund_id,
                               int64_t version);

// The refund id a payout key names ("<refund_id>:payout:<n>"), or empty.
std::string RefundIdOfPayoutKey(const std::string& payout_key);

}  // namespace npd::engine

#endif  // NPD_DAEMON_ENGINE_REFUND_HANDLERS_H_
