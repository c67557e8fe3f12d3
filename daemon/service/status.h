// The one mapping from npd's internal absl::Status to the gRPC status a client sees.
#ifndef NPD_DAEMON_SERVICE_STATUS_H_
#define NPD_DAEMON_SERVICE_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace npd::service {

// Same code, same message. INTERNAL and DATA_LOSS messages are replaced by a generic text (the
// detail is logged) so storage internals do not leak to carriers.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_STATUS_H_
