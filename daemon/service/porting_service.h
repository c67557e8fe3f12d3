// PortingService over the callback API: mutations go to the engine, reads go to the store.
#ifndef NPD_DAEMON_SERVICE_PORTING_SERVICE_H_
#define NPD_DAEMON_SERVICE_PORTING_SERVICE_H_

#include "daemon/engine/engine.h"
#include "daemon/service/gatekeeper.h"
#include "npd/v1/porting.grpc.pb.h"
#include "storage/store.h"

namespace npd::service {

class PortingService final : public npd::v1::PortingService::CallbackService {
 public:
  // `engine`, `gatekeeper` and `store` must outlive the service.
  PortingService(engine::Engine& engine, Gatekeeper& gatekeeper, storage::Store& store)
      : engine_(engine), gatekeeper_(gatekeeper), store_(store) {}

  grpc::ServerUnaryReactor* IssueAuthCode(grpc::CallbackServerContext* context,
                                          const npd::v1::IssueAuthCodeRequest* request,
                                          npd::v1::IssueAuthCodeResponse* response) override;
  grpc::ServerUnaryReactor* SubmitPort(grpc::CallbackServerContext* context,
                                       const npd::v1::SubmitPortRequest* request,
                                       npd::v1::SubmitPortResponse* response) override;
  grpc::ServerUnaryReactor* AnswerPort(grpc::CallbackServerContext* context,
                                       const npd::v1::AnswerPortRequest* request,
                                       npd::v1::AnswerPortResponse* response) override;
  grpc::ServerUnaryReactor* CancelPort(grpc::CallbackServerContext* context,
                                       const npd::v1::CancelPortRequest* request,
                                       npd::v1::CancelPortResponse* response) override;
  grpc::ServerUnaryReactor* ResendRouting(grpc::CallbackServerContext* context,
                                          const npd::v1::ResendRoutingRequest* request,
                                          npd::v1::ResendRoutingResponse* response) override;
  grpc::ServerUnaryReactor* DisconnectNumber(grpc::CallbackServerContext* context,
                                             const npd::v1::DisconnectNumberRequest* request,
                                             npd::v1::DisconnectNumberResponse* response) override;
  grpc::ServerUnaryReactor* GetPort(grpc::CallbackServerContext* context,
                                    const npd::v1::GetPortRequest* request,
                                    npd::v1::GetPortResponse* response) override;
  grpc::ServerUnaryReactor* ListPorts(grpc::CallbackServerContext* context,
                                      const npd::v1::ListPortsRequest* request,
                                      npd::v1::ListPortsResponse* response) override;

 private:
  engine::Engine& engine_;
  Gatekeeper& gatekeeper_;
  storage::Store& store_;
};

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_PORTING_SERVICE_H_
