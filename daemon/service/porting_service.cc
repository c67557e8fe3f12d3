#include "daemon/service/porting_service.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "daemon/engine/handlers.h"
#include "daemon/service/status.h"
#include "daemon/service/unary.h"
#include "daemon/service/validation.h"

namespace npd::service {
namespace {

constexpr char kIssueAuthCode[] = "/npd.v1.PortingService/IssueAuthCode";
constexpr char kSubmitPort[] = "/npd.v1.PortingService/SubmitPort";
constexpr char kAnswerPort[] = "/npd.v1.PortingService/AnswerPort";
constexpr char kCancelPort[] = "/npd.v1.PortingService/CancelPort";
constexpr char kResendRouting[] = "/npd.v1.PortingService/ResendRouting";
constexpr char kDisconnectNumber[] = "/npd.v1.PortingService/DisconnectNumber";
constexpr char kGetPort[] = "/npd.v1.PortingService/GetPort";
constexpr char kListPorts[] = "/npd.v1.PortingService/ListPorts";

// The operator sees every port; a carrier (and its self-service backend) those it is party to.
bool MaySee(const Principal& caller, const npd::v1::Port& port) {
  return caller.kind == PrincipalKind::kOperator || caller.Carrier() == port.donor() ||
         caller.Carrier() == port.recipient();
}

}  // namespace

grpc::ServerUnaryReactor* PortingService::IssueAuthCode(
    grpc::CallbackServerContext* context, const npd::v1::IssueAuthCodeRequest* request,
    npd::v1::IssueAuthCodeResponse* response) {
  return RunMutation(
      engine_, gatekeeper_, context, *request, response, kIssueAuthCode,
      [&] { return Validate(*request); }, &engine::HandleIssueAuthCode, &engine::RedactAuthCode);
}

grpc::ServerUnaryReactor* PortingService::SubmitPort(grpc::CallbackServerContext* context,
                                                     const npd::v1::SubmitPortRequest* request,
                                                     npd::v1::SubmitPortResponse* response) {
  return RunMutation(
      engine_, gatekeeper_, context, *request, response, kSubmitPort,
      [&] { return Validate(*request); }, &engine::HandleSubmitPort);
}

grpc::ServerUnaryReactor* PortingService::AnswerPort(grpc::CallbackServerContext* context,
                                                     const npd::v1::AnswerPortRequest* request,
                                                     npd::v1::AnswerPortResponse* response) {
  return RunMutation(
      engine_, gatekeeper_, context, *request, response, kAnswerPort,
      [&] { return Validate(*request); }, &engine::HandleAnswerPort);
}

grpc::ServerUnaryReactor* PortingService::CancelPort(grpc::CallbackServerContext* context,
                                                     const npd::v1::CancelPortRequest* request,
                                                     npd::v1::CancelPortResponse* response) {
  return RunMutation(
      engine_, gatekeeper_, context, *request, response, kCancelPort,
      [&] { return Validate(*request); }, &engine::HandleCancelPort);
}

grpc::ServerUnaryReactor* PortingService::ResendRouting(
    grpc::CallbackServerContext* context, const npd::v1::ResendRoutingRequest* request,
    npd::v1::ResendRoutingResponse* response) {
  return RunMutation(
      engine_, gatekeeper_, context, *request, response, kResendRouting,
      [&] { return Validate(*request); }, &engine::HandleResendRouting);
}

grpc::ServerUnaryReactor* PortingService::DisconnectNumber(
    grpc::CallbackServerContext* context, const npd::v1::DisconnectNumberRequest* request,
    npd::v1::DisconnectNumberResponse* response) {
  return RunMutation(
      engine_, gatekeeper_, context, *request, response, kDisconnectNumber,
      [&] { return Validate(*request); }, &engine::HandleDisconnectNumber);
}

grpc::ServerUnaryReactor* PortingService::GetPort(grpc::CallbackServerContext* context,
                                                  const npd::v1::GetPortRequest* request,
                                                  npd::v1::GetPortResponse* response) {
  return RunRead(gatekeeper_, context, *request, kGetPort, [&](const Principal& caller) {
    if (auto s = ValidatePortId(request->port_id()); !s.ok()) return s;
    auto record = store_.GetPort(request->port_id());
    if (!record.ok()) return record.status();
    if (!record->has_value() || !MaySee(caller, (*record)->port())) {
      // A carrier that is not party to a port learns nothing about it, not even that it exists.
      return absl::NotFoundError(absl::StrCat("no port ", request->port_id()));
    }
    *response->mutable_port() = (*record)->port();
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PortingService::ListPorts(grpc::CallbackServerContext* context,
                                                    const npd::v1::ListPortsRequest* request,
                                                    npd::v1::ListPortsResponse* response) {
  return RunRead(gatekeeper_, context, *request, kListPorts, [&](const Principal& caller) {
    if (auto s = Validate(*request, *engine_.context().plan); !s.ok()) return s;
    storage::PortQuery query;
    query.msisdn = request->msisdn();
    query.carrier = request->carrier();
    query.state = request->state();
    query.after_port_id = request->page_token();
    query.limit = request->page_size() == 0 ? kDefaultPageSize : request->page_size();
    if (caller.kind != PrincipalKind::kOperator) {
      if (!query.carrier.empty() && query.carrier != caller.Carrier()) {
        return absl::PermissionDeniedError("a carrier may list only its own ports");
      }
      query.carrier = caller.Carrier();
    }
    auto page = store_.ListPorts(query);
    if (!page.ok()) return page.status();
    for (const auto& record : page->ports) *response->add_ports() = record.port();
    if (page->more && !page->ports.empty()) {
      response->set_next_page_token(page->ports.back().port().port_id());
    }
    return absl::OkStatus();
  });
}

}  // namespace npd::service
