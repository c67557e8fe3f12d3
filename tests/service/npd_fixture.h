// An npd assembled in-process (NpdServer: real RocksDB in a temp dir, real gRPC over mutual TLS on
// 127.0.0.1:0) with a clock the test can move forward, and a client talking to it over the socket
// with the shared test PKI's certificates.
#ifndef NPD_TESTS_SERVICE_NPD_FIXTURE_H_
#define NPD_TESTS_SERVICE_NPD_FIXTURE_H_

#include <memory>

#include <gtest/gtest.h>

#include "daemon/config.h"
#include "daemon/engine/clock.h"
#include "daemon/server.h"
#include "tests/support/npd_client.h"
#include "tests/support/replay_check.h"
#include "tests/support/temp_dir.h"

namespace npd::testing {

// Beijing numbers of each carrier (blocks listed in data/local_networks.csv).
inline constexpr char kCmccNumber[] = "13800138000";
inline constexpr char kCuccNumber[] = "18601001234";
inline constexpr char kCtccNumber[] = "13301001234";
inline constexpr char kBeijing[] = "010";

class NpdTest : public ::testing::Test {
 protected:
  // Override to change the configuration before each start.
  virtual void Configure(Config& config) {}

  void SetUp() override { StartServer(); }
  // Every scenario ends with a replay check: the journal the scenario wrote, run again through the
  // engine into a scratch store, must give exactly the stored state (daemon/replay).
  void TearDown() override {
    StopServer();
    if (!skip_replay_check_) ExpectReplayMatches(dir_.Sub("data"));
  }

  void StartServer() {
    Config config;
    config.listen = "127.0.0.1:0";
    config.data_dir = dir_.Sub("data");
    config.plan_dir = NPD_DATA_DIR;
    config.identity_secret = "test-secret";
    config.drain_timeout = absl::Seconds(2);
    config.policy.cutover.mode = core::CutoverPolicy::Mode::kImmediate;
    const TestPki& pki = TestPki::Shared();
    config.tls_cert = pki.ServerCert();
    config.tls_key = pki.ServerKey();
    config.tls_client_ca = pki.CaFile();
    config.payee_key_file = pki.PayeeKeyFile();
    // Refused calls are held briefly (the flood test configures the real pause).
    config.refusal_delay = absl::Milliseconds(5);
    Configure(config);
    server_ = std::make_unique<NpdServer>(config, clock_);
    absl::Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started;
    client_ = std::make_unique<NpdClient>(server_->address());
    ASSERT_TRUE(client_->WaitReady(10));
  }
  void StopServer() {
    client_.reset();
    if (server_) server_->Stop();
    server_.reset();
  }
  void RestartServer() {
    StopServer();
    StartServer();
  }

  NpdClient& client() { return *client_; }
  // The channel of role `as` (see NpdClient); empty: TLS without a client certificate.
  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& as) {
    return as.empty() ? AnonymousTestChannel(server_->address()) : client().channel(as);
  }

  // Set by a test that leaves the store inconsistent on purpose.
  bool skip_replay_check_ = false;
  TempDir dir_;
  engine::OffsetClock clock_;
  std::unique_ptr<NpdServer> server_;
  std::unique_ptr<NpdClient> client_;
};

}  // namespace npd::testing

#endif  // NPD_TESTS_SERVICE_NPD_FIXTURE_H_
