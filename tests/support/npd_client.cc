#include "tests/support/npd_client.h"

#include <chrono>
#include <random>
#include <thread>

#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace npd::testing {
namespace {

constexpr auto kCallTimeout = std::chrono::seconds(10);

template <typename Req, typename Resp, typename Stub, typename Method>
Reply<Resp> Call(Stub& stub, Method method, const Req& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
  Reply<Resp> reply;
  reply.status = (stub.*method)(&context, request, &reply.response);
  return reply;
}

std::string IdOrNew(const std::string& id) { return id.empty() ? NewRequestId() : id; }

}  // namespace

grpc::ChannelArguments FastReconnectArgs() {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return args;
}

std::string NewRequestId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return absl::StrCat("t-", rng());
}

npd::v1::Identity Holder() {
  npd::v1::Identity id;
  id.set_id_type(npd::v1::ID_TYPE_RESIDENT);
  id.set_id_number("11010519491231002X");
  id.set_name("张三");
  return id;
}

npd::v1::Identity OtherPerson() {
  npd::v1::Identity id;
  id.set_id_type(npd::v1::ID_TYPE_RESIDENT);
  id.set_id_number("440304199001011233");
  id.set_name("李四");
  return id;
}

NpdClient::NpdClient(std::string address, grpc::ChannelArguments args)
    : address_(std::move(address)), args_(std::move(args)) {}

NpdClient::Stubs& NpdClient::For(const std::string& role) {
  std::lock_guard lock(mu_);
  auto& stubs = stubs_[role];
  if (stubs == nullptr) {
    stubs = std::make_unique<Stubs>();
    stubs->channel = NewTestChannel(address_, role, args_);
    stubs->porting = npd::v1::PortingService::NewStub(stubs->channel);
    stubs->numbers = npd::v1::NumberService::NewStub(stubs->channel);
    stubs->feed = npd::v1::RoutingFeedService::NewStub(stubs->channel);
  }
  return *stubs;
}

std::shared_ptr<grpc::Channel> NpdClient::channel(const std::string& role) {
  return For(role).channel;
}

