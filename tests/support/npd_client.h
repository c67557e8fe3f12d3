// Test-side gRPC calls to npd as a given role, with fresh request ids, and the identities the
// scenarios use. Every call goes over a real channel to a real server.
#ifndef NPD_TESTS_SUPPORT_NPD_CLIENT_H_
#define NPD_TESTS_SUPPORT_NPD_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"

#include "npd/v1/feed.grpc.pb.h"
#include "npd/v1/number.grpc.pb.h"
#include "npd/v1/porting.grpc.pb.h"

namespace npd::testing {

// The person every operator call names (x-npd-operator), next to x-npd-caller "operator".
inline constexpr char kTestOperator[] = "test-operator";

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

class NpdClient {
 public:
  explicit NpdClient(const std::string& address);
  // Over a channel the caller made (e.g. with a short reconnect backoff).
  explicit NpdClient(std::shared_ptr<grpc::Channel> channel);

  // Waits until the server answers (health check), at most `seconds`.
  bool WaitReady(int seconds);

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

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<npd::v1::PortingService::Stub> porting_;
  std::unique_ptr<npd::v1::NumberService::Stub> numbers_;
  std::unique_ptr<npd::v1::RoutingFeedService::Stub> feed_;
};

std::string NewRequestId();

}  // namespace npd::testing

#endif  // NPD_TESTS_SUPPORT_NPD_CLIENT_H_
