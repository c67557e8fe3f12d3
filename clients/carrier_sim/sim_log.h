// The simulator's log: one line per event on stderr, "npd-carrier-sim[<carrier>]: <text>". Lines
// from different threads never interleave. Thread-safe.
#ifndef NPD_CLIENTS_CARRIER_SIM_SIM_LOG_H_
#define NPD_CLIENTS_CARRIER_SIM_SIM_LOG_H_

#include <string>
#include <string_view>

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace npd::carrier_sim {

// Names the carrier in every later line. Default: no name.
void SetLogCarrier(std::string_view carrier);
// Whether LogDetail lines are written. Default: false.
void SetLogVerbose(bool verbose);

// An event worth a line at any verbosity: reconnects, re-syncs, errors, the exit summary.
void Log(std::string_view text);
// Per-change and per-answer detail, written only when verbose.
void LogDetail(std::string_view text);

// "UNAVAILABLE: <message>".
std::string StatusText(const grpc::Status& status);
// The gRPC status as an absl::Status with the same code, its message prefixed with `what`.
absl::Status FromGrpc(const grpc::Status& status, std::string_view what);

}  // namespace npd::carrier_sim

#endif  // NPD_CLIENTS_CARRIER_SIM_SIM_LOG_H_
