#include "tests/refund_soak/npd_calls.h"

#include "absl/strings/str_cat.h"

namespace npd::refund_soak {
namespace {

constexpr auto kCallTimeout = std::chrono::seconds(10);

void Prepare(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
}

absl::Status ToAbsl(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace

bool NpdWasDown(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

std::string Describe(const grpc::Status& status) {
  return absl::StrCat(status.error_code(), " ", status.error_message());
}

RefundCalls::RefundCalls(const std::string& address) : channels_(address, FastReconnectArgs()) {}

absl::StatusOr<std::vector<npd::v1::Refund>> RefundCalls::ListRefunds(npd::v1::RefundState state) {
  std::vector<npd::v1::Refund> out;
  npd::v1::ListRefundsRequest request;
  request.set_state(state);
  request.set_page_size(1000);
  do {
    grpc::ClientContext context;
    Prepare(context);
    npd::v1::ListRefundsResponse response;
    grpc::Status status = npd::v1::RefundService::NewStub(channels_.channel("operator"))
                              ->ListRefunds(&context, request, &response);
    if (!status.ok()) return ToAbsl(status);
    for (npd::v1::Refund& r : *response.mutable_refunds()) out.push_back(std::move(r));
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return out;
}

absl::StatusOr<std::vector<npd::v1::Port>> RefundCalls::ListPorts(npd::v1::PortState state) {
  std::vector<npd::v1::Port> out;
  npd::v1::ListPortsRequest request;
  request.set_state(state);
  request.set_page_size(1000);
  do {
    grpc::ClientContext context;
    Prepare(context);
    npd::v1::ListPortsResponse response;
    grpc::Status status = npd::v1::PortingService::NewStub(channels_.channel("operator"))
                              ->ListPorts(&context, request, &response);
    if (!status.ok()) return ToAbsl(status);
    for (npd::v1::Port& p : *response.mutable_ports()) out.push_back(std::move(p));
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return out;
}

npd::testing::Reply<npd::v1::ClaimRefundResponse> RefundCalls::Claim(
    const std::string& as, const npd::v1::ClaimRefundRequest& request) {
  grpc::ClientContext context;
  Prepare(context);
  npd::testing::Reply<npd::v1::ClaimRefundResponse> reply;
  reply.status = npd::v1::RefundService::NewStub(channels_.channel(as))
                     ->ClaimRefund(&context, request, &reply.response);
  return reply;
}

}  // namespace npd::refund_soak
