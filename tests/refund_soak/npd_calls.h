// Calls to npd that survive its kills: a channel that reconnects quickly to the run's fixed
// address, a retry loop for "npd is down" answers, and the RefundService / listing calls the soak
// needs (as the operator or a carrier, over real gRPC).
#ifndef NPD_TESTS_REFUND_SOAK_NPD_CALLS_H_
#define NPD_TESTS_REFUND_SOAK_NPD_CALLS_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "npd/v1/porting.grpc.pb.h"
#include "npd/v1/refund.grpc.pb.h"
#include "tests/support/npd_client.h"

namespace npd::refund_soak {

using npd::testing::FastReconnectArgs;

// The codes a client sees while npd is down, restarting or shedding load; anything else is npd's
// answer.
bool NpdWasDown(grpc::StatusCode code);

// "CODE message" of a status, for error lines.
std::string Describe(const grpc::Status& status);

// Runs `attempt` (which must reuse one request_id, so a replay is idempotent) until npd answers
// something other than "down"; counts the repeats in `retries`. nullopt once `stop` is set.
template <typename Attempt>
auto UntilAnswered(const std::atomic<bool>& stop, std::atomic<int64_t>& retries, Attempt attempt)
    -> std::optional<decltype(attempt())> {
  while (!stop) {
    auto reply = attempt();
    if (reply.ok() || !NpdWasDown(reply.status.error_code())) return reply;
    ++retries;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return std::nullopt;
}

// RefundService and port listing, each role over its own mutual-TLS channel (the shared test PKI).
// Thread-safe.
class RefundCalls {
 public:
  explicit RefundCalls(const std::string& address);

  // Every case in `state` (UNSPECIFIED: all), as the operator, following pages of 1000. The status
  // of the first failed page otherwise.
  absl::StatusOr<std::vector<npd::v1::Refund>> ListRefunds(npd::v1::RefundState state);
  // Every port in `state`, as the operator, following pages of 1000.
  absl::StatusOr<std::vector<npd::v1::Port>> ListPorts(npd::v1::PortState state);
  // ClaimRefund as `as` (10 s deadline).
  npd::testing::Reply<npd::v1::ClaimRefundResponse> Claim(
      const std::string& as, const npd::v1::ClaimRefundRequest& request);

 private:
  npd::testing::NpdClient channels_;
};

}  // namespace npd::refund_soak

#endif  // NPD_TESTS_REFUND_SOAK_NPD_CALLS_H_
