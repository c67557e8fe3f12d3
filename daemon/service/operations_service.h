// OperationsService (operations.proto): the operator's worklist, read from the store on the reactor
// thread, and the operator's cancel, which goes through the engine like any mutation. Every rpc is
// PERMISSION_DENIED for a caller other than the operator, before anything else is looked at.
#ifndef NPD_DAEMON_SERVICE_OPERATIONS_SERVICE_H_
#define NPD_DAEMON_SERVICE_OPERATIONS_SERVICE_H_

#include "absl/status/statusor.h"
#include "daemon/engine/clock.h"
#include "daemon/engine/engine.h"
#include "daemon/service/gatekeeper.h"
#include "npd/v1/operations.grpc.pb.h"
#include "storage/store.h"

namespace npd::service {

class OperationsService final : public npd::v1::OperationsService::CallbackService {
 public:
  // `engine`, `gatekeeper`, `store` and `clock` (the engine's) must outlive the service.
  OperationsService(engine::Engine& engine, Gatekeeper& gatekeeper, storage::Store& store,
                    const engine::Clock& clock)
      : engine_(engine), gatekeeper_(gatekeeper), store_(store), clock_(clock) {}

  grpc::ServerUnaryReactor* ListAttention(grpc::CallbackServerContext* context,
                                          const npd::v1::ListAttentionRequest* request,
                                          npd::v1::ListAttentionResponse* response) override;
  grpc::ServerUnaryReactor* CancelStalePort(grpc::CallbackServerContext* context,
                                            const npd::v1::CancelStalePortRequest* request,
                                            npd::v1::CancelStalePortResponse* response) override;

 private:
  engine::Engine& engine_;
  Gatekeeper& gatekeeper_;
  storage::Store& store_;
  const engine::Clock& clock_;
};

// One page of the worklist (the contract of ListAttention in operations.proto): transactions, then
// refund cases, examining at most `scan_budget` stored records. The request must be valid
// (Validate). Errors are the store's.
absl::StatusOr<npd::v1::ListAttentionResponse> ReadAttentionPage(
    storage::Store& store, const npd::v1::ListAttentionRequest& request,
    const core::PortPolicy& policy, absl::Time now, size_t scan_budget);

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_OPERATIONS_SERVICE_H_
