#include "daemon/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace npd {
namespace {

constexpr int kBacklog = 1024;
// After EMFILE and friends: how long accepting pauses (the kernel keeps the backlog meanwhile).
constexpr absl::Duration kPauseOnExhaustion = absl::Milliseconds(100);
// Accept buckets of IPs idle this long are forgotten once many are kept.
constexpr size_t kForgetBucketsAbove = 10000;

std::string ErrnoText(int error) { return std::strerror(error); }

// gRPC's peer string for an address ("ipv4:1.2.3.4:5", "ipv6:[::1]:5"); v4-mapped IPv6 addresses
// are written as IPv4, as gRPC does. `ip` gets the address alone.
std::string PeerString(const sockaddr_storage& addr, std::string& ip) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (addr.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(addr);
    inet_ntop(AF_INET, &in.sin_addr, text, sizeof(text));
    ip = text;
    return absl::StrCat("ipv4:", ip, ":", ntohs(in.sin_port));
  }
  const auto& in6 = reinterpret_cast<const sockaddr_in6&>(addr);
  if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr)) {
    in_addr v4;
    std::memcpy(&v4, &in6.sin6_addr.s6_addr[12], sizeof(v4));
    inet_ntop(AF_INET, &v4, text, sizeof(text));
    ip = text;
    return absl::StrCat("ipv4:", ip, ":", ntohs(in6.sin6_port));
  }
  inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof(text));
  ip = text;
  return absl::StrCat("ipv6:[", ip, "]:", ntohs(in6.sin6_port));
}

struct ParsedAddress {
  std::string host;
  std::string port;
};

absl::StatusOr<ParsedAddress> SplitAddress(const std::string& address) {
  const auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError(absl::StrCat("server.listen '", address, "': ", why,
                                                   " (expected host:port, e.g. 127.0.0.1:50051 "
                                                   "or [::1]:50051)"));
  };
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad("no host:port");
  ParsedAddress parsed{address.substr(0, colon), address.substr(colon + 1)};
  if (parsed.host.front() == '[') {
    if (parsed.host.back() != ']') return bad("an IPv6 address needs [brackets]");
    parsed.host = parsed.host.substr(1, parsed.host.size() - 2);
  } else if (parsed.host.find(':') != std::string::npos) {
    return bad("an IPv6 address needs [brackets]");
  }
  uint32_t port = 0;
  if (parsed.port.empty() || parsed.port.size() > 5 ||
      !std::all_of(parsed.port.begin(), parsed.port.end(),
                   [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }) ||
      !absl::SimpleAtoi(parsed.port, &port) || port > 65535) {
    return bad(absl::StrCat("port '", parsed.port, "' is not a number from 0 to 65535"));
  }
  if (parsed.host.empty()) return bad("the host is empty");
  return parsed;
}

}  // namespace

bool Listener::StillConnected(int fd, const std::string& peer) {
  sockaddr_storage addr{};
  socklen_t length = sizeof(addr);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) return false;
  std::string ip;
  return PeerString(addr, ip) == peer;
}

absl::StatusOr<uint64_t> RaiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return absl::InternalError(absl::StrCat("getrlimit(RLIMIT_NOFILE): ", ErrnoText(errno)));
  }
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      return absl::InternalError(absl::StrCat("setrlimit(RLIMIT_NOFILE): ", ErrnoText(errno)));
    }
  }
  return static_cast<uint64_t>(limit.rlim_cur);
}

absl::StatusOr<std::unique_ptr<Listener>> Listener::Bind(const std::string& address,
                                                         ListenerOptions options,
                                                         service::ConnectionTable& connections) {
  auto parsed = SplitAddress(address);
  if (!parsed.ok()) return parsed.status();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(parsed->host.c_str(), parsed->port.c_str(), &hints, &found); rc != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "server.listen '", address, "': cannot resolve the host: ", ::gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, &::freeaddrinfo);
  const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat("cannot create a socket: ", ErrnoText(errno)));
  }
  // SO_REUSEADDR lets a restarted npd bind while old connections linger in TIME_WAIT; it does not
  // let two listeners share the port (that is SO_REUSEPORT, which npd never sets).
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0 || ::listen(fd, kBacklog) != 0) {
    const int error = errno;
    ::close(fd);
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", address, ": ", ErrnoText(error),
        error == EADDRINUSE ? " (another process, perhaps another npd, uses this address)" : ""));
  }
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  std::string ip;
  const std::string peer = PeerString(bound, ip);
  const std::string port = peer.substr(peer.rfind(':') + 1);
  const std::string actual = parsed->host.find(':') != std::string::npos
                                 ? absl::StrCat("[", parsed->host, "]:", port)
                                 : absl::StrCat(parsed->host, ":", port);
  const int wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake < 0) {
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("eventfd: ", ErrnoText(errno)));
  }
  return std::unique_ptr<Listener>(new Listener(fd, wake, actual, options, connections));
}

