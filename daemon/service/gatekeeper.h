// Admission of every call npd serves, in one place and one order:
//   1. who is calling: the principal in the URI SAN of the verified TLS client certificate, or in
//      the development mode only, the `x-npd-caller` header (UNAUTHENTICATED otherwise);
//   2. may that kind of principal call this rpc (the authorization matrix, PERMISSION_DENIED);
//   3. the caller's connection, rate, in-flight and stream caps (RESOURCE_EXHAUSTED, with a
//      `retry-after-ms` trailer and the delay in the message);
//   4. is the request decodable, within its rpc's size, and every field within its limit
//      (INVALID_ARGUMENT, nothing written).
// The handler then validates the request's content and scopes the data it touches to the
// principal. Thread-safe; reactors call Admit on gRPC's threads.
#ifndef NPD_DAEMON_SERVICE_GATEKEEPER_H_
#define NPD_DAEMON_SERVICE_GATEKEEPER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
#include "daemon/core/number_plan.h"
#include "daemon/service/authorization.h"
#include "daemon/service/caller_limits.h"
#include "daemon/service/connection_table.h"
#include "daemon/service/principal.h"
#include "daemon/service/tarpit.h"
#include "google/protobuf/message.h"

namespace npd::service {

// The development mode's header: a principal URI, e.g. "spiffe://npd/carrier/cmcc".
inline constexpr char kCallerHeader[] = "x-npd-caller";
// Trailing metadata of a RESOURCE_EXHAUSTED answer: milliseconds after which a retry may succeed.
inline constexpr char kRetryAfterTrailer[] = "retry-after-ms";

struct GatekeeperOptions {
  // security.dev_header_identity: take the caller from the x-npd-caller header instead of a
  // client certificate. Development only: npd refuses it on a non-loopback address. Default: false.
  bool dev_header_identity = false;
  CallerLimitOptions limits;
  // limits.refusal_delay: how long a call refused for its identity, the matrix or a limit waits
  // for its answer (Tarpit). Default: 100ms.
  absl::Duration refusal_delay = absl::Milliseconds(100);
};

class Gatekeeper {
 public:
  // A call let in. Keep `slot` until the call is answered (a stream: until it is done).
  struct Admitted {
    Principal principal;
    std::shared_ptr<CallerLimits::Slot> slot;
  };

  // `plan` and `connections` (may be null: no listener in front) must outlive the gatekeeper.
  Gatekeeper(GatekeeperOptions options, const core::NumberPlan& plan, ConnectionTable* connections);

  // Runs steps 1-4 for a call of `method` ("/npd.v1.PortingService/SubmitPort") with `request`.
  // Adds the retry trailer to `context` when refusing for a limit.
  absl::StatusOr<Admitted> Admit(grpc::CallbackServerContext& context, std::string_view method,
                                 const google::protobuf::Message& request);

  // Step 1 alone.
  absl::StatusOr<Principal> Identify(const grpc::CallbackServerContext& context) const;

  // Answers a call Admit refused: `finish(status)` runs after the refusal delay for the refusals
  // a flooding client could repeat cheaply (UNAUTHENTICATED, PERMISSION_DENIED,
  // RESOURCE_EXHAUSTED), at once for the others. On the tarpit's thread or this one.
  void Refuse(const absl::Status& refusal, std::function<void(grpc::Status)> finish);
  // Answers every held refusal now and later ones at once (shutdown).
  void Drain() { tarpit_.Drain(); }

  const CallerLimits& limits() const { return limits_; }

 private:
  absl::Status Refused(std::string_view what, absl::Status status);

  const GatekeeperOptions options_;
  const core::NumberPlan& plan_;
  ConnectionTable* const connections_;
  CallerLimits limits_;
  Tarpit tarpit_;
  std::atomic<int64_t> next_log_us_{0};
  std::atomic<int64_t> unlogged_{0};
};

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_GATEKEEPER_H_
