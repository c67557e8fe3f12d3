#include "clients/client/channel.h"
#include "clients/client/identity.h"

#include <chrono>

#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include "npd/v1/number.grpc.pb.h"

namespace npd::client {
namespace {

using std::chrono::system_clock;

// A server on a free loopback port; `port` receives the port. Its one service has no handlers (a
// sync server needs a service to start), and connecting is all that is tested.
std::unique_ptr<grpc::Server> StartServer(int& port) {
  static npd::v1::NumberService::Service unimplemented;
  grpc::ServerBuilder builder;
  builder.RegisterService(&unimplemented);
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  return builder.BuildAndStart();
}

// A port nothing listens on: bound by a server that is then shut down.
int ClosedPort() {
  int port = 0;
  std::unique_ptr<grpc::Server> server = StartServer(port);
  server->Shutdown();
  return port;
}

TEST(AwaitConnectedTest, ReadyWhenAServerListens) {
  int port = 0;
  std::unique_ptr<grpc::Server> server = StartServer(port);
  ASSERT_NE(server, nullptr);
  const std::string target = "127.0.0.1:" + std::to_string(port);
  auto channel = CreateIdentityChannel(target, {.name = "cmcc"}).value();
  EXPECT_TRUE(AwaitConnected(*channel, target, system_clock::now() + std::chrono::seconds(5)).ok());
  server->Shutdown();
}

TEST(AwaitConnectedTest, RefusedConnectionFailsFastAsUnavailable) {
  const std::string target = "127.0.0.1:" + std::to_string(ClosedPort());
  auto channel = CreateIdentityChannel(target, {.name = "cmcc"}).value();
  const auto started = system_clock::now();
  const grpc::Status status = AwaitConnected(*channel, target, started + std::chrono::seconds(10));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(status.error_message().find(target), std::string::npos);
  EXPECT_LT(system_clock::now() - started, std::chrono::seconds(5));
}

}  // namespace
}  // namespace npd::client
