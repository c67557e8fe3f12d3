#include "daemon/service/gatekeeper.h"

#include <chrono>
#include <string>
#include <vector>

#include <grpc/grpc_security_constants.h>
#include <grpcpp/security/auth_context.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "daemon/core/string_view_compat.h"
#include "daemon/service/field_limits.h"
#include "daemon/service/status.h"
#include "proto/wire/tolerant_requests.h"
#include "spdlog/spdlog.h"

namespace npd::service {
namespace {

std::string View(const grpc::string_ref& ref) { return std::string(ref.data(), ref.size()); }

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Gatekeeper::Gatekeeper(GatekeeperOptions options, const core::NumberPlan& plan,
                       ConnectionTable* connections)
    : options_(options), plan_(plan), connections_(connections), limits_(options.limits) {}

absl::StatusOr<Principal> Gatekeeper::Identify(const grpc::CallbackServerContext& context) const {
  std::string uri;
  if (options_.dev_header_identity) {
    const auto& metadata = context.client_metadata();
    auto [first, last] = metadata.equal_range(kCallerHeader);
    if (first == last || std::next(first) != last) {
      return absl::UnauthenticatedError(
          absl::StrCat("development identity mode: send exactly one ", kCallerHeader,
                       " header with a principal URI, e.g. spiffe://npd/carrier/cmcc"));
    }
    uri = View(first->second);
  } else {
    const std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
    if (auth == nullptr || !auth->IsPeerAuthenticated()) {
      return absl::UnauthenticatedError("no verified client certificate");
    }
    const std::vector<grpc::string_ref> uris =
        auth->FindPropertyValues(GRPC_PEER_URI_PROPERTY_NAME);
    if (uris.size() != 1) {
      return absl::UnauthenticatedError(absl::StrCat(
          "the client certificate must carry exactly one URI subject alternative name naming an "
          "npd principal (it has ",
          uris.size(), ")"));
    }
    uri = View(uris.front());
  }
  auto principal = ParsePrincipalUri(uri);
  if (!principal.ok()) return absl::UnauthenticatedError(principal.status().message());
  if (!principal->Carrier().empty() && !plan_.IsCarrier(principal->Carrier())) {
    return absl::UnauthenticatedError(absl::StrCat("the principal ", principal->Uri(),
                                                   " names carrier '", principal->Carrier(),
                                                   "', which is not in the number plan"));
  }
  return principal;
}

absl::StatusOr<Gatekeeper::Admitted> Gatekeeper::Admit(grpc::CallbackServerContext& context,
                                                       std::string_view method,
                                                       const google::protobuf::Message& request) {
  const RpcRule* rule = FindRule(method);
  if (rule == nullptr) {
    return absl::InternalError(
        absl::StrCat(core::AbslView(method), " has no row in the authorization matrix"));
  }
  auto principal = Identify(context);
  if (!principal.ok()) {
    // A TLS connection keeps the identity it has: one that cannot authenticate never will, and is
    // closed after this answer (the client may reconnect, at the listener's per-IP accept rate).
    if (connections_ != nullptr && !options_.dev_header_identity) {
      connections_->Expel(context.peer());
    }
    return Refused("unauthenticated call", principal.status());
  }
  if (auto s = Authorize(*rule, *principal); !s.ok()) {
    return Refused(absl::StrCat("call by ", principal->Uri()), s);
  }
  const std::string key = principal->Uri();
  if (connections_ != nullptr) {
    if (auto s = connections_->NoteCall(context.peer(), key); !s.ok()) {
      context.AddTrailingMetadata(kRetryAfterTrailer, "1000");
      return Refused(absl::StrCat("connection of ", key), s);
    }
  }
  absl::Duration retry_after;
  auto slot = limits_.Acquire(key, rule->shape == RpcShape::kStream, retry_after);
  if (!slot.ok()) {
    context.AddTrailingMetadata(
        kRetryAfterTrailer,
        absl::StrCat(absl::ToInt64Milliseconds(absl::Ceil(retry_after, absl::Milliseconds(1)))));
    return Refused(absl::StrCat("call by ", key), slot.status());
  }
  if (wire::IsUndecodable(request)) {
    return Refused(absl::StrCat("request of ", key),
                   absl::InvalidArgumentError(absl::StrCat(
                       "the request is not a valid ", request.GetDescriptor()->full_name(),
                       ": malformed protobuf, or a string field that is not UTF-8")));
  }
  if (const size_t size = request.ByteSizeLong(); size > rule->max_request_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("the request is ", size, " bytes; ",
                                                   core::AbslView(method), " takes at most ",
                                                   rule->max_request_bytes));
  }
  if (auto s = CheckFieldLimits(request); !s.ok()) return s;
  return Admitted{.principal = *std::move(principal),
                  .slot = std::make_shared<CallerLimits::Slot>(*std::move(slot))};
}

void Gatekeeper::Refuse(const absl::Status& refusal, std::function<void(grpc::Status)> finish) {
  const bool cheap_to_repeat = absl::IsUnauthenticated(refusal) ||
                               absl::IsPermissionDenied(refusal) ||
                               absl::IsResourceExhausted(refusal);
  tarpit_.After(cheap_to_repeat ? options_.refusal_delay : absl::ZeroDuration(),
                [finish = std::move(finish), status = ToGrpcStatus(refusal)] { finish(status); });
}

absl::Status Gatekeeper::Refused(std::string_view what, absl::Status status) {
  // Refusals can be driven by anyone who can connect: one warning per 10 s at most, with the
  // number not logged since, so a flood neither floods the log nor hides.
  constexpr int64_t kLogEveryUs = 10'000'000;
  const int64_t now = NowMicros();
  int64_t next = next_log_us_.load(std::memory_order_relaxed);
  if (now >= next && next_log_us_.compare_exchange_strong(next, now + kLogEveryUs)) {
    const int64_t skipped = unlogged_.exchange(0);
    spdlog::warn("refused {}: {} {}{}", what, absl::StatusCodeToString(status.code()),
                 absl::CHexEscape(status.message()),
                 skipped > 0 ? absl::StrCat(" (and ", skipped,
                                            " other refusals since the last "
                                            "such line)")
                             : "");
  } else {
    unlogged_.fetch_add(1, std::memory_order_relaxed);
  }
  return status;
}

}  // namespace npd::service
