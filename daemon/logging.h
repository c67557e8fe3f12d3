// Process-wide logging on spdlog: human text or JSON lines on stderr.
#ifndef NPD_DAEMON_LOGGING_H_
#define NPD_DAEMON_LOGGING_H_

#include <string>

#include "absl/status/status.h"

namespace npd {

// `level`: trace|debug|info|warn|error. `format`: "text" or "json" (one object per line with ts,
// level, msg; msg JSON-escaped). Never log personal data: names, ID numbers and codes stay out of
// messages.
absl::Status SetUpLogging(const std::string& level, const std::string& format);

// Sends gRPC core's and protobuf's own log lines through spdlog: errors that any client can cause
// (a failed TLS handshake, a message that does not parse) at most once per 10 s with a count, the
// rest at debug. Call once at start, before gRPC starts.
void RouteLibraryLogs();

}  // namespace npd

#endif  // NPD_DAEMON_LOGGING_H_
