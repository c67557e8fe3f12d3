// Test-side gRPC calls to npd as a given role, with fresh request ids, and the identities the
// scenarios use. Every call goes over a real mutual-TLS channel (the role's certificate from the
// shared test PKI, tests/support/test_pki.h) to a real server.
#ifndef NPD_TESTS_SUPPORT_NPD_CLIENT_H_
#define NPD_TESTS_SUPPORT_NPD_CLIENT_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "tests/support/test_pki.h"

#include "npd/v1/feed.grpc.pb.h"
#include "npd/v1/number.grpc.pb.h"
#include "npd/v1/porting.grpc.pb.h"

namespace npd::testing {

// A valid resident identity card holder (the check character of the number is correct).
npd::v1::Identity Holder();
// Another valid person.
npd::v1::Identity OtherPerson();

// Result of a unary call: status plus response.
template <typename Resp>
struct Reply {
  grpc::Status status;
  Resp response;
  bool ok() const { return status.ok(); }
};

// Roles: a carrier id ("cmcc"), "<carrier>-selfservice", "operator" (kTestOperator), "payment",
// "billing-<carrier>" (TestIdentityName).
class NpdClient {
 public:
  // Calls npd at `address`, each role over its own channel, made with `args` (e.g. a short
  // reconnect backoff).
  explicit NpdClient(std::string address, grpc::ChannelArguments args = grpc::ChannelArguments());

  // Waits until the server answers (health check, as `as`), at most `seconds`.
  bool WaitReady(int seconds, const std::string& as = "operator");

  Reply<npd::v1::IssueAuthCodeResponse> IssueCode(const std::string& as, const std::string& msisdn,
                                                  const npd::v1::Identity& holder,
                                                  const std::string& request_id = "");
  Reply<npd::v1::SubmitPortResponse> Submit(const std::string& as, const std::string& msisdn,
                                            const std::string& code,
                                            const npd::v1::Identity& applicant,
                                            const std::string& local_network,
                                            const std::string& request_id = "");
  Reply<npd::v1::SubmitPortResponse> Submit(const std::string& as,
                                            npd::v1::SubmitPortRequest request);
  Reply<npd::v1::AnswerPortResponse> Approve(const std::string& as, const std::string& port_id,
                                             const std::string& request_id = "");
  Reply<npd::v1::AnswerPortResponse> Reject(const std::string& as, const std::string& port_id,
                                            std::vector<npd::v1::ReasonCode> reasons,
                                            const std::string& note = "");
  Reply<npd::v1::CancelPortResponse> Cancel(const std::string& as, const std::string& port_id,
                                            const std::string& request_id = "");
  Reply<npd::v1::ResendRoutingResponse> Resend(const std::string& as, const std::string& port_id,
                                               const std::string& request_id = "",
                                               const std::string& reason = "carrier back online");
  // effective_at unset when `effective_at` is absl::InfinitePast().
  Reply<npd::v1::DisconnectNumberResponse> Disconnect(const std::string& as,
                                                      const std::string& msisdn,
                                                      absl::Time effective_at,
                                                      const std::string& request_id = "");
  Reply<npd::v1::GetPortResponse> GetPort(const std::string& as, const std::string& port_id);
  Reply<npd::v1::ListPortsResponse> ListPorts(const std::string& as,
                                              npd::v1::ListPortsRequest request);
  Reply<npd::v1::LookupResponse> Lookup(const std::string& as, const std::string& msisdn);
  Reply<npd::v1::ConfirmResponse> Confirm(const std::string& as, uint64_t sequence,
                                          const std::string& request_id = "");

  // Reads the feed from `from` until `count` changes arrived or `seconds` passed.
  std::vector<npd::v1::RoutingChange> ReadFeed(const std::string& as, uint64_t from, size_t count,
                                               int seconds);

  // Polls GetPort (as operator) until the port is in `state`, at most `seconds`.
  bool WaitForState(const std::string& port_id, npd::v1::PortState state, int seconds);

  // Issues a code as the donor, submits as the recipient; returns the port (PENDING_DONOR
  // expected).
  npd::v1::Port StartPort(const std::string& donor, const std::string& recipient,
                          const std::string& msisdn, const std::string& local_network);

  // The channel of `role`, made on first use.
  std::shared_ptr<grpc::Channel> channel(const std::string& role);
  const std::string& address() const { return address_; }

 private:
  struct Stubs {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<npd::v1::PortingService::Stub> porting;
    std::unique_ptr<npd::v1::NumberService::Stub> numbers;
    std::unique_ptr<npd::v1::RoutingFeedService::Stub> feed;
  };
  Stubs& For(const std::string& role);

  const std::string address_;
  const grpc::ChannelArguments args_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Stubs>> stubs_;  // guarded by mu_
};

std::string NewRequestId();

// Channel arguments that retry connecting every 100-500 ms (gRPC's default backoff grows to
// minutes), with a subchannel of their own, so that a client sees npd again right after it
// restarts on the same address.
grpc::ChannelArguments FastReconnectArgs();

}  // namespace npd::testing

#endif  // NPD_TESTS_SUPPORT_NPD_CLIENT_H_
