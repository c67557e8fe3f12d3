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

}  // namespace npd

#endif  // NPD_DAEMON_LOGGING_H_
