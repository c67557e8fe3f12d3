// The connections npd accepted (daemon/listener.h adds them), by the peer address gRPC reports
// for their calls ("ipv4:127.0.0.1:51234", "ipv6:[::1]:51234"). It caps connections in total, per
// client IP and per principal:
//   - the listener asks Admit before handing a new connection to gRPC (total and per-IP caps);
//   - the admission of a call binds the connection to its principal (NoteCall) and refuses calls
//     on connections beyond the principal's cap, which the listener then shuts down;
//   - Sweep forgets connections gRPC closed and returns those to shut down.
// Thread-safe.
#ifndef NPD_DAEMON_SERVICE_CONNECTION_TABLE_H_
#define NPD_DAEMON_SERVICE_CONNECTION_TABLE_H_

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace npd::service {

struct ConnectionLimitOptions {
  // server.max_connections: connections open at once, from everyone. Default: 4096.
  int max_connections = 4096;
  // server.max_connections_per_ip: connections open at once from one client address. Default: 512.
  int max_connections_per_ip = 512;
  // limits.max_connections: connections one principal uses at once. Default: 16.
  int max_connections_per_principal = 16;
};

class ConnectionTable {
 public:
  // Whether the socket `fd` still is the connection from `peer` (gRPC may have closed it).
  using Liveness = std::function<bool(int fd, const std::string& peer)>;

  // `alive` is asked before a principal at its cap is refused another connection, so that
  // connections closed since the last sweep do not count. Default: every connection is alive.
  explicit ConnectionTable(ConnectionLimitOptions options, Liveness alive = nullptr)
      : options_(options), alive_(std::move(alive)) {}

  // A connection was accepted on `fd` from `ip` (the address alone) with gRPC's peer string
  // `peer`. False (and nothing recorded) when the total or the per-IP cap is reached: the caller
  // closes it.
  bool Admit(int fd, const std::string& peer, const std::string& ip, absl::Time now);

  // A call from `peer` was authenticated as `principal`. RESOURCE_EXHAUSTED when the connection
  // is one more than the principal may use (it is then shut down by the next sweep). OK for a peer
  // npd did not accept itself (no listener in front, e.g. unit tests).
  absl::Status NoteCall(const std::string& peer, const std::string& principal);

  // The connection of `peer` can never be served (it has no acceptable identity): it is shut down
  // by the sweep after its grace, like one beyond its principal's cap.
  void Expel(const std::string& peer);

  // Forgets connections whose socket is gone (`alive(fd, peer)` false) and returns the fds of
  // connections to shut down: over a principal's cap for at least `grace`.
  std::vector<int> Sweep(const Liveness& alive, absl::Time now, absl::Duration grace);

  size_t size() const;
  size_t ForIp(const std::string& ip) const;
  size_t ForPrincipal(const std::string& principal) const;

 private:
  struct Connection {
    int fd = -1;
    std::string ip;
    std::string principal;                             // empty until the first authenticated call
    absl::Time excess_since = absl::InfiniteFuture();  // set when over the principal's cap
  };
  void ForgetLocked(std::map<std::string, Connection>::iterator it);

  const ConnectionLimitOptions options_;
  const Liveness alive_;
  mutable std::mutex mu_;
  std::map<std::string, Connection> by_peer_;                   // guarded by mu_
  std::map<std::string, size_t> per_ip_;                        // guarded by mu_
  std::map<std::string, std::set<std::string>> per_principal_;  // guarded by mu_: peers
};

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_CONNECTION_TABLE_H_
