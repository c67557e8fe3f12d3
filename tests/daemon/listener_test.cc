// npd's own listening socket: exact binding, the caps at accept, and what gRPC 1.51's accept loop
// lacks: out of file descriptors, npd pauses and then accepts again, never stopping for good.
#include "daemon/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "tests/support/loopback_socket.h"

namespace npd {
namespace {

using ::testing::HasSubstr;

// Stands in for gRPC: keeps (or closes) the connections it is handed.
class HeldConnections final : public grpc::experimental::ExternalConnectionAcceptor {
 public:
  void HandleNewConnection(NewConnectionParameters* p) override {
    std::lock_guard lock(mu_);
    fds_.push_back(p->fd);
  }
  size_t count() {
    std::lock_guard lock(mu_);
    return fds_.size() + closed_;
  }
  void CloseAll() {
    std::lock_guard lock(mu_);
    for (int fd : fds_) ::close(fd);
    closed_ += fds_.size();
    fds_.clear();
  }
  ~HeldConnections() override { CloseAll(); }

 private:
  std::mutex mu_;
  std::vector<int> fds_;
  size_t closed_ = 0;
};

int PortOf(const std::string& address) {
  int port = 0;
  EXPECT_TRUE(absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &port)) << address;
  return port;
}

bool WaitFor(const std::function<bool()>& condition) {
  for (int i = 0; i < 300; ++i) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return condition();
}

TEST(ListenerTest, BindsExactlyOrSaysWhyNot) {
  service::ConnectionTable table({});
  EXPECT_TRUE(absl::IsInvalidArgument(
      Listener::Bind("127.0.0.1:99999", {}, table).status()));  // was a random port before
  EXPECT_TRUE(absl::IsInvalidArgument(Listener::Bind("127.0.0.1", {}, table).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(Listener::Bind("::1:5000", {}, table).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(Listener::Bind("127.0.0.1:-1", {}, table).status()));
  auto first = Listener::Bind("127.0.0.1:0", {}, table);
  ASSERT_TRUE(first.ok()) << first.status();
  // A second listener on the same address is refused (no SO_REUSEPORT): one npd per address.
  auto second = Listener::Bind((*first)->address(), {}, table);
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(absl::IsUnavailable(second.status()));
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("another process"));
  auto v6 = Listener::Bind("[::1]:0", {}, table);
  if (v6.ok()) {
    EXPECT_THAT((*v6)->address(), ::testing::StartsWith("[::1]:"));
  }
}

TEST(ListenerTest, CapsNewConnectionsAtAcceptAndForgetsClosedOnes) {
  service::ConnectionTable table(
      {.max_connections = 3, .max_connections_per_ip = 100, .max_connections_per_principal = 10});
  auto listener = Listener::Bind("127.0.0.1:0", {.sweep_interval = absl::Milliseconds(50)}, table);
  ASSERT_TRUE(listener.ok());
  auto acceptor = std::make_unique<HeldConnections>();
  HeldConnections* held = acceptor.get();
  (*listener)->Start(std::move(acceptor));
  const int port = PortOf((*listener)->address());
  std::vector<int> clients;
  for (int i = 0; i < 5; ++i) clients.push_back(testing::ConnectLoopback(port));
  EXPECT_TRUE(WaitFor([&] { return (*listener)->refused() == 2; }));
  EXPECT_EQ(held->count(), 3u);
  EXPECT_EQ(table.size(), 3u);
  // gRPC closes connections (here: the stand-in); the sweep forgets them and there is room again.
  held->CloseAll();
  EXPECT_TRUE(WaitFor([&] { return table.size() == 0; }));
  clients.push_back(testing::ConnectLoopback(port));
  EXPECT_TRUE(WaitFor([&] { return held->count() == 4; }));
  for (int fd : clients) ::close(fd);
}

TEST(ListenerTest, RunningOutOfDescriptorsPausesAcceptingButNeverStopsIt) {
  service::ConnectionTable table({});
  auto listener = Listener::Bind("127.0.0.1:0", {}, table);
  ASSERT_TRUE(listener.ok());
  auto acceptor = std::make_unique<HeldConnections>();
  HeldConnections* held = acceptor.get();
  (*listener)->Start(std::move(acceptor));
  const int port = PortOf((*listener)->address());

  // Leave this process 40 free descriptor numbers (a limit may be set below descriptors already
  // open; it bounds the new ones).
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  int free_slots = 0;
  int limit = 0;
  while (free_slots < 40) {
    if (::fcntl(limit, F_GETFD) == -1) ++free_slots;
    ++limit;
  }
  rlimit low = saved;
  low.rlim_cur = static_cast<rlim_t>(limit);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);

  // Connect until the client side runs out too; every accepted connection takes one descriptor
  // on npd's side, so accept4 fails with EMFILE well before.
  std::vector<int> clients;
  for (int i = 0; i < 60; ++i) {
    const int fd = testing::ConnectLoopback(port);
    if (fd < 0) break;
    clients.push_back(fd);
  }
  EXPECT_TRUE(WaitFor([&] { return (*listener)->accept_errors() > 0; }))
      << "the descriptors never ran out: " << clients.size() << " clients, " << held->count()
      << " accepted, limit " << low.rlim_cur;
  const size_t accepted_while_full = held->count();

  // Descriptors come back: accepting resumes by itself, the backlog included.
  held->CloseAll();
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
  EXPECT_TRUE(WaitFor([&] { return held->count() == clients.size(); }))
      << held->count() << " of " << clients.size() << " accepted, " << accepted_while_full
      << " before the pause";
  const int late = testing::ConnectLoopback(port);
  ASSERT_GE(late, 0);
  EXPECT_TRUE(WaitFor([&] { return held->count() == clients.size() + 1; }));
  ::close(late);
  for (int fd : clients) ::close(fd);
}

}  // namespace
}  // namespace npd
