// AuditService (npd/v1/audit.proto): compares a carrier's routing data with npd's by 7-digit block
// summaries, then entry by entry for the blocks that differ. Carriers and the operator.
//
// Each call reads through one StoreSnapshot, so the feed_sequence it reports and the entries agree.
// The scan runs on the reactor thread, bounded by the request: CompareBlocks reads every number
// record under scope_prefix, DiffBlock those of one block.
#ifndef NPD_DAEMON_SERVICE_AUDIT_SERVICE_H_
#define NPD_DAEMON_SERVICE_AUDIT_SERVICE_H_

#include "absl/status/status.h"
#include "daemon/core/number_plan.h"
#include "daemon/service/gatekeeper.h"
#include "npd/v1/audit.grpc.pb.h"
#include "storage/store.h"

namespace npd::service {

inline constexpr int kMaxAuditBlocks = 100000;
inline constexpr int kMaxDiffEntries = 10000;

// Shape checks (INVALID_ARGUMENT naming the field); nothing needs stored state.
absl::Status Validate(const npd::v1::CompareBlocksRequest& request);
absl::Status Validate(const npd::v1::DiffBlockRequest& request);

// The two reads once the call is admitted (validation included), on a snapshot of `store`. Also
// called by the fuzz targets (tests/fuzz), so that they run the service's own code.
absl::Status CompareBlocks(storage::Store& store, const core::NumberPlan& plan,
                           const npd::v1::CompareBlocksRequest& request,
                           npd::v1::CompareBlocksResponse& response);
absl::Status DiffBlock(storage::Store& store, const core::NumberPlan& plan,
                       const npd::v1::DiffBlockRequest& request,
                       npd::v1::DiffBlockResponse& response);

class AuditService final : public npd::v1::AuditService::CallbackService {
 public:
  // `plan`, `gatekeeper` and `store` must outlive the service.
  AuditService(const core::NumberPlan& plan, Gatekeeper& gatekeeper, storage::Store& store)
      : plan_(plan), gatekeeper_(gatekeeper), store_(store) {}

  grpc::ServerUnaryReactor* CompareBlocks(grpc::CallbackServerContext* context,
                                          const npd::v1::CompareBlocksRequest* request,
                                          npd::v1::CompareBlocksResponse* response) override;
  grpc::ServerUnaryReactor* DiffBlock(grpc::CallbackServerContext* context,
                                      const npd::v1::DiffBlockRequest* request,
                                      npd::v1::DiffBlockResponse* response) override;

 private:
  const core::NumberPlan& plan_;
  Gatekeeper& gatekeeper_;
  storage::Store& store_;
};

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_AUDIT_SERVICE_H_
