#include "daemon/service/caller.h"

#include <algorithm>

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

absl::StatusOr<std::string> OperatorName(const grpc::CallbackServerContext& context,
                                         const std::string& role) {
  if (role != kOperatorRole) return std::string();
  const auto& metadata = context.client_metadata();
  auto [first, last] = metadata.equal_range(kOperatorNameHeader);
  if (first == last) {
    return absl::UnauthenticatedError(absl::StrCat(
        "an operator call must name the person acting: send the ", kOperatorNameHeader, " header"));
  }
  if (std::next(first) != last) {
    return absl::UnauthenticatedError(
        absl::StrCat("more than one ", kOperatorNameHeader, " header"));
  }
  std::string name(first->second.data(), first->second.size());
  const bool printable =
      std::all_of(name.begin(), name.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
  if (name.empty() || name.size() > 64 || !printable) {
    return absl::UnauthenticatedError(absl::StrCat(
        "the ", kOperatorNameHeader, " header must be 1-64 printable ASCII characters"));
  }
  return name;
}

}  // namespace npd::service
