// RefundService over the callback API: mutations go to the engine (refund_handlers.h), reads go to
// the store. The payment channel authenticates as the reserved role "payment".
#ifndef NPD_DAEMON_SERVICE_REFUND_SERVICE_H_
#define NPD_DAEMON_SERVICE_REFUND_SERVICE_H_

#include "daemon/engine/engine.h"
#include "daemon/service/gatekeeper.h"
#include "npd/v1/refund.grpc.pb.h"
#include "storage/store.h"

namespace npd::service {

class RefundService final : public npd::v1::RefundService::CallbackService {
 public:
  // `engine` and `store` must outlive the service.
  RefundService(engine::Engine& engine, Gatekeeper& gatekeeper, storage::Store& store)
      : engine_(engine), gatekeeper_(gatekeeper), store_(store) {}

  grpc::ServerUnaryReactor* GetRefund(grpc::CallbackServerContext* context,
                                      const npd::v1::GetRefundRequest* request,
                                      npd::v1::GetRefundResponse* response) override;
  grpc::ServerUnaryReactor* ListRefunds(grpc::CallbackServerContext* context,
                                        const npd::v1::ListRefundsRequest* request,
                                        npd::v1::ListRefundsResponse* response) override;
  grpc::ServerUnaryReactor* ClaimRefund(grpc::CallbackServerContext* context,
                                        const npd::v1::ClaimRefundRequest* request,
                                        npd::v1::ClaimRefundResponse* response) override;
  grpc::ServerUnaryReactor* ReportFinalBill(grpc::CallbackServerContext* context,
                                            const npd::v1::ReportFinalBillRequest* request,
                                            npd::v1::ReportFinalBillResponse* response) override;
  grpc::ServerUnaryReactor* ReportPayoutResult(
      grpc::CallbackServerContext* context, const npd::v1::ReportPayoutResultRequest* request,
      npd::v1::ReportPayoutResultResponse* response) override;
  grpc::ServerUnaryReactor* RedriveRefund(grpc::CallbackServerContext* context,
                                          const npd::v1::RedriveRefundRequest* request,
                                          npd::v1::RedriveRefundResponse* response) override;

 private:
  engine::Engine& engine_;
  Gatekeeper& gatekeeper_;
  storage::Store& store_;
};

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_REFUND_SERVICE_H_
