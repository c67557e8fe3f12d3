// What each command does inside a batch: load state through the Txn, run the pure core function,
// stage the result. Validation of request shape happened before (daemon/service/validation.h);
// these add the checks that need state (who may act, what the number plan says).
#ifndef NPD_DAEMON_ENGINE_HANDLERS_H_
#define NPD_DAEMON_ENGINE_HANDLERS_H_

#include <string>

#include "absl/status/status.h"
#include "daemon/engine/command.h"
#include "daemon/engine/txn.h"
#include "npd/store/v1/records.pb.h"
#include "npd/v1/feed.pb.h"
#include "npd/v1/operations.pb.h"
#include "npd/v1/porting.pb.h"

namespace npd::engine {

absl::Status HandleIssueAuthCode(Txn& txn, const EngineContext& ctx, const std::string& caller,
                                 const npd::v1::IssueAuthCodeRequest& request,
                                 npd::v1::IssueAuthCodeResponse& response);
// Clears the plaintext code before the response is kept for replay.
void RedactAuthCode(npd::v1::IssueAuthCodeResponse& response);

absl::Status HandleSubmitPort(Txn& txn, const EngineContext& ctx, const std::string& caller,
                              const npd::v1::SubmitPortRequest& request,
                              npd::v1::SubmitPortResponse& response);

absl::Status HandleAnswerPort(Txn& txn, const EngineContext& ctx, const std::string& caller,
                              const npd::v1::AnswerPortRequest& request,
                              npd::v1::AnswerPortResponse& response);

absl::Status HandleCancelPort(Txn& txn, const EngineContext& ctx, const std::string& caller,
                              const npd::v1::CancelPortRequest& request,
                              npd::v1::CancelPortResponse& response);

// The operator resends a PARTIAL_FAILURE transaction's routing change.
absl::Status HandleResendRouting(Txn& txn, const EngineContext& ctx, const std::string& caller,
                                 const npd::v1::ResendRoutingRequest& request,
                                 npd::v1::ResendRoutingResponse& response);

// The operator cancels a transaction before cutover (OperationsService.CancelStalePort).
absl::Status HandleOperatorCancel(Txn& txn, const EngineContext& ctx, const std::string& caller,
                                  const npd::v1::CancelStalePortRequest& request,
                                  npd::v1::CancelStalePortResponse& response);

// The serving carrier reports that a ported subscriber left: a number return in DISCONNECT_PENDING.
absl::Status HandleDisconnectNumber(Txn& txn, const EngineContext& ctx, const std::string& caller,
                                    const npd::v1::DisconnectNumberRequest& request,
                                    npd::v1::DisconnectNumberResponse& response);

// Advances the caller's confirmed position and applies the confirmation to every port whose routing
// change it covers. PERMISSION_DENIED for a caller that is not a carrier; INVALID_ARGUMENT beyond
// the feed head.
absl::Status HandleConfirm(Txn& txn, const EngineContext& ctx, const std::string& caller,
                           const npd::v1::ConfirmRequest& request,
                           npd::v1::ConfirmResponse& response);

// A due timer. Removes it from the index and applies it; a timer whose moment has passed (the port
// moved on, the code was replaced) is removed without effect. Errors only for storage failures.
absl::Status HandleTimer(Txn& txn, const EngineContext& ctx,
                         const npd::store::v1::TimerRecord& timer);

}  // namespace npd::engine

#endif  // NPD_DAEMON_ENGINE_HANDLERS_H_
