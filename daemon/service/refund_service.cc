#include "daemon/service/refund_service.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "daemon/engine/refund_handlers.h"
#include "daemon/service/refund_validation.h"
#include "daemon/service/status.h"
#include "daemon/service/unary.h"
#include "daemon/service/validation.h"

namespace npd::service {
namespace {

constexpr char kClaimRefund[] = "/npd.v1.RefundService/ClaimRefund";
constexpr char kReportFinalBill[] = "/npd.v1.RefundService/ReportFinalBill";
constexpr char kReportPayoutResult[] = "/npd.v1.RefundService/ReportPayoutResult";
constexpr char kRedriveRefund[] = "/npd.v1.RefundService/RedriveRefund";

}  // namespace

grpc::ServerUnaryReactor* RefundService::ClaimRefund(grpc::CallbackServerContext* context,
                                                     const npd::v1::ClaimRefundRequest* request,
                                                     npd::v1::ClaimRefundResponse* response) {
  return RunMutation(
      engine_, gatekeeper_, context, *request, response, kClaimRefund,
      [&] { return Validate(*request, *engine_.context().plan); }, &engine::HandleClaimRefund);
}

grpc::ServerUnaryReactor* RefundService::ReportFinalBill(
    grpc::CallbackServerContext* context, const npd::v1::ReportFinalBillRequest* request,
    npd::v1::ReportFinalBillResponse* response) {
  return RunMutation(
      engine_, gatekeeper_, context, *request, response, kReportFinalBill,
      [&] { return Validate(*request); }, &engine::HandleReportFinalBill);
}

grpc::ServerUnaryReactor* RefundService::ReportPayoutResult(
    grpc::CallbackServerContext* context, const npd::v1::ReportPayoutResultRequest* request,
    npd::v1::ReportPayoutResultResponse* response) {
  return RunMutation(
      engine_, gatekeeper_, context, *request, response, kReportPayoutResult,
      [&] { return Validate(*request); }, &engine::HandleReportPayoutResult);
}

grpc::ServerUnaryReactor* RefundService::RedriveRefund(grpc::CallbackServerContext* context,
                                                       const npd::v1::RedriveRefundRequest* request,
                                                       npd::v1::RedriveRefundResponse* response) {
  return RunMutation(
      engine_, gatekeeper_, context, *request, response, kRedriveRefund,
      [&] { return Validate(*request); }, &engine::HandleRedriveRefund);
}

grpc::ServerUnaryReactor* RefundService::GetRefund(grpc::CallbackServerContext* context,
                                                   const npd::v1::GetRefundRequest* request,
                                                   npd::v1::GetRefundResponse* response) {
  return RunRead(gatekeeper_, context, *request, "/npd.v1.RefundService/GetRefund",
                 [&](const Principal& caller) -> absl::Status {
                   if (auto s = ValidateRefundId(request->refund_id()); !s.ok()) return s;
                   auto record = store_.GetRefund(request->refund_id());
                   if (!record.ok()) return record.status();
                   if (!record->has_value() || (caller.kind != PrincipalKind::kOperator &&
                                                caller.Carrier() != (*record)->refund().donor())) {
                     // Only the refunding carrier and operations see a case; others learn nothing
                     // about it.
                     return absl::NotFoundError(absl::StrCat("no refund ", request->refund_id()));
                   }
                   *response->mutable_refund() = (*record)->refund();
                   return absl::OkStatus();
                 });
}

grpc::ServerUnaryReactor* RefundService::ListRefunds(grpc::CallbackServerContext* context,
                                                     const npd::v1::ListRefundsRequest* request,
                                                     npd::v1::ListRefundsResponse* response) {
  return RunRead(
      gatekeeper_, context, *request, "/npd.v1.RefundService/ListRefunds",
      [&](const Principal& caller) -> absl::Status {
        if (auto s = Validate(*request, *engine_.context().plan); !s.ok()) return s;
        storage::RefundQuery query;
        query.msisdn = request->msisdn();
        query.carrier = request->carrier();
        query.state = request->state();
        query.home_province = request->home_province();
        query.after_refund_id = request->page_token();
        query.limit = request->page_size() == 0 ? kDefaultPageSize : request->page_size();
        if (caller.kind != PrincipalKind::kOperator) {
          if (!query.carrier.empty() && query.carrier != caller.Carrier()) {
            return absl::PermissionDeniedError("a carrier may list only the refunds it owes");
          }
          query.carrier = caller.Carrier();
        }
        auto page = store_.ListRefunds(query);
        if (!page.ok()) return page.status();
        for (const auto& record : page->refunds) *response->add_refunds() = record.refund();
        if (page->more && !page->refunds.empty()) {
          response->set_next_page_token(page->refunds.back().refund().refund_id());
        }
        return absl::OkStatus();
      });
}

}  // namespace npd::service
