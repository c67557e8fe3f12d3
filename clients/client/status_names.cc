#include "clients/client/status_names.h"

#include <array>

namespace npd::client {

std::string StatusCodeName(grpc::StatusCode code) {
  // Indexed by the code's number, which gRPC fixes for every language.
  static constexpr std::array<const char*, 17> kNames = {
      "OK",
      "CANCELLED",
      "UNKNOWN",
      "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",
      "NOT_FOUND",
      "ALREADY_EXISTS",
      "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION",
      "ABORTED",
      "OUT_OF_RANGE",
      "UNIMPLEMENTED",
      "INTERNAL",
      "UNAVAILABLE",
      "DATA_LOSS",
      "UNAUTHENTICATED",
  };
  const int number = static_cast<int>(code);
  if (number < 0 || number >= static_cast<int>(kNames.size())) {
    return "CODE_" + std::to_string(number);
  }
  return kNames[number];
}

}  // namespace npd::client
