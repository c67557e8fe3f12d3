// ReportService (npd/v1/report.proto): per-carrier service-quality figures of a time window,
// folded from the event history by core::ReportBuilder.
//
// A report reads every stored event through one StoreSnapshot: a full scan of the history (there
// is no index by time), so it runs on the service's LongCallWorker, never on a reactor, one report
// at a time. The facts of ports and refund cases the events name are read from the store as it is
// now; report.h uses only facts that no longer change by then. A cancelled call (client gone,
// server shutting down) stops its scan.
#ifndef NPD_DAEMON_SERVICE_REPORT_SERVICE_H_
#define NPD_DAEMON_SERVICE_REPORT_SERVICE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "daemon/core/number_plan.h"
#include "daemon/service/gatekeeper.h"
#include "daemon/service/long_call_worker.h"
#include "npd/v1/report.grpc.pb.h"
#include "storage/store.h"

namespace npd::service {

// Reports waiting for the worker before GetReport is refused with RESOURCE_EXHAUSTED.
inline constexpr size_t kMaxQueuedReports = 4;

// The carriers whose rows `caller` gets for `request`: INVALID_ARGUMENT for an unset or invalid
// window (core::ValidateReportWindow) or a carrier not in the plan; PERMISSION_DENIED when a
// carrier names another carrier. Empty carrier: every carrier for the operator, else the caller.
absl::StatusOr<std::vector<std::string>> ReportCarriers(const npd::v1::GetReportRequest& request,
                                                        const std::string& caller,
                                                        const core::NumberPlan& plan);

class ReportService final : public npd::v1::ReportService::CallbackService {
 public:
  // `plan`, `gatekeeper` and `store` must outlive the service.
  ReportService(const core::NumberPlan& plan, Gatekeeper& gatekeeper, storage::Store& store)
      : plan_(plan), gatekeeper_(gatekeeper), store_(store), worker_(kMaxQueuedReports) {}

  grpc::ServerUnaryReactor* GetReport(grpc::CallbackServerContext* context,
                                      const npd::v1::GetReportRequest* request,
                                      npd::v1::GetReportResponse* response) override;

 private:
  // Scans the history and fills `response`; runs on the worker. CANCELLED when `context` is.
  absl::Status Build(grpc::CallbackServerContext& context, const npd::v1::GetReportRequest& request,
                     const std::vector<std::string>& carriers,
                     npd::v1::GetReportResponse& response);

  const core::NumberPlan& plan_;
  Gatekeeper& gatekeeper_;
  storage::Store& store_;
  LongCallWorker worker_;  // last: joined first, while the members above still exist
};

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_REPORT_SERVICE_H_
