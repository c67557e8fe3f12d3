// Certificates and the CA rotate by replacing files, without a restart and under live traffic:
// npd re-reads its certificate, key and client CA every tls_refresh_interval (1 s here).
#include <atomic>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/client/identity.h"
#include "npd/v1/number.grpc.pb.h"
#include "tests/service/npd_fixture.h"

namespace npd::testing {
namespace {

// npd with a PKI of its own: rotating it must not disturb the other tests' shared one.
class RotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Config config;
    config.listen = "127.0.0.1:0";
    config.data_dir = dir_.Sub("data");
    config.plan_dir = NPD_DATA_DIR;
    config.identity_secret = "test-secret-rotation";
    config.drain_timeout = absl::Seconds(2);
    config.tls_cert = pki_.ServerCert();
    config.tls_key = pki_.ServerKey();
    config.tls_client_ca = pki_.CaFile();
    config.payee_key_file = pki_.PayeeKeyFile();
    config.tls_refresh_interval = absl::Seconds(1);
    server_ = std::make_unique<NpdServer>(config, clock_);
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override { server_->Stop(); }

  // A Lookup as `name` over a new connection made with the files as they are now.
  grpc::Status FreshLookup(const std::string& name) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel = client::CreateIdentityChannel(server_->address(),
                                                 {.tls_dir = pki_.dir(), .name = name}, args);
    if (!channel.ok()) return grpc::Status(grpc::StatusCode::INTERNAL, "no channel");
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    npd::v1::LookupRequest request;
    request.set_msisdn(kCmccNumber);
    npd::v1::LookupResponse response;
    return npd::v1::NumberService::NewStub(*channel)->Lookup(&context, request, &response);
  }

  TestPki pki_;
  TempDir dir_;
  engine::OffsetClock clock_;
  std::unique_ptr<NpdServer> server_;
};

TEST_F(RotationTest, CaAndCertificatesRotateUnderLiveTrafficWithoutARestart) {
  pki_.Ensure("cmcc");
  pki_.Ensure("ctcc");
  // A certificate of the old CA, kept aside to show that the old CA is trusted no more at the end.
  pki_.Issue("old-cucc", {.uris = {"spiffe://npd/carrier/cucc"}});
  ASSERT_TRUE(FreshLookup("old-cucc").ok());

  // Live traffic throughout: one connection kept open, and a new connection per call.
  std::atomic<bool> stop{false};
  std::atomic<int> kept_ok{0}, kept_failed{0}, fresh_ok{0}, fresh_failed{0};
  std::string first_failure;
  std::mutex failure_mu;
  auto kept =
      client::CreateIdentityChannel(server_->address(), {.tls_dir = pki_.dir(), .name = "cmcc"})
          .value();
  std::thread traffic([&] {
    auto stub = npd::v1::NumberService::NewStub(kept);
    while (!stop) {
      grpc::ClientContext context;
      npd::v1::LookupRequest request;
      request.set_msisdn(kCmccNumber);
      npd::v1::LookupResponse response;
      (stub->Lookup(&context, request, &response).ok() ? kept_ok : kept_failed)++;
      grpc::Status fresh = FreshLookup("ctcc");
      if (fresh.ok()) {
        ++fresh_ok;
      } else {
        ++fresh_failed;
        std::lock_guard lock(failure_mu);
        if (first_failure.empty()) first_failure = fresh.error_message();
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
  });

  // 1. Both CAs trusted (ca.pem holds the old and the new one); npd picks the bundle up.
  pki_.BeginCaRotation();
  absl::SleepFor(absl::Milliseconds(2500));
  // 2. npd's certificate and every client's are issued again by the new CA.
  pki_.ReissueAll();
  absl::SleepFor(absl::Milliseconds(2500));
  // A client still holding a certificate of the old CA is served while both are trusted.
  EXPECT_TRUE(FreshLookup("old-cucc").ok());
  // 3. Only the new CA.
  pki_.FinishCaRotation();
  absl::SleepFor(absl::Milliseconds(2500));
  stop = true;
  traffic.join();

  EXPECT_EQ(kept_failed.load(), 0);
  EXPECT_EQ(fresh_failed.load(), 0) << first_failure;
  EXPECT_GT(kept_ok.load(), 50);
  EXPECT_GT(fresh_ok.load(), 50);
  // The old CA's certificate no longer gets in (its handshake fails); a new one does.
  grpc::Status old = FreshLookup("old-cucc");
  EXPECT_EQ(old.error_code(), grpc::StatusCode::UNAVAILABLE) << old.error_message();
  pki_.Ensure("cucc");
  EXPECT_TRUE(FreshLookup("cucc").ok());
}

}  // namespace
}  // namespace npd::testing
