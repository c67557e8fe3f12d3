// A raw TCP connection to a port on 127.0.0.1, for tests that play clients below gRPC (connection
// caps, floods, descriptor exhaustion).
#ifndef NPD_TESTS_SUPPORT_LOOPBACK_SOCKET_H_
#define NPD_TESTS_SUPPORT_LOOPBACK_SOCKET_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

namespace npd::testing {

// A connected socket to 127.0.0.1:`port`, bound first to `source` when given (another loopback
// address plays another host); -1 when it cannot be made (out of descriptors included).
inline int ConnectLoopback(int port, const char* source = nullptr) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  if (source != nullptr) {
    sockaddr_in from{};
    from.sin_family = AF_INET;
    inet_pton(AF_INET, source, &from.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0) {
      ::close(fd);
      return -1;
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace npd::testing

#endif  // NPD_TESTS_SUPPORT_LOOPBACK_SOCKET_H_
