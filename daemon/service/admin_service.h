// AdminService (npd/v1/admin.proto): operations on npd itself, for the operator only. Checkpoint
// writes a consistent copy of the running store into a new directory laid out as a data dir
// (`<dir>/db`, and `<dir>/identity.secret` when npd keeps its secret in its data dir), so that
// restoring is starting npd with storage.data_dir pointing at it. The copy runs on the service's
// LongCallWorker (a flush and file links or copies), never on a reactor; commits go on meanwhile.
#ifndef NPD_DAEMON_SERVICE_ADMIN_SERVICE_H_
#define NPD_DAEMON_SERVICE_ADMIN_SERVICE_H_

#include <string>

#include "absl/status/status.h"
#include "daemon/core/number_plan.h"
#include "daemon/service/gatekeeper.h"
#include "daemon/service/long_call_worker.h"
#include "npd/v1/admin.grpc.pb.h"
#include "storage/store.h"

namespace npd::service {

// Checkpoints waiting for the worker before Checkpoint is refused with RESOURCE_EXHAUSTED.
inline constexpr size_t kMaxQueuedCheckpoints = 2;

// INVALID_ARGUMENT unless `directory` is a non-empty absolute path.
absl::Status ValidateCheckpointDirectory(const std::string& directory);

class AdminService final : public npd::v1::AdminService::CallbackService {
 public:
  // `identity_secret_file` is the file npd read its identity secret from, copied into every
  // checkpoint; empty when the secret comes from the configuration. `gatekeeper` and `store`
  // must outlive the service.
  AdminService(Gatekeeper& gatekeeper, storage::Store& store, std::string identity_secret_file)
      : gatekeeper_(gatekeeper),
        store_(store),
        identity_secret_file_(std::move(identity_secret_file)),
        worker_(kMaxQueuedCheckpoints) {}

  grpc::ServerUnaryReactor* Checkpoint(grpc::CallbackServerContext* context,
                                       const npd::v1::CheckpointRequest* request,
                                       npd::v1::CheckpointResponse* response) override;

 private:
  // Creates the directory, checkpoints the store into it and copies the secret; on any error
  // removes the directory again. Runs on the worker.
  absl::Status WriteCheckpoint(const std::string& directory, npd::v1::CheckpointResponse& response);

  Gatekeeper& gatekeeper_;
  storage::Store& store_;
  const std::string identity_secret_file_;
  LongCallWorker worker_;  // last: joined first, while the members above still exist
};

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_ADMIN_SERVICE_H_
