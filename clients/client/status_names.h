// Names of gRPC status codes as people read them in errors and logs.
#ifndef NPD_CLIENTS_CLIENT_STATUS_NAMES_H_
#define NPD_CLIENTS_CLIENT_STATUS_NAMES_H_

#include <string>

#include <grpcpp/support/status.h>

namespace npd::client {

// The canonical name of `code` ("PERMISSION_DENIED"); "CODE_<n>" for a number outside the 17 codes.
// Thread-safe.
std::string StatusCodeName(grpc::StatusCode code);

}  // namespace npd::client

#endif  // NPD_CLIENTS_CLIENT_STATUS_NAMES_H_
