#include "daemon/core/payee_seal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace npd::core {
namespace {

using ::testing::HasSubstr;

const std::string kKeyA(64, 'a');
const std::string kKeyB = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

npd::v1::PayeeAccount Card() {
  npd::v1::PayeeAccount payee;
  payee.set_kind(npd::v1::PAYEE_KIND_BANK_CARD);
  payee.set_account("6222020200112233446");
  payee.set_holder_name("张三");
  return payee;
}

TEST(PayeeKeyRingTest, ParsesKeysAndUsesTheLastForNewData) {
  auto ring =
      PayeeKeyRing::Parse("# retired in 2026-12\nold " + kKeyA + "\n\n new " + kKeyB + " \n");
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->current_id(), "new");
  ASSERT_NE(ring->Find("old"), nullptr);
  EXPECT_EQ(ring->Find("old")->size(), kPayeeKeyBytes);
  EXPECT_EQ(ring->Find("gone"), nullptr);
}

TEST(PayeeKeyRingTest, RefusesMalformedFilesWithoutShowingKeys) {
  for (const std::string& text :
       {std::string(""), std::string("# nothing\n"), "k " + kKeyA.substr(1), "k " + kKeyA + " x",
        "k " + std::string(63, 'a') + "g", "bad/id " + kKeyA, "a " + kKeyA + "\na " + kKeyB}) {
    auto ring = PayeeKeyRing::Parse(text);
    EXPECT_TRUE(absl::IsInvalidArgument(ring.status())) << text;
    EXPECT_THAT(std::string(ring.status().message()), ::testing::Not(HasSubstr(kKeyB)));
    EXPECT_THAT(std::string(ring.status().message()), ::testing::Not(HasSubstr(kKeyA)));
  }
}

TEST(PayeeSealTest, SealedAccountOpensOnlyWithItsKeyAndCase) {
  const std::string data_key(32, '\x07');
  const std::string nonce(12, '\x01');
  const std::string aad = PayeeAssociatedData("R000000000001", 1);
  const std::string sealed = SealPayee(Card(), data_key, nonce, aad);
  EXPECT_EQ(sealed.find("6222020200112233446"), std::string::npos);
  EXPECT_EQ(sealed.find("张三"), std::string::npos);
  auto opened = OpenPayee(sealed, data_key, aad);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->account(), "6222020200112233446");
  EXPECT_EQ(opened->holder_name(), "张三");
  // Another case, another generation, another key, or one flipped bit: DATA_LOSS.
  EXPECT_TRUE(absl::IsDataLoss(
      OpenPayee(sealed, data_key, PayeeAssociatedData("R000000000002", 1)).status()));
  EXPECT_TRUE(absl::IsDataLoss(
      OpenPayee(sealed, data_key, PayeeAssociatedData("R000000000001", 2)).status()));
  EXPECT_TRUE(absl::IsDataLoss(OpenPayee(sealed, std::string(32, '\x08'), aad).status()));
  std::string flipped = sealed;
  flipped[20] ^= 1;
  EXPECT_TRUE(absl::IsDataLoss(OpenPayee(flipped, data_key, aad).status()));
  EXPECT_TRUE(absl::IsDataLoss(OpenPayee("short", data_key, aad).status()));
}

TEST(PayeeSealTest, DataKeysAreWrappedWithTheCurrentKeyAndUnwrapWhileItIsKept) {
  auto ring = PayeeKeyRing::Parse("old " + kKeyA + "\n");
  ASSERT_TRUE(ring.ok());
  const std::string data_key(32, '\x42');
  const std::string aad = PayeeAssociatedData("R000000000001", 1);
  const std::string wrapped = WrapDataKey(*ring, data_key, std::string(12, '\x03'), aad);
  EXPECT_EQ(wrapped.rfind("old:", 0), 0u);
  EXPECT_EQ(wrapped.find(data_key), std::string::npos);
  EXPECT_EQ(UnwrapDataKey(*ring, wrapped, aad).value(), data_key);
  // After rotation the old key still unwraps; once removed, the data key is gone for good.
  auto rotated = PayeeKeyRing::Parse("old " + kKeyA + "\nnew " + kKeyB + "\n");
  EXPECT_EQ(UnwrapDataKey(*rotated, wrapped, aad).value(), data_key);
  auto retired = PayeeKeyRing::Parse("new " + kKeyB + "\n");
  EXPECT_TRUE(absl::IsNotFound(UnwrapDataKey(*retired, wrapped, aad).status()));
  EXPECT_TRUE(absl::IsDataLoss(
      UnwrapDataKey(*ring, wrapped, PayeeAssociatedData("R000000000009", 1)).status()));
}

}  // namespace
}  // namespace npd::core
