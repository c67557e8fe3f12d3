// The attacks of the security review (issue 12), each tried again against npd as it is now.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "clients/client/identity.h"
#include "npd/v1/porting.grpc.pb.h"
#include "npd/v1/refund.grpc.pb.h"
#include "tests/service/npd_fixture.h"
#include "tests/service/refund_fixture.h"

namespace npd::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class AttackTest : public NpdTest {
 protected:
  npd::store::v1::Counters Counters() {
    auto snapshot = server_->store().Snapshot();
    EXPECT_TRUE(snapshot.ok());
    return (*snapshot)->counters();
  }
};

npd::v1::IssueAuthCodeRequest InventedHolderCode() {
  npd::v1::IssueAuthCodeRequest request;
  request.set_request_id("hijack-1");
  request.set_msisdn(kCmccNumber);
  request.mutable_holder()->set_id_type(npd::v1::ID_TYPE_PASSPORT);
  request.mutable_holder()->set_id_number("E12345678");
  request.mutable_holder()->set_name("Mallory");
  return request;
}

// The review hijacked a number end to end with a client generated from the protos and no
// credentials: a code "as cmcc" for an invented passport holder was the first step. Every way of
// claiming to be cmcc without cmcc's certificate now fails at that first step.
TEST_F(AttackTest, ClaimingToBeACarrierWithoutItsCertificateGetsNothingDone) {
  const auto before = Counters();
  const auto header = [](grpc::ClientContext& context) {
    context.AddMetadata("x-npd-caller", "spiffe://npd/carrier/cmcc");
    context.AddMetadata("x-npd-caller", "cmcc");  // the old header, twice for good measure
  };
  npd::v1::IssueAuthCodeResponse response;
  // Plaintext, as the review's client spoke: no TLS, no answer.
  {
    grpc::ClientContext context;
    header(context);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    auto plain = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    grpc::Status status = npd::v1::PortingService::NewStub(plain)->IssueAuthCode(
        &context, InventedHolderCode(), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  }
  // TLS without a client certificate, with the header: not authenticated.
  {
    grpc::ClientContext context;
    header(context);
    grpc::Status status = npd::v1::PortingService::NewStub(ChannelAs(""))
                              ->IssueAuthCode(&context, InventedHolderCode(), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
  }
  // Another carrier's certificate with cmcc's header: it is cucc, and cucc does not serve the
  // number.
  {
    grpc::ClientContext context;
    header(context);
    grpc::Status status = npd::v1::PortingService::NewStub(ChannelAs("cucc"))
                              ->IssueAuthCode(&context, InventedHolderCode(), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  }
  // A certificate cmcc's self-service backend holds may not issue codes either.
  {
    grpc::ClientContext context;
    grpc::Status status = npd::v1::PortingService::NewStub(ChannelAs("cmcc-selfservice"))
                              ->IssueAuthCode(&context, InventedHolderCode(), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  }
  EXPECT_EQ(Counters().ShortDebugString(), before.ShortDebugString()) << "something was written";
  // While cmcc itself, with its certificate, is served.
  EXPECT_TRUE(client().IssueCode("cmcc", kCmccNumber, Holder()).ok());
}

TEST_F(AttackTest, TheDataDirectoryAndEveryFileInItAreForNpdsUserOnly) {
  // Something in every table, then a checkpoint too.
  auto port = client().StartPort("cmcc", "cucc", kCmccNumber, kBeijing);
  ASSERT_FALSE(port.port_id().empty());
  ASSERT_TRUE(client().Approve("cmcc", port.port_id()).ok());
  StopServer();
  // identity.secret is kept in the data dir when none is configured: restart so.
  struct stat st {};
  ASSERT_EQ(::stat(dir_.Sub("data").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.Sub("data"))) {
    ASSERT_EQ(::stat(entry.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 077, 0u) << entry.path() << " is accessible to others";
    ++files;
  }
  EXPECT_GT(files, 5u);
  StartServer();
}

class SecretInDataDirTest : public AttackTest {
 protected:
  void Configure(Config& config) override { config.identity_secret.clear(); }
};

TEST_F(SecretInDataDirTest, NpdRefusesDataOthersCouldReadAndCreatesItsSecretPrivate) {
  const std::string secret = dir_.Sub("data") + "/identity.secret";
  struct stat st {};
  ASSERT_EQ(::stat(secret.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  StopServer();

  // A data directory that group or others may read: npd does not start, and says what to do.
  ASSERT_EQ(::chmod(dir_.Sub("data").c_str(), 0755), 0);
  Config config;
  config.listen = "127.0.0.1:0";
  config.data_dir = dir_.Sub("data");
  config.plan_dir = NPD_DATA_DIR;
  const TestPki& pki = TestPki::Shared();
  config.tls_cert = pki.ServerCert();
  config.tls_key = pki.ServerKey();
  config.tls_client_ca = pki.CaFile();
  config.payee_key_file = pki.PayeeKeyFile();
  {
    NpdServer refused(config, clock_);
    absl::Status status = refused.Start();
    EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr("chmod 700"));
  }
  ASSERT_EQ(::chmod(dir_.Sub("data").c_str(), 0700), 0);
  // The same for a secret others may read.
  ASSERT_EQ(::chmod(secret.c_str(), 0644), 0);
  {
    NpdServer refused(config, clock_);
    absl::Status status = refused.Start();
    EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr("chmod 600"));
  }
  ASSERT_EQ(::chmod(secret.c_str(), 0600), 0);
  StartServer();
}

// The payee key seals every card npd keeps: npd starts only with one, kept where a copy of the data
// directory never holds it, readable by npd's user only.
TEST_F(AttackTest, NpdRefusesToStartWithoutAPrivatePayeeKeyOutsideTheDataDir) {
  StopServer();
  Config config;
  config.listen = "127.0.0.1:0";
  config.data_dir = dir_.Sub("data");
  config.plan_dir = NPD_DATA_DIR;
  config.identity_secret = "test-secret";
  const TestPki& pki = TestPki::Shared();
  config.tls_cert = pki.ServerCert();
  config.tls_key = pki.ServerKey();
  config.tls_client_ca = pki.CaFile();
  auto refused = [&](const std::string& key_file) {
    config.payee_key_file = key_file;
    NpdServer server(config, clock_);
    return server.Start();
  };
  absl::Status missing = refused("");
  EXPECT_TRUE(absl::IsInvalidArgument(missing)) << missing;
  EXPECT_THAT(std::string(missing.message()), HasSubstr("security.payee_key_file is not set"));

  const std::string key_text = "k1 " + std::string(64, '7') + "\n";
  const std::string wide = dir_.Sub("wide.key");
  { std::ofstream(wide) << key_text; }
  ASSERT_EQ(::chmod(wide.c_str(), 0644), 0);
  absl::Status readable = refused(wide);
  EXPECT_TRUE(absl::IsFailedPrecondition(readable)) << readable;
  EXPECT_THAT(std::string(readable.message()), HasSubstr("chmod 600"));

  const std::string inside = dir_.Sub("data") + "/payee.key";
  { std::ofstream(inside) << key_text; }
  ASSERT_EQ(::chmod(inside.c_str(), 0600), 0);
  absl::Status in_data = refused(inside);
  EXPECT_TRUE(absl::IsFailedPrecondition(in_data)) << in_data;
  EXPECT_THAT(std::string(in_data.message()), HasSubstr("inside storage.data_dir"));
  std::filesystem::remove(inside);

  ASSERT_EQ(::chmod(wide.c_str(), 0600), 0);
  { std::ofstream(wide) << "k1 not-hex\n"; }
  absl::Status garbage = refused(wide);
  EXPECT_TRUE(absl::IsInvalidArgument(garbage)) << garbage;
  EXPECT_THAT(std::string(garbage.message()), HasSubstr("line 1"));
  EXPECT_THAT(std::string(garbage.message()), Not(HasSubstr("not-hex")));
  StartServer();
}

// npd called the payment channel in plaintext with the full card. It speaks only TLS to outside
// systems now: an outside system without TLS gets nothing from npd, and the case waits (STUCK
// after its attempts, with the error) instead of sending anything in the clear.
class PlaintextOutsideTest : public RefundTest {
 protected:
  void ConfigureFakes(fakes::FakeOutsideOptions& options) override { options.tls_dir.clear(); }
};

TEST_F(PlaintextOutsideTest, NpdSendsNothingToAnOutsideSystemThatDoesNotSpeakTls) {
  const std::string port_id = CompletePort(kCmccNumber, "cmcc", "cucc");
  ASSERT_FALSE(port_id.empty());
  const npd::v1::Refund stuck =
      WaitForRefund("R" + port_id.substr(1), npd::v1::REFUND_STATE_STUCK, 20);
  EXPECT_EQ(stuck.stuck().step(), npd::v1::REFUND_STEP_FREEZE_ACCOUNT);
  EXPECT_EQ(outside_->billing().stats().freezes, 0u) << "the plaintext billing was reached";
}

}  // namespace
}  // namespace npd::testing
