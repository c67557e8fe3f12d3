#include "daemon/core/identity.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/escaping.h"
#include "tests/core/core_test_util.h"

namespace npd::core {
namespace {

using ::npd::core::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kValidResidentId[] = "11010519491231002X";  // GB 11643 example, check char X

npd::v1::Identity Person(npd::v1::IdType type = npd::v1::ID_TYPE_RESIDENT,
                         const std::string& number = kValidResidentId,
                         const std::string& name = "张三") {
  npd::v1::Identity identity;
  identity.set_id_type(type);
  identity.set_id_number(number);
  identity.set_name(name);
  return identity;
}

TEST(ValidateIdentityTest, AcceptsValidResidentAndTemporaryCards) {
  EXPECT_TRUE(ValidateIdentity(Person()).ok());
  EXPECT_TRUE(ValidateIdentity(Person(npd::v1::ID_TYPE_TEMPORARY)).ok());
  EXPECT_TRUE(ValidateIdentity(Person(npd::v1::ID_TYPE_RESIDENT, "440301199001011234")).ok());
  EXPECT_TRUE(ValidateIdentity(Person(npd::v1::ID_TYPE_RESIDENT, "310101198512120016")).ok());
}

TEST(ValidateIdentityTest, AcceptsLowerCaseCheckCharacterAndSurroundingSpaces) {
  EXPECT_TRUE(ValidateIdentity(Person(npd::v1::ID_TYPE_RESIDENT, "11010519491231002x")).ok());
  EXPECT_TRUE(ValidateIdentity(Person(npd::v1::ID_TYPE_RESIDENT, "  11010519491231002X ")).ok());
}

TEST(ValidateIdentityTest, RejectsWrongCheckCharacter) {
  for (const char* number :
       {"110105194912310020", "110105194912310029", "440301199001011235", "11010519491231003X"}) {
    EXPECT_THAT(ValidateIdentity(Person(npd::v1::ID_TYPE_RESIDENT, number)),
                StatusIs(absl::StatusCode::kInvalidArgument, "id_number has a wrong check"))
        << number;
  }
}

TEST(ValidateIdentityTest, RejectsMalformedResidentNumbers) {
  EXPECT_THAT(ValidateIdentity(Person(npd::v1::ID_TYPE_RESIDENT, "11010519491231002")),
              StatusIs(absl::StatusCode::kInvalidArgument, "must be 18 characters"));
  EXPECT_THAT(ValidateIdentity(Person(npd::v1::ID_TYPE_RESIDENT, "11010519491231002XX")),
              StatusIs(absl::StatusCode::kInvalidArgument, "must be 18 characters"));
  EXPECT_THAT(ValidateIdentity(Person(npd::v1::ID_TYPE_TEMPORARY, "1101051949123100X2")),
              StatusIs(absl::StatusCode::kInvalidArgument, "17 digits followed by a digit or X"));
  EXPECT_THAT(ValidateIdentity(Person(npd::v1::ID_TYPE_RESIDENT, "11010519491231002Y")),
              StatusIs(absl::StatusCode::kInvalidArgument, "17 digits followed by a digit or X"));
}

TEST(ValidateIdentityTest, OtherDocumentsAreNotCheckedAsResidentCards) {
  EXPECT_TRUE(ValidateIdentity(Person(npd::v1::ID_TYPE_PASSPORT, "E12345678", "John Smith")).ok());
  EXPECT_TRUE(ValidateIdentity(Person(npd::v1::ID_TYPE_HK_MACAU, "H1234567890")).ok());
  EXPECT_TRUE(ValidateIdentity(Person(npd::v1::ID_TYPE_HOUSEHOLD, "110105194912310020")).ok());
}

TEST(ValidateIdentityTest, RejectsUnknownDocumentTypes) {
  EXPECT_THAT(ValidateIdentity(Person(npd::v1::ID_TYPE_UNSPECIFIED)),
              StatusIs(absl::StatusCode::kInvalidArgument, "id_type"));
  EXPECT_THAT(ValidateIdentity(Person(static_cast<npd::v1::IdType>(42))),
              StatusIs(absl::StatusCode::kInvalidArgument, "id_type"));
}

TEST(ValidateIdentityTest, LimitsIdNumberAndName) {
  EXPECT_THAT(ValidateIdentity(Person(npd::v1::ID_TYPE_PASSPORT, "   ")),
              StatusIs(absl::StatusCode::kInvalidArgument, "id_number is required"));
  EXPECT_TRUE(ValidateIdentity(Person(npd::v1::ID_TYPE_PASSPORT, std::string(32, 'A'))).ok());
  EXPECT_THAT(ValidateIdentity(Person(npd::v1::ID_TYPE_PASSPORT, std::string(33, 'A'))),
              StatusIs(absl::StatusCode::kInvalidArgument, "id_number must be at most 32"));
  EXPECT_THAT(ValidateIdentity(Person(npd::v1::ID_TYPE_RESIDENT, kValidResidentId, "")),
              StatusIs(absl::StatusCode::kInvalidArgument, "name is required"));
  EXPECT_THAT(ValidateIdentity(Person(npd::v1::ID_TYPE_RESIDENT, kValidResidentId, " \t ")),
              StatusIs(absl::StatusCode::kInvalidArgument, "name is required"));
  EXPECT_TRUE(
      ValidateIdentity(Person(npd::v1::ID_TYPE_RESIDENT, kValidResidentId, std::string(64, 'a')))
          .ok());
  EXPECT_THAT(
      ValidateIdentity(Person(npd::v1::ID_TYPE_RESIDENT, kValidResidentId, std::string(65, 'a'))),
      StatusIs(absl::StatusCode::kInvalidArgument, "name must be at most 64 bytes"));
}

TEST(ValidateIdentityTest, MessagesNeverContainTheValues) {
  const std::vector<npd::v1::Identity> invalid = {
      Person(npd::v1::ID_TYPE_RESIDENT, "110105194912310020", "李四"),
      Person(npd::v1::ID_TYPE_RESIDENT, "1101051949123", "李四"),
      Person(npd::v1::ID_TYPE_RESIDENT, "ABCDEFGHIJKLMNOPQR", "李四"),
      Person(npd::v1::ID_TYPE_PASSPORT, std::string(40, '7'), "李四"),
      Person(npd::v1::ID_TYPE_PASSPORT, "E1234", std::string(30, 'Q') + " " + std::string(40, 'Q')),
  };
  for (const auto& identity : invalid) {
    absl::Status status = ValidateIdentity(identity);
    ASSERT_FALSE(status.ok());
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr(identity.id_number())));
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr(identity.name())));
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr("QQQ")));
  }
}