Listener::Listener(int fd, int wake_fd, std::string address, ListenerOptions options,
                   service::ConnectionTable& connections)
    : fd_(fd),
      wake_fd_(wake_fd),
      address_(std::move(address)),
      options_(options),
      connections_(connections) {}

Listener::~Listener() {
  Stop();
  ::close(wake_fd_);
}

void Listener::Start(std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> acceptor) {
  acceptor_ = std::move(acceptor);
  thread_ = std::thread([this] { Run(); });
}

void Listener::Stop() {
  if (stopping_.exchange(true)) return;
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof(one));
  if (thread_.joinable()) thread_.join();
  ::close(fd_);
}

void Listener::Run() {
  while (!stopping_.load()) {
    const absl::Time now = absl::Now();
    if (now >= next_sweep_) {
      Sweep();
      next_sweep_ = now + options_.sweep_interval;
    }
    const bool paused = now < paused_until_;
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {fd_, POLLIN, 0}};
    const absl::Time wake_at = paused ? std::min(paused_until_, next_sweep_) : next_sweep_;
    const int timeout_ms =
        static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(wake_at - now)) + 1);
    if (::poll(fds, paused ? 1 : 2, timeout_ms) < 0 && errno != EINTR) {
      spdlog::error("listener: poll: {}", ErrnoText(errno));
      ::usleep(10000);
      continue;
    }
    if (!paused && (fds[1].revents & POLLIN) != 0) AcceptReady();
  }
}

void Listener::AcceptReady() {
  for (int i = 0; i < 256 && !stopping_.load(); ++i) {
    sockaddr_storage addr{};
    socklen_t length = sizeof(addr);
    const int conn =
        ::accept4(fd_, reinterpret_cast<sockaddr*>(&addr), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    const absl::Time now = absl::Now();
    if (conn < 0) {
      const int error = errno;
      if (error == EAGAIN || error == EWOULDBLOCK) return;
      if (error == EINTR || error == ECONNABORTED || error == EPROTO) continue;
      ++accept_errors_;
      // Out of descriptors or memory: pause, and try again. Never stop accepting for good.
      paused_until_ = now + kPauseOnExhaustion;
      if (now >= next_warning_) {
        spdlog::warn(
            "listener: accept failed ({}); pausing {} and trying again "
            "({} connections open)",
            ErrnoText(error), absl::FormatDuration(kPauseOnExhaustion), connections_.size());
        next_warning_ = now + absl::Seconds(10);
      }
      return;
    }
    std::string ip;
    const std::string peer = PeerString(addr, ip);
    if (!TakeAcceptToken(ip, now) || !connections_.Admit(conn, peer, ip, now)) {
      ++refused_;
      ::close(conn);
      continue;
    }
    const int on = 1;
    ::setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    grpc::experimental::ExternalConnectionAcceptor::NewConnectionParameters params;
    params.listener_fd = fd_;
    params.fd = conn;
    acceptor_->HandleNewConnection(&params);  // gRPC owns `conn` from here on
  }
}

bool Listener::TakeAcceptToken(const std::string& ip, absl::Time now) {
  if (accept_buckets_.size() > kForgetBucketsAbove) {
    for (auto it = accept_buckets_.begin(); it != accept_buckets_.end();) {
      it = now - it->second.at > absl::Minutes(1) ? accept_buckets_.erase(it) : std::next(it);
    }
  }
  const double burst = 2 * options_.accepts_per_ip_per_second;
  auto [it, fresh] = accept_buckets_.try_emplace(ip, AcceptBucket{burst, now});
  AcceptBucket& b = it->second;
  if (!fresh) {
    b.tokens = std::min(
        burst, b.tokens + absl::ToDoubleSeconds(now - b.at) * options_.accepts_per_ip_per_second);
    b.at = now;
  }
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

void Listener::Sweep() {
  const std::vector<int> shut =
      connections_.Sweep(&Listener::StillConnected, absl::Now(), options_.excess_grace);
  for (int fd : shut) {
    // gRPC owns the descriptor: shutting the socket down makes gRPC close the connection itself.
    ::shutdown(fd, SHUT_RDWR);
  }
}

}  // namespace npd
