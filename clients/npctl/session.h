// What every npctl command shares: the global options, the channel to npd, per-call settings, the
// idempotency key of the invocation, and how results and errors are printed.
#ifndef NPD_CLIENTS_NPCTL_SESSION_H_
#define NPD_CLIENTS_NPCTL_SESSION_H_

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include <google/protobuf/message.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

namespace npd::npctl {

// Exit codes. A refusal by rule (reason codes) is a normal answer and exits kExitOk.
inline constexpr int kExitOk = 0;
// The call failed: an rpc error, npd unreachable, or a lookup of a batch that named a bad number.
inline constexpr int kExitRpcError = 1;
// The command line was wrong; nothing was sent.
inline constexpr int kExitUsage = 2;
// `npctl audit` found differences between the carrier's data and npd's.
inline constexpr int kExitDifferences = 3;

// The options every command takes, before or after the command name.
struct GlobalOptions {
  // npd's address. Default: 127.0.0.1:50051, or $NPD_SERVER.
  std::string server = "127.0.0.1:50051";
  // Who the calls are made as: a carrier id, "<carrier>-selfservice", "operator", "payment",
  // "billing-<carrier>". Default: $NPD_AS. Required.
  std::string role;
  // With role "operator": the person acting, i.e. which operator certificate is presented
  // (operator-<person>.pem). Default: $NPD_OPERATOR, else $USER.
  std::string operator_name;
  // Directory with ca.pem and the client certificates (<name>.pem, <name>.key), e.g. the one
  // scripts/dev-pki makes. Default: $NPD_TLS_DIR. Unset: plaintext with the x-npd-caller header,
  // which only an npd in development mode accepts.
  std::string tls_dir;
  // Print responses as protobuf JSON, one document per line. Default: false.
  bool json = false;
  // Idempotency key for a mutating command. Default: a fresh random id, echoed to stderr.
  std::string request_id;
  // Deadline of each rpc, and of connecting, in seconds. Default: 10.
  double timeout_seconds = 10;
};

// A mistake on the command line found after parsing (a bad reason code, a missing choice). Run()
// prints it and exits kExitUsage; nothing has been sent when it is thrown.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One npctl invocation's connection and output. Not thread-safe, except Prepare(), role() and the
// channel, which the feed watcher uses from its control thread.
class Session {
 public:
  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The options, bound to the command line by Run() and read once parsing is done.
  GlobalOptions& options() { return options_; }
  const std::string& role() const { return options_.role; }
  // Offline commands (replay) send nothing to npd and need no role.
  void SetOffline() { offline_ = true; }
  bool offline() const { return offline_; }
  bool json() const { return options_.json; }
  std::chrono::milliseconds timeout() const;

  // The channel to npd as the chosen identity, created on first use. Throws UsageError when the
  // identity's certificate files cannot be read.
  std::shared_ptr<grpc::Channel> channel();

  // Connects to npd within the timeout. UNAVAILABLE when it cannot (refused, unreachable, no
  // answer in time). Cheap once connected.
  grpc::Status Connect();

  // Sets the per-rpc deadline on `context` (the identity belongs to the channel). Thread-safe.
  void Prepare(grpc::ClientContext& context) const;

  // Connects, then runs one unary call on a prepared context. Returns the call's status.
  grpc::Status Unary(const std::function<grpc::Status(grpc::ClientContext*)>& call);

  // The idempotency key of this invocation's mutation: --request-id, or a random id generated once
  // and printed to stderr as "request-id: <id>" so that the user can retry with it.
  const std::string& RequestId();

  // Prints `message` as one JSON line with --json, otherwise `human()` (a newline is added when
  // missing). stdout is flushed.
  void Print(const google::protobuf::Message& message, const std::function<std::string()>& human);

  // Prints "error: <CODE_NAME>: <message>" to stderr. Returns kExitRpcError.
  int Fail(const grpc::Status& status) const;

 private:
  GlobalOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  bool connected_ = false;
  std::string generated_request_id_;
  bool offline_ = false;
};

}  // namespace npd::npctl

#endif  // NPD_CLIENTS_NPCTL_SESSION_H_