TEST(NormaliseIdentityTest, IsTypeNumberAndNameWithSpacingAndCaseFolded) {
  EXPECT_EQ(NormaliseIdentity(Person()), "1|11010519491231002X|张三");
  EXPECT_EQ(NormaliseIdentity(
                Person(npd::v1::ID_TYPE_PASSPORT, "  e1234567x ", "  John \t  Ronald   Smith  ")),
            "6|E1234567X|John Ronald Smith");
}

TEST(ValidateAuthCodeFormatTest, ExactlySixDigits) {
  EXPECT_TRUE(ValidateAuthCodeFormat("000000").ok());
  EXPECT_TRUE(ValidateAuthCodeFormat("123456").ok());
  for (const char* bad : {"", "12345", "1234567", "12345a", " 12345", "12 456", "１２３４５６"}) {
    EXPECT_THAT(ValidateAuthCodeFormat(bad),
                StatusIs(absl::StatusCode::kInvalidArgument, "exactly 6 digits"))
        << bad;
  }
}

TEST(IdentityHasherTest, AuthCodeHashIsHmacSha256OfTheDocumentedMessage) {
  // Reference: HMAC-SHA256(key "test-secret", "authcode:13800138000:123456") computed
  // independently.
  IdentityHasher hasher("test-secret");
  EXPECT_EQ(absl::BytesToHexString(hasher.HashAuthCode("13800138000", "123456")),
            "abd57ebe05494087a83edec5974c13d92f536e827f0e30cbb9affc786292af50");
}

TEST(IdentityHasherTest, IdentityHashIsHmacSha256OfTheNormalisedIdentity) {
  // Reference: HMAC-SHA256(key "test-secret", "identity:1|11010519491231002X|张 三").
  IdentityHasher hasher("test-secret");
  EXPECT_EQ(absl::BytesToHexString(hasher.HashIdentity(
                Person(npd::v1::ID_TYPE_RESIDENT, " 11010519491231002x", "  张   三 "))),
            "07be16c522057a6828a44b072fd3ae80055d90056552b1ef01437c3cefd69ea8");
}

TEST(IdentityHasherTest, SameIdentityWithDifferentSpacingAndCaseHashesEqual) {
  IdentityHasher hasher("secret");
  const std::string reference = hasher.HashIdentity(Person());
  EXPECT_EQ(reference.size(), 32u);
  EXPECT_EQ(hasher.HashIdentity(Person(npd::v1::ID_TYPE_RESIDENT, " 11010519491231002x\t", "张三")),
            reference);
  EXPECT_EQ(hasher.HashIdentity(Person(npd::v1::ID_TYPE_RESIDENT, kValidResidentId, "  张三  ")),
            reference);
  EXPECT_EQ(hasher.HashIdentity(Person(npd::v1::ID_TYPE_PASSPORT, "e123", "John  Smith")),
            hasher.HashIdentity(Person(npd::v1::ID_TYPE_PASSPORT, "E123 ", " John Smith")));
}

TEST(IdentityHasherTest, DifferentIdentitiesHashDifferently) {
  IdentityHasher hasher("secret");
  const std::string reference = hasher.HashIdentity(Person());
  EXPECT_NE(hasher.HashIdentity(Person(npd::v1::ID_TYPE_TEMPORARY)), reference);
  EXPECT_NE(hasher.HashIdentity(Person(npd::v1::ID_TYPE_RESIDENT, "440301199001011234")),
            reference);
  EXPECT_NE(hasher.HashIdentity(Person(npd::v1::ID_TYPE_RESIDENT, kValidResidentId, "张 三")),
            reference);
  EXPECT_NE(hasher.HashIdentity(Person(npd::v1::ID_TYPE_PASSPORT, "John", "Smith")),
            hasher.HashIdentity(Person(npd::v1::ID_TYPE_PASSPORT, "JohnSmith", "")));
}

TEST(IdentityHasherTest, DifferentSecretsGiveDifferentHashes) {
  IdentityHasher a("secret-a");
  IdentityHasher b("secret-b");
  EXPECT_NE(a.HashIdentity(Person()), b.HashIdentity(Person()));
  EXPECT_NE(a.HashAuthCode(testing::kMsisdn, "123456"), b.HashAuthCode(testing::kMsisdn, "123456"));
}

TEST(IdentityHasherTest, CodeHashDependsOnNumberAndCode) {
  IdentityHasher hasher("secret");
  const std::string reference = hasher.HashAuthCode("13800138000", "123456");
  EXPECT_EQ(reference.size(), 32u);
  EXPECT_EQ(hasher.HashAuthCode("13800138000", "123456"), reference);
  EXPECT_NE(hasher.HashAuthCode("13800138001", "123456"), reference);
  EXPECT_NE(hasher.HashAuthCode("13800138000", "123457"), reference);
}

}  // namespace
}  // namespace npd::core
