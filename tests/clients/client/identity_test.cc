#include "clients/client/identity.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace npd::client {
namespace {

using ::testing::HasSubstr;

TEST(IdentityTest, NamesMapToTheirPrincipalUris) {
  EXPECT_EQ(PrincipalUriForName("cmcc").value(), "spiffe://npd/carrier/cmcc");
  EXPECT_EQ(PrincipalUriForName("cucc-selfservice").value(),
            "spiffe://npd/carrier/cucc/selfservice");
  EXPECT_EQ(PrincipalUriForName("operator-oncall").value(), "spiffe://npd/operator/oncall");
  EXPECT_EQ(PrincipalUriForName("payment").value(), "spiffe://npd/payment/default");
  EXPECT_EQ(PrincipalUriForName("payment-unionpay").value(), "spiffe://npd/payment/unionpay");
  EXPECT_EQ(PrincipalUriForName("billing-ctcc").value(), "spiffe://npd/billing/ctcc");
}

TEST(IdentityTest, NamesOfNoPrincipalAreRefused) {
  for (const char* name : {"", "operator", "operator-", "billing-", "a/b", "two words"}) {
    EXPECT_FALSE(PrincipalUriForName(name).ok()) << "'" << name << "'";
  }
  EXPECT_THAT(std::string(PrincipalUriForName("operator").status().message()),
              HasSubstr("operator-<person>"));
}

TEST(IdentityTest, OperatorRoleTakesThePerson) {
  EXPECT_EQ(IdentityName("operator", "alice"), "operator-alice");
  EXPECT_EQ(IdentityName("cmcc", "alice"), "cmcc");
}

TEST(IdentityTest, MissingCertificateFilesNameTheFile) {
  testing::TempDir dir;
  auto credentials = ClientCredentials({.tls_dir = dir.path(), .name = "cmcc"});
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(credentials.status().message()), HasSubstr(dir.path() + "/ca.pem"));
  EXPECT_THAT(std::string(credentials.status().message()), HasSubstr("scripts/dev-pki"));
}

TEST(IdentityTest, WithoutTlsDirectoryTheChannelIsPlaintext) {
  EXPECT_TRUE(ClientCredentials({.name = "cmcc"}).ok());
  EXPECT_FALSE(CreateIdentityChannel("127.0.0.1:1", {.name = "a/b"}).ok());
}

}  // namespace
}  // namespace npd::client
