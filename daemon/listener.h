// npd's listening socket. npd binds and accepts itself and hands each connection to gRPC (gRPC's
// external connection acceptor, which runs the TLS handshake with npd's server credentials), so
// that:
//   - the address is bound exactly as configured, without SO_REUSEPORT: a second npd on the same
//     address fails to start instead of sharing its connections;
//   - connections are capped in total, per client IP and per principal
//   (service/connection_table.h),
//     and new connections from one IP are rate-limited, all below the open-file limit;
//   - running out of file descriptors pauses accepting for a moment instead of stopping it for good
//     (gRPC 1.51's own accept loop gives up on EMFILE).
// Thread-safe; one accept thread.
#ifndef NPD_DAEMON_LISTENER_H_
#define NPD_DAEMON_LISTENER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include <grpcpp/server_builder.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/service/connection_table.h"

namespace npd {

struct ListenerOptions {
  // server.accepts_per_ip_per_second: new connections one client IP may open per second (burst:
  // twice that). Default: 200.
  double accepts_per_ip_per_second = 200;
  // How often connections gRPC closed are forgotten and connections over a principal's cap shut.
  absl::Duration sweep_interval = absl::Seconds(1);
  // How long a connection over its principal's cap stays open to read its refusal.
  absl::Duration excess_grace = absl::Seconds(1);
};

// Raises the soft open-file limit to the hard limit and returns the soft limit now in force.
absl::StatusOr<uint64_t> RaiseOpenFileLimit();

class Listener {
 public:
  // Binds `address` ("host:port", "[v6]:port"; host an IP literal or "localhost"; port 0-65535,
  // 0 for any free port) and listens. INVALID_ARGUMENT for a malformed address or port;
  // UNAVAILABLE naming the address and the system's reason when it cannot be bound.
  static absl::StatusOr<std::unique_ptr<Listener>> Bind(const std::string& address,
                                                        ListenerOptions options,
                                                        service::ConnectionTable& connections);
  ~Listener();  // Stop()

  // The bound address with the actual port, e.g. "127.0.0.1:50051" or "[::1]:50051".
  const std::string& address() const { return address_; }

  // Starts accepting; each admitted connection goes to `acceptor` (from
  // ServerBuilder::experimental().AddExternalConnectionAcceptor, after the server started).
  void Start(std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> acceptor);
  // Stops accepting and closes the listening socket. Connections already handed over stay with
  // gRPC. Idempotent.
  void Stop();

  // Whether socket `fd` is still the connection from `peer` (gRPC's peer string): gRPC closes the
  // connections it was handed, and the number may since name another file.
  static bool StillConnected(int fd, const std::string& peer);

  // Connections refused at accept (caps, per-IP rate) and accept errors seen (e.g. EMFILE).
  uint64_t refused() const { return refused_.load(); }
  uint64_t accept_errors() const { return accept_errors_.load(); }

 private:
  Listener(int fd, int wake_fd, std::string address, ListenerOptions options,
           service::ConnectionTable& connections);
  void Run();
  void AcceptReady();
  void Sweep();
  bool TakeAcceptToken(const std::string& ip, absl::Time now);

  const int fd_;
  const int wake_fd_;
  const std::string address_;
  const ListenerOptions options_;
  service::ConnectionTable& connections_;
  std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> acceptor_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> refused_{0};
  std::atomic<uint64_t> accept_errors_{0};
  absl::Time paused_until_ = absl::InfinitePast();  // accept thread only
  absl::Time next_sweep_ = absl::InfinitePast();    // accept thread only
  absl::Time next_warning_ = absl::InfinitePast();  // accept thread only
  struct AcceptBucket {
    double tokens = 0;
    absl::Time at;
  };
  std::map<std::string, AcceptBucket> accept_buckets_;  // accept thread only
};

}  // namespace npd

#endif  // NPD_DAEMON_LISTENER_H_
