// The daemon's lifetime: start NpdServer (its phases are in server.h), serve until SIGTERM or
// SIGINT (boost::asio::signal_set, never a raw handler), then stop it in reverse.
#ifndef NPD_DAEMON_APPLICATION_H_
#define NPD_DAEMON_APPLICATION_H_

#include "absl/status/status.h"
#include "daemon/config.h"

namespace npd {

// Runs npd until SIGTERM or SIGINT. Returns an error when start-up fails (after undoing what
// started).
absl::Status RunDaemon(const Config& config);

}  // namespace npd

#endif  // NPD_DAEMON_APPLICATION_H_