bool NpdClient::WaitReady(int seconds, const std::string& as) {
  auto health = grpc::health::v1::Health::NewStub(channel(as));
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < until) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    if (health->Check(&context, request, &response).ok() &&
        response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

Reply<npd::v1::IssueAuthCodeResponse> NpdClient::IssueCode(const std::string& as,
                                                           const std::string& msisdn,
                                                           const npd::v1::Identity& holder,
                                                           const std::string& request_id) {
  npd::v1::IssueAuthCodeRequest request;
  request.set_request_id(IdOrNew(request_id));
  request.set_msisdn(msisdn);
  *request.mutable_holder() = holder;
  return Call<npd::v1::IssueAuthCodeRequest, npd::v1::IssueAuthCodeResponse>(
      *For(as).porting, &npd::v1::PortingService::Stub::IssueAuthCode, request);
}

Reply<npd::v1::SubmitPortResponse> NpdClient::Submit(const std::string& as,
                                                     const std::string& msisdn,
                                                     const std::string& code,
                                                     const npd::v1::Identity& applicant,
                                                     const std::string& local_network,
                                                     const std::string& request_id) {
  npd::v1::SubmitPortRequest request;
  request.set_request_id(IdOrNew(request_id));
  request.set_msisdn(msisdn);
  request.set_auth_code(code);
  *request.mutable_applicant() = applicant;
  request.set_local_network(local_network);
  request.set_channel(npd::v1::CHANNEL_ONLINE);
  return Submit(as, std::move(request));
}

Reply<npd::v1::SubmitPortResponse> NpdClient::Submit(const std::string& as,
                                                     npd::v1::SubmitPortRequest request) {
  return Call<npd::v1::SubmitPortRequest, npd::v1::SubmitPortResponse>(
      *For(as).porting, &npd::v1::PortingService::Stub::SubmitPort, request);
}

Reply<npd::v1::AnswerPortResponse> NpdClient::Approve(const std::string& as,
                                                      const std::string& port_id,
                                                      const std::string& request_id) {
  npd::v1::AnswerPortRequest request;
  request.set_request_id(IdOrNew(request_id));
  request.set_port_id(port_id);
  request.set_approve(true);
  return Call<npd::v1::AnswerPortRequest, npd::v1::AnswerPortResponse>(
      *For(as).porting, &npd::v1::PortingService::Stub::AnswerPort, request);
}

Reply<npd::v1::AnswerPortResponse> NpdClient::Reject(const std::string& as,
                                                     const std::string& port_id,
                                                     std::vector<npd::v1::ReasonCode> reasons,
                                                     const std::string& note) {
  npd::v1::AnswerPortRequest request;
  request.set_request_id(NewRequestId());
  request.set_port_id(port_id);
  request.set_approve(false);
  for (auto r : reasons) request.add_reasons(r);
  request.set_note(note);
  return Call<npd::v1::AnswerPortRequest, npd::v1::AnswerPortResponse>(
      *For(as).porting, &npd::v1::PortingService::Stub::AnswerPort, request);
}

Reply<npd::v1::CancelPortResponse> NpdClient::Cancel(const std::string& as,
                                                     const std::string& port_id,
                                                     const std::string& request_id) {
  npd::v1::CancelPortRequest request;
  request.set_request_id(IdOrNew(request_id));
  request.set_port_id(port_id);
  request.set_reason("subscriber changed their mind");
  return Call<npd::v1::CancelPortRequest, npd::v1::CancelPortResponse>(
      *For(as).porting, &npd::v1::PortingService::Stub::CancelPort, request);
}

Reply<npd::v1::GetPortResponse> NpdClient::GetPort(const std::string& as,
                                                   const std::string& port_id) {
  npd::v1::GetPortRequest request;
  request.set_port_id(port_id);
  return Call<npd::v1::GetPortRequest, npd::v1::GetPortResponse>(
      *For(as).porting, &npd::v1::PortingService::Stub::GetPort, request);
}

Reply<npd::v1::ListPortsResponse> NpdClient::ListPorts(const std::string& as,
                                                       npd::v1::ListPortsRequest request) {
  return Call<npd::v1::ListPortsRequest, npd::v1::ListPortsResponse>(
      *For(as).porting, &npd::v1::PortingService::Stub::ListPorts, request);
}

Reply<npd::v1::LookupResponse> NpdClient::Lookup(const std::string& as, const std::string& msisdn) {
  npd::v1::LookupRequest request;
  request.set_msisdn(msisdn);
  return Call<npd::v1::LookupRequest, npd::v1::LookupResponse>(
      *For(as).numbers, &npd::v1::NumberService::Stub::Lookup, request);
}

Reply<npd::v1::ResendRoutingResponse> NpdClient::Resend(const std::string& as,
                                                        const std::string& port_id,
                                                        const std::string& request_id,
                                                        const std::string& reason) {
  npd::v1::ResendRoutingRequest request;
  request.set_request_id(IdOrNew(request_id));
  request.set_port_id(port_id);
  request.set_reason(reason);
  return Call<npd::v1::ResendRoutingRequest, npd::v1::ResendRoutingResponse>(
      *For(as).porting, &npd::v1::PortingService::Stub::ResendRouting, request);
}

Reply<npd::v1::DisconnectNumberResponse> NpdClient::Disconnect(const std::string& as,
                                                               const std::string& msisdn,
                                                               absl::Time effective_at,
                                                               const std::string& request_id) {
  npd::v1::DisconnectNumberRequest request;
  request.set_request_id(IdOrNew(request_id));
  request.set_msisdn(msisdn);
  if (effective_at != absl::InfinitePast()) {
    const int64_t micros = absl::ToUnixMicros(effective_at);
    request.mutable_effective_at()->set_seconds(micros / 1000000);
    request.mutable_effective_at()->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  }
  return Call<npd::v1::DisconnectNumberRequest, npd::v1::DisconnectNumberResponse>(
      *For(as).porting, &npd::v1::PortingService::Stub::DisconnectNumber, request);
}

Reply<npd::v1::ConfirmResponse> NpdClient::Confirm(const std::string& as, uint64_t sequence,
                                                   const std::string& request_id) {
  npd::v1::ConfirmRequest request;
  request.set_request_id(IdOrNew(request_id));
  request.set_sequence(sequence);
  return Call<npd::v1::ConfirmRequest, npd::v1::ConfirmResponse>(
      *For(as).feed, &npd::v1::RoutingFeedService::Stub::Confirm, request);
}

std::vector<npd::v1::RoutingChange> NpdClient::ReadFeed(const std::string& as, uint64_t from,
                                                        size_t count, int seconds) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  npd::v1::SubscribeRequest request;
  request.set_from_sequence(from);
  auto reader = For(as).feed->Subscribe(&context, request);
  std::vector<npd::v1::RoutingChange> changes;
  npd::v1::SubscribeResponse message;
  while (changes.size() < count && reader->Read(&message)) {
    if (message.has_change()) changes.push_back(message.change());
  }
  context.TryCancel();
  reader->Finish();
  return changes;
}

bool NpdClient::WaitForState(const std::string& port_id, npd::v1::PortState state, int seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < until) {
    auto reply = GetPort("operator", port_id);
    if (reply.ok() && reply.response.port().state() == state) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

npd::v1::Port NpdClient::StartPort(const std::string& donor, const std::string& recipient,
                                   const std::string& msisdn, const std::string& local_network) {
  auto code = IssueCode(donor, msisdn, Holder());
  if (!code.ok() || !code.response.issued()) return {};
  auto submitted = Submit(recipient, msisdn, code.response.code(), Holder(), local_network);
  return submitted.response.port();
}

}  // namespace npd::testing
