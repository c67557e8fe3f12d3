#include "tests/fuzz/support/rpc_cases.h"

#include <grpcpp/impl/grpc_library.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include <set>
#include <string>

#include "daemon/engine/handlers.h"
#include "daemon/engine/refund_handlers.h"
#include "daemon/service/audit_service.h"
#include "daemon/service/authorization.h"
#include "daemon/service/field_limits.h"
#include "daemon/service/refund_validation.h"
#include "daemon/service/validation.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/wire/tolerant_requests.h"
#include "tests/fuzz/support/invariants.h"
#include "tests/fuzz/support/request_runner.h"
#include "tests/fuzz/support/service_reads.h"

namespace npd::fuzz {
namespace {

using google::protobuf::Message;
using service::Principal;

// A mutation as RunMutation in daemon/service/unary.h runs it once validated, then the same
// request again: a retry must be answered from the idempotency record alike, writing nothing.
template <typename Req, typename Resp>
absl::Status Mutate(StoreDriver& driver, const Principal& caller, std::string_view method,
                    const Req& request, typename engine::RequestCommand<Req, Resp>::Handler handler,
                    typename engine::RequestCommand<Req, Resp>::Redactor redactor = nullptr) {
  const std::string name(method);
  Resp first;
  absl::Status status = RunRequest(driver, caller, name, request, handler, redactor, &first);
  if (!status.ok()) return status;
  const uint64_t commits = driver.commits();
  Resp again;
  absl::Status retried = RunRequest(driver, caller, name, request, handler, redactor, &again);
  if (!retried.ok()) {
    Violation(name + ": a retry of a request that succeeded failed: " + retried.ToString());
  }
  if (redactor != nullptr) redactor(first);  // a retry gets the answer as it was kept
  if (!google::protobuf::util::MessageDifferencer::Equals(first, again)) {
    Violation(name + ": a retry was answered differently:\n" + first.DebugString() + "vs\n" +
              again.DebugString());
  }
  if (driver.commits() != commits) Violation(name + ": a retry wrote to the store");
  return status;
}

template <typename Req>
const Req& As(const Message& message) {
  return static_cast<const Req&>(message);
}

ReadContext Reading(StoreDriver& driver, const Principal& caller) {
  return ReadContext{
      .store = driver.store(), .engine = driver.context(), .now = driver.now(), .caller = caller};
}

// A read rpc: Read(read context, request, response).
template <typename Req, typename Resp, absl::Status (*Read)(const ReadContext&, const Req&, Resp&)>
absl::Status RunRead(StoreDriver& driver, const Principal& caller, const Message& request) {
  Resp response;
  return Read(Reading(driver, caller), As<Req>(request), response);
}

// The cases, in input order. Appending is fine; reordering makes the committed corpora mean
// other things.
std::vector<RpcCase> BuildCases() {
  using namespace npd::v1;  // NOLINT(build/namespaces): the request and response types
  return {
      {"/npd.v1.PortingService/IssueAuthCode", &IssueAuthCodeRequest::default_instance(), true,
       [](StoreDriver& d, const Principal& p, const Message& m) {
         const auto& r = As<IssueAuthCodeRequest>(m);
         if (auto s = service::Validate(r); !s.ok()) return s;
         return Mutate<IssueAuthCodeRequest, IssueAuthCodeResponse>(
             d, p, "/npd.v1.PortingService/IssueAuthCode", r, &engine::HandleIssueAuthCode,
             &engine::RedactAuthCode);
       }},
      {"/npd.v1.PortingService/SubmitPort", &SubmitPortRequest::default_instance(), true,
       [](StoreDriver& d, const Principal& p, const Message& m) {
         const auto& r = As<SubmitPortRequest>(m);
         if (auto s = service::Validate(r); !s.ok()) return s;
         return Mutate<SubmitPortRequest, SubmitPortResponse>(
             d, p, "/npd.v1.PortingService/SubmitPort", r, &engine::HandleSubmitPort);
       }},
      {"/npd.v1.PortingService/AnswerPort", &AnswerPortRequest::default_instance(), true,
       [](StoreDriver& d, const Principal& p, const Message& m) {
         const auto& r = As<AnswerPortRequest>(m);
         if (auto s = service::Validate(r); !s.ok()) return s;
         return Mutate<AnswerPortRequest, AnswerPortResponse>(
             d, p, "/npd.v1.PortingService/AnswerPort", r, &engine::HandleAnswerPort);
       }},
      {"/npd.v1.PortingService/CancelPort", &CancelPortRequest::default_instance(), true,
       [](StoreDriver& d, const Principal& p, const Message& m) {
         const auto& r = As<CancelPortRequest>(m);
         if (auto s = service::Validate(r); !s.ok()) return s;
         return Mutate<CancelPortRequest, CancelPortResponse>(
             d, p, "/npd.v1.PortingService/CancelPort", r, &engine::HandleCancelPort);
       }},
      {"/npd.v1.PortingService/ResendRouting", &ResendRoutingRequest::default_instance(), true,
       [](StoreDriver& d, const Principal& p, const Message& m) {
         const auto& r = As<ResendRoutingRequest>(m);
         if (auto s = service::Validate(r); !s.ok()) return s;
         return Mutate<ResendRoutingRequest, ResendRoutingResponse>(
             d, p, "/npd.v1.PortingService/ResendRouting", r, &engine::HandleResendRouting);
       }},
      {"/npd.v1.PortingService/DisconnectNumber", &DisconnectNumberRequest::default_instance(),
       true,
       [](StoreDriver& d, const Principal& p, const Message& m) {
         const auto& r = As<DisconnectNumberRequest>(m);
         if (auto s = service::Validate(r); !s.ok()) return s;
         return Mutate<DisconnectNumberRequest, DisconnectNumberResponse>(
             d, p, "/npd.v1.PortingService/DisconnectNumber", r, &engine::HandleDisconnectNumber);
       }},
      {"/npd.v1.PortingService/GetPort", &GetPortRequest::default_instance(), false,
       &RunRead<GetPortRequest, GetPortResponse, &GetPort>},
      {"/npd.v1.PortingService/ListPorts", &ListPortsRequest::default_instance(), false,
       &RunRead<ListPortsRequest, ListPortsResponse, &ListPorts>},
      {"/npd.v1.NumberService/Lookup", &LookupRequest::default_instance(), false,
       &RunRead<LookupRequest, LookupResponse, &Lookup>},
      {"/npd.v1.NumberService/BatchLookup", &BatchLookupRequest::default_instance(), false,
       &RunRead<BatchLookupRequest, BatchLookupResponse, &BatchLookup>},
      {"/npd.v1.RoutingFeedService/Subscribe", &SubscribeRequest::default_instance(), false,
       [](StoreDriver& d, const Principal& p, const Message& m) {
         std::vector<RoutingChange> changes;
         return Subscribe(Reading(d, p), As<SubscribeRequest>(m), changes);
       }},
      {"/npd.v1.RoutingFeedService/Confirm", &ConfirmRequest::default_instance(), true,
       [](StoreDriver& d, const Principal& p, const Message& m) {
         const auto& r = As<ConfirmRequest>(m);
         if (auto s = service::Validate(r); !s.ok()) return s;
         return Mutate<ConfirmRequest, ConfirmResponse>(d, p, "/npd.v1.RoutingFeedService/Confirm",
                                                        r, &engine::HandleConfirm);
       }},
      {"/npd.v1.RoutingFeedService/ExportSnapshot", &ExportSnapshotRequest::default_instance(),
       false,
       [](StoreDriver& d, const Principal& p, const Message& m) {
         std::vector<RoutingEntry> entries;
         return ExportSnapshot(Reading(d, p), As<ExportSnapshotRequest>(m), entries);
       }},
      {"/npd.v1.AuditService/CompareBlocks", &CompareBlocksRequest::default_instance(), false,
       &RunRead<CompareBlocksRequest, CompareBlocksResponse, &CompareBlocks>},
      {"/npd.v1.AuditService/DiffBlock", &DiffBlockRequest::default_instance(), false,
       &RunRead<DiffBlockRequest, DiffBlockResponse, &DiffBlock>},
      {"/npd.v1.RefundService/GetRefund", &GetRefundRequest::default_instance(), false,
       &RunRead<GetRefundRequest, GetRefundResponse, &GetRefund>},
      {"/npd.v1.RefundService/ListRefunds", &ListRefundsRequest::default_instance(), false,
       &RunRead<ListRefundsRequest, ListRefundsResponse, &ListRefunds>},
      {"/npd.v1.RefundService/ClaimRefund", &ClaimRefundRequest::default_instance(), true,
       [](StoreDriver& d, const Principal& p, const Message& m) {
         const auto& r = As<ClaimRefundRequest>(m);
         if (auto s = service::Validate(r, *d.context().plan); !s.ok()) return s;
         return Mutate<ClaimRefundRequest, ClaimRefundResponse>(
             d, p, "/npd.v1.RefundService/ClaimRefund", r, &engine::HandleClaimRefund);
       }},
      {"/npd.v1.RefundService/ReportFinalBill", &ReportFinalBillRequest::default_instance(), true,
       [](StoreDriver& d, const Principal& p, const Message& m) {
         const auto& r = As<ReportFinalBillRequest>(m);
         if (auto s = service::Validate(r); !s.ok()) return s;
         return Mutate<ReportFinalBillRequest, ReportFinalBillResponse>(
             d, p, "/npd.v1.RefundService/ReportFinalBill", r, &engine::HandleReportFinalBill);
       }},
      {"/npd.v1.RefundService/ReportPayoutResult", &ReportPayoutResultRequest::default_instance(),
       true,
       [](StoreDriver& d, const Principal& p, const Message& m) {
         const auto& r = As<ReportPayoutResultRequest>(m);
         if (auto s = service::Validate(r); !s.ok()) return s;
         return Mutate<ReportPayoutResultRequest, ReportPayoutResultResponse>(
             d, p, "/npd.v1.RefundService/ReportPayoutResult", r,
             &engine::HandleReportPayoutResult);
       }},
      {"/npd.v1.RefundService/RedriveRefund", &RedriveRefundRequest::default_instance(), true,
       [](StoreDriver& d, const Principal& p, const Message& m) {
         const auto& r = As<RedriveRefundRequest>(m);
         if (auto s = service::Validate(r); !s.ok()) return s;
         return Mutate<RedriveRefundRequest, RedriveRefundResponse>(
             d, p, "/npd.v1.RefundService/RedriveRefund", r, &engine::HandleRedriveRefund);
       }},
      {"/npd.v1.OperationsService/ListAttention", &ListAttentionRequest::default_instance(), false,
       &RunRead<ListAttentionRequest, ListAttentionResponse, &ListAttention>},
      {"/npd.v1.OperationsService/CancelStalePort", &CancelStalePortRequest::default_instance(),
       true,
       [](StoreDriver& d, const Principal& p, const Message& m) {
         const auto& r = As<CancelStalePortRequest>(m);
         if (auto s = service::Validate(r); !s.ok()) return s;
         return Mutate<CancelStalePortRequest, CancelStalePortResponse>(
             d, p, "/npd.v1.OperationsService/CancelStalePort", r, &engine::HandleOperatorCancel);
       }},
      {"/npd.v1.HistoryService/GetHistory", &GetHistoryRequest::default_instance(), false,
       &RunRead<GetHistoryRequest, GetHistoryResponse, &GetHistory>},
      {"/npd.v1.ReportService/GetReport", &GetReportRequest::default_instance(), false,
       &RunRead<GetReportRequest, GetReportResponse, &GetReport>},
      // Checkpoint writes a directory on npd's host; the fuzz target stops after admission.
      {"/npd.v1.AdminService/Checkpoint", &CheckpointRequest::default_instance(), false,
       [](StoreDriver&, const Principal&, const Message&) { return absl::OkStatus(); }},
  };
}

}  // namespace

const std::vector<RpcCase>& RpcCases() {
  static const std::vector<RpcCase>* cases = [] {
    auto* built = new std::vector<RpcCase>(BuildCases());
    std::set<std::string_view> ours, matrix;
    for (const RpcCase& c : *built) {
      ours.insert(c.method);
      const service::RpcRule* rule = service::FindRule(c.method);
      if (rule == nullptr) Violation(std::string(c.method) + " is not in the matrix");
      if ((rule->shape == service::RpcShape::kMutation) != c.mutation) {
        Violation(std::string(c.method) + ": the matrix and the fuzz case disagree on its shape");
      }
    }
    for (const service::RpcRule& rule : service::AuthorizationMatrix()) matrix.insert(rule.method);
    if (ours != matrix) {
      Violation(
          "tests/fuzz/support/rpc_cases.cc does not cover every rpc of the authorization "
          "matrix: add a case for the new rpc (at the end)");
    }
    return built;
  }();
  return *cases;
}

std::unique_ptr<Message> DecodeAsGrpc(const RpcCase& rpc, std::string_view bytes) {
  static grpc::internal::GrpcLibraryInitializer initializer;
  initializer.summon();
  std::unique_ptr<Message> message(rpc.prototype->New());
  grpc::Slice slice(bytes.data(), bytes.size());
  grpc::ByteBuffer buffer(&slice, 1);
  grpc::Status status = wire::TolerantDeserialize(&buffer, message.get());
  if (!status.ok()) Violation("TolerantDeserialize failed: it must always deliver the request");
  return message;
}

absl::Status Admit(const FuzzPrincipal& principal, const RpcCase& rpc, const Message& request) {
  if (!principal.known) {
    return absl::UnauthenticatedError("the principal names a carrier not in the number plan");
  }
  const service::RpcRule* rule = service::FindRule(rpc.method);
  if (auto s = service::Authorize(*rule, principal.principal); !s.ok()) return s;
  if (wire::IsUndecodable(request)) return absl::InvalidArgumentError("undecodable request");
  if (request.ByteSizeLong() > rule->max_request_bytes) {
    return absl::InvalidArgumentError("request over the rpc's size");
  }
  return service::CheckFieldLimits(request);
}

}  // namespace npd::fuzz
