#include "daemon/service/status.h"

#include <string>

#include "spdlog/spdlog.h"

namespace npd::service {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kDataLoss) {
    spdlog::error("internal error returned to a client: {}", status.ToString());
    return grpc::Status(code, "internal error in npd; operations has the details in its log");
  }
  return grpc::Status(code, std::string(status.message()));
}

}  // namespace npd::service
