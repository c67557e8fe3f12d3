// Who is calling. This is the one place that decides it: today from the `x-npd-caller` metadata
// header, once mTLS lands from the client certificate. Nothing else reads caller identity from a
// request.
#ifndef NPD_DAEMON_SERVICE_CALLER_H_
#define NPD_DAEMON_SERVICE_CALLER_H_

#include <string>

#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
#include "daemon/core/number_plan.h"
#include "daemon/core/refund_machine.h"

namespace npd::service {

inline constexpr char kCallerHeader[] = "x-npd-caller";
inline constexpr char kOperatorRole[] = "operator";
inline constexpr char kOperatorNameHeader[] = "x-npd-operator";
using core::kPaymentActor;  // the payment channel's role

// The caller's role: a carrier id of the plan, or "operator"; "payment" (the payment channel) only
// where `allow_payment` is true (RefundService.ReportPayoutResult). UNAUTHENTICATED when the header
// is missing, repeated or names no role accepted here.
absl::StatusOr<std::string> AuthenticateCaller(const grpc::CallbackServerContext& context,
                                               const core::NumberPlan& plan,
                                               bool allow_payment = false);

// The person behind an operator call: the `x-npd-operator` header, 1-64 printable ASCII
// characters, recorded in the journal and in every event the call causes. Required for the
// operator's mutations (UNAUTHENTICATED when missing, repeated or malformed); empty for other
// roles, whose header is ignored.
absl::StatusOr<std::string> OperatorName(const grpc::CallbackServerContext& context,
                                         const std::string& role);

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_CALLER_H_
