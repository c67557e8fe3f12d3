// npd-carrier-sim's command line: the root command, the global options, the exit codes, and what
// the commands share. main() only calls Run(), so tests can drive the simulator in-process too.
#ifndef NPD_CLIENTS_CARRIER_SIM_APP_H_
#define NPD_CLIENTS_CARRIER_SIM_APP_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "absl/status/status.h"
#include "clients/carrier_sim/local_np_db.h"

namespace CLI {
class App;
}

namespace npd::carrier_sim {

// Exit codes.
inline constexpr int kExitOk = 0;
// An rpc or the database failed, or npd refused the carrier.
inline constexpr int kExitError = 1;
// The command line was wrong; nothing was done.
inline constexpr int kExitUsage = 2;
// `audit` found differences (also when --repair fixed them).
inline constexpr int kExitDifferences = 3;
// `run` stopped because npd no longer keeps the feed after the database's position: run `resync`,
// or `run --auto-resync`.
inline constexpr int kExitNeedsResync = 4;

// The options every command takes, before or after the command name.
struct GlobalOptions {
  // npd's address. Default: 127.0.0.1:50051, or $NPD_SERVER.
  std::string server = "127.0.0.1:50051";
  // The carrier id the simulator plays. Default: $NPD_CARRIER. Required by every command but dump.
  std::string carrier;
  // Directory with ca.pem and <carrier>.pem/.key: the simulator presents the carrier's client
  // certificate. Default: $NPD_TLS_DIR. Unset: plaintext with the x-npd-caller header (an npd in
  // development mode only).
  std::string tls_dir;
  // Path of the local NP database (SQLite; created when missing). Required.
  std::string db;
  // Deadline of each unary rpc, in seconds. Default: 10.
  double timeout_seconds = 10;
  // Log every change applied and every port answered. Default: false.
  bool verbose = false;

  std::chrono::milliseconds timeout() const;
};

// The command chosen while parsing, run after it. Returns the exit code.
using Action = std::function<int()>;

// What a command needs: the options, and helpers to open the database and the channel that print
// their own errors.
class Session {
 public:
  GlobalOptions& options() { return options_; }
  const GlobalOptions& options() const { return options_; }
  // Opens --db; nullptr after printing the error.
  std::unique_ptr<LocalNpDb> OpenDb() const;
  // The channel to npd as the carrier (made by Run before the command runs).
  std::shared_ptr<grpc::Channel> Channel() const { return channel_; }
  // Makes the channel; false after printing the error (an unreadable certificate).
  bool Connect();
  // Prints "npd-carrier-sim: error: <message>" to stderr. Returns kExitError.
  int Fail(const absl::Status& status) const;

 private:
  GlobalOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
};

void AddRunCommand(CLI::App& app, Session& session, Action& action);
void AddResyncCommand(CLI::App& app, Session& session, Action& action);
void AddAuditCommand(CLI::App& app, Session& session, Action& action);
void AddDumpCommand(CLI::App& app, Session& session, Action& action);

// Parses the command line and runs the command. Returns the process exit code.
int Run(int argc, char** argv);

}  // namespace npd::carrier_sim

#endif  // NPD_CLIENTS_CARRIER_SIM_APP_H_
