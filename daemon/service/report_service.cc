#include "daemon/service/report_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/core/port_machine.h"
#include "daemon/core/report.h"
#include "daemon/core/time_convert.h"
#include "daemon/service/status.h"
#include "daemon/service/validation.h"

namespace npd::service {

absl::StatusOr<std::vector<std::string>> ReportCarriers(const npd::v1::GetReportRequest& request,
                                                        const std::string& caller,
                                                        const core::NumberPlan& plan) {
  if (!request.has_from() || !request.has_to()) {
    return absl::InvalidArgumentError("from and to are required");
  }
  if (auto s = ValidateTimestamp("from", request.from()); !s.ok()) return s;
  if (auto s = ValidateTimestamp("to", request.to()); !s.ok()) return s;
  if (auto s = core::ValidateReportWindow(core::FromProto(request.from()),
                                          core::FromProto(request.to()));
      !s.ok()) {
    return s;
  }
  const std::string& carrier = request.carrier();
  if (!carrier.empty() && !plan.IsCarrier(carrier)) {
    return absl::InvalidArgumentError(absl::StrCat("carrier: unknown carrier '", carrier, "'"));
  }
  if (caller == core::kOperatorActor) {
    if (carrier.empty()) return plan.CarrierIds();
    return std::vector<std::string>{carrier};
  }
  if (!carrier.empty() && carrier != caller) {
    return absl::PermissionDeniedError("a carrier may ask only for its own report");
  }
  return std::vector<std::string>{caller};
}

grpc::ServerUnaryReactor* ReportService::GetReport(grpc::CallbackServerContext* context,
                                                   const npd::v1::GetReportRequest* request,
                                                   npd::v1::GetReportResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto admitted = gatekeeper_.Admit(*context, "/npd.v1.ReportService/GetReport", *request);
  if (!admitted.ok()) {
    gatekeeper_.Refuse(admitted.status(), [reactor](grpc::Status s) { reactor->Finish(s); });
    return reactor;
  }
  auto carriers = ReportCarriers(*request, admitted->principal.Actor(), plan_);
  if (!carriers.ok()) {
    reactor->Finish(ToGrpcStatus(carriers.status()));
    return reactor;
  }
  FinishOnWorker(
      worker_, reactor,
      [this, context, request, response, carriers = *std::move(carriers),
       slot = std::move(admitted->slot)] { return Build(*context, *request, carriers, *response); },
      absl::StrCat(kMaxQueuedReports, " reports"));
  return reactor;
}

absl::Status ReportService::Build(grpc::CallbackServerContext& context,
                                  const npd::v1::GetReportRequest& request,
                                  const std::vector<std::string>& carriers,
                                  npd::v1::GetReportResponse& response) {
  if (context.IsCancelled()) return absl::CancelledError("the report was cancelled");
  core::ReportLookups lookups{
      .port = [this](const std::string& port_id) -> absl::StatusOr<core::ReportPortFacts> {
        auto record = store_.GetPort(port_id);
        if (!record.ok()) return record.status();
        if (!record->has_value()) {
          return absl::InternalError(
              absl::StrCat("an event names port ", port_id, ", which is not stored"));
        }
        return core::ReportFactsOf((*record)->port());
      },
      .refund = [this](const std::string& refund_id) -> absl::StatusOr<core::ReportRefundFacts> {
        auto record = store_.GetRefund(refund_id);
        if (!record.ok()) return record.status();
        if (!record->has_value()) {
          return absl::InternalError(
              absl::StrCat("an event names refund case ", refund_id, ", which is not stored"));
        }
        return core::ReportFactsOf((*record)->refund());
      }};
  core::ReportBuilder builder(core::FromProto(request.from()), core::FromProto(request.to()),
                              carriers, std::move(lookups));
  auto snapshot = store_.Snapshot();
  if (!snapshot.ok()) return snapshot.status();
  // The scan checks for cancellation every so many events: IsCancelled is cheap but not free.
  constexpr uint64_t kCancelCheckEvery = 4096;
  uint64_t seen = 0;
  absl::Status scanned =
      (*snapshot)->ScanEvents([&](const npd::store::v1::EventRecord& event) -> absl::Status {
        if (++seen % kCancelCheckEvery == 0 && context.IsCancelled()) {
          return absl::CancelledError("the report was cancelled");
        }
        return builder.Add(event);
      });
  if (!scanned.ok()) return scanned;
  *response.mutable_report() =
      std::move(builder).Finish((*snapshot)->counters().last_event_sequence());
  return absl::OkStatus();
}

}  // namespace npd::service
