#include "daemon/service/caller.h"

#include "absl/strings/str_cat.h"

namespace npd::service {

absl::StatusOr<std::string> AuthenticateCaller(const grpc::CallbackServerContext& context,
                                               const core::NumberPlan& plan, bool allow_payment) {
  const auto& metadata = context.client_metadata();
  auto [first, last] = metadata.equal_range(kCallerHeader);
  if (first == last) {
    return absl::UnauthenticatedError(
        absl::StrCat("no caller identity: send the ", kCallerHeader, " header"));
  }
  if (std::next(first) != last) {
    return absl::UnauthenticatedError(absl::StrCat("more than one ", kCallerHeader, " header"));
  }
  std::string role(first->second.data(), first->second.size());
  if (allow_payment && role == kPaymentActor) return role;
  if (role != kOperatorRole && !plan.IsCarrier(role)) {
    return absl::UnauthenticatedError(
        absl::StrCat("unknown caller role '", role, "': expected a carrier id or 'operator'"));
  }
  return role;
}

}  // namespace npd::service
