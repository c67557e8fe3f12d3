// Who is calling. This is the one place that decides it: today from the `x-npd-caller` metadata
// header, once mTLS lands from the client certificate. Nothing else reads caller identity from a
// request.
#ifndef NPD_DAEMON_SERVICE_CALLER_H_
#define NPD_DAEMON_SERVICE_CALLER_H_

#include <string>

#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
#include "daemon/core/number_plan.h"

namespace npd::service {

inline constexpr char kCallerHeader[] = "x-npd-caller";
inline constexpr char kOperatorRole[] = "operator";

// The caller's role: a carrier id of the plan, or "operator". UNAUTHENTICATED when the header is
// missing, repeated or names no known role.
absl::StatusOr<std::string> AuthenticateCaller(const grpc::CallbackServerContext& context,
                                               const core::NumberPlan& plan);

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_CALLER_H_
