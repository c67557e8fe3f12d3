#include "tests/refund_soak/run_env.h"

#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

namespace npd::refund_soak {

std::string MakeRunDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "npd-refund-soak-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

int PickFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

Watchdog::Watchdog(absl::Time deadline, npd::testing::NpdProcess& npd)
    : thread_([this, deadline, &npd] {
        std::unique_lock lock(mu_);
        if (cv_.wait_until(lock, absl::ToChronoTime(deadline), [this] { return done_; })) return;
        std::fprintf(stderr, "npd-refund-soak: watchdog: the run overran --max-seconds\n");
        if (npd.pid() > 0) kill(npd.pid(), SIGKILL);
        _exit(4);
      }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

}  // namespace npd::refund_soak
