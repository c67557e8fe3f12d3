#include "daemon/core/auth_code_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/core/core_test_util.h"

namespace npd::core {
namespace {

using ::npd::core::testing::BeijingCmccFacts;
using ::npd::core::testing::EqualsProto;
using ::npd::core::testing::EventTypes;
using ::npd::core::testing::kMsisdn;
using ::npd::core::testing::Local;
using ::npd::core::testing::Number;
using ::npd::core::testing::Reasons;
using ::npd::core::testing::StatusIs;
using ::npd::store::v1::AUTH_CODE_STATE_ACTIVE;
using ::npd::store::v1::AUTH_CODE_STATE_EXPIRED;
using ::npd::store::v1::AUTH_CODE_STATE_REVOKED;
using ::npd::store::v1::AUTH_CODE_STATE_USED;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class IssueAuthCodeTest : public ::testing::Test {
 protected:
  IssueAuthCodeCommand Command(const std::string& issuer = "cmcc") {
    return IssueAuthCodeCommand{
        .issuer = issuer, .code_hash = "code-hash", .holder_hash = "holder"};
  }

  NumberFacts facts_ = BeijingCmccFacts();
  PortPolicy policy_;
  absl::Time now_ = Local(2024, 3, 1, 10, 15);
};

TEST_F(IssueAuthCodeTest, OnlyTheServingCarrierIssues) {
  EXPECT_THAT(IssueAuthCode(facts_, Number("cmcc"), Command("cucc"), policy_, now_),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(IssueAuthCode(facts_, Number("cmcc"), Command(""), policy_, now_),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // After a port the new serving carrier issues, not the range holder.
  EXPECT_THAT(IssueAuthCode(facts_, Number("ctcc"), Command("cmcc"), policy_, now_),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_TRUE(IssueAuthCode(facts_, Number("ctcc"), Command("ctcc"), policy_, now_).ok());
}

TEST_F(IssueAuthCodeTest, IssuesAFirstCode) {
  auto outcome = IssueAuthCode(facts_, Number(), Command(), policy_, now_);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(outcome->issued);
  EXPECT_EQ(outcome->expires_at, now_ + absl::Minutes(60));
  const auto& code = outcome->number.auth_code();
  EXPECT_EQ(code.code_hash(), "code-hash");
  EXPECT_EQ(code.holder_identity_hash(), "holder");
  EXPECT_EQ(code.issued_by(), "cmcc");
  EXPECT_EQ(FromProto(code.issued_at()), now_);
  EXPECT_EQ(FromProto(code.expires_at()), now_ + absl::Minutes(60));
  EXPECT_EQ(code.state(), AUTH_CODE_STATE_ACTIVE);
  EXPECT_EQ(code.failed_attempts(), 0);
  EXPECT_EQ(code.generation(), 1);
  EXPECT_EQ(outcome->number.serving_carrier(), "cmcc");
  EXPECT_EQ(outcome->number.msisdn(), kMsisdn);
  ASSERT_EQ(outcome->events.size(), 1u);
  EXPECT_EQ(outcome->events[0].type, "AUTH_CODE_ISSUED");
  EXPECT_EQ(outcome->events[0].state_before, npd::v1::PORT_STATE_UNSPECIFIED);
  EXPECT_EQ(outcome->events[0].state_after, npd::v1::PORT_STATE_UNSPECIFIED);
  EXPECT_THAT(outcome->events[0].detail, ::testing::Not(HasSubstr("code-hash")));

  npd::store::v1::TimerRecord timer;
  timer.set_kind(npd::store::v1::TIMER_KIND_AUTH_CODE_EXPIRY);
  *timer.mutable_due_at() = ToProto(now_ + absl::Minutes(60));
  timer.set_msisdn(kMsisdn);
  timer.set_generation(1);
  ASSERT_TRUE(outcome->expiry_timer.has_value());
  EXPECT_THAT(*outcome->expiry_timer, EqualsProto(timer));
}

TEST_F(IssueAuthCodeTest, ValidityFollowsPolicy) {
  policy_.auth_code_ttl = absl::Minutes(15);
  auto outcome = IssueAuthCode(facts_, Number(), Command(), policy_, now_);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->expires_at, now_ + absl::Minutes(15));
  EXPECT_EQ(FromProto(outcome->expiry_timer->due_at()), now_ + absl::Minutes(15));
}

TEST_F(IssueAuthCodeTest, NewCodeRevokesAnActivePreviousCode) {
  auto number = Number();
  auto& old = *number.mutable_auth_code();
  old.set_code_hash("old-hash");
  old.set_state(AUTH_CODE_STATE_ACTIVE);
  old.set_generation(4);
  old.set_failed_attempts(3);
  auto outcome = IssueAuthCode(facts_, number, Command(), policy_, now_);
  ASSERT_TRUE(outcome.ok());
  EXPECT_THAT(EventTypes(outcome->events), ElementsAre("AUTH_CODE_REVOKED", "AUTH_CODE_ISSUED"));
  EXPECT_THAT(outcome->events[0].detail, HasSubstr("replaced by a new code"));
  EXPECT_EQ(outcome->number.auth_code().generation(), 5);
  EXPECT_EQ(outcome->number.auth_code().failed_attempts(), 0);
  EXPECT_EQ(outcome->number.auth_code().code_hash(), "code-hash");
  EXPECT_EQ(outcome->expiry_timer->generation(), 5);
}

TEST_F(IssueAuthCodeTest, ReplacingAnInactiveCodeRevokesNothing) {
  for (auto state : {AUTH_CODE_STATE_USED, AUTH_CODE_STATE_EXPIRED, AUTH_CODE_STATE_REVOKED}) {
    auto number = Number();
    number.mutable_auth_code()->set_state(state);
    number.mutable_auth_code()->set_generation(2);
    auto outcome = IssueAuthCode(facts_, number, Command(), policy_, now_);
    ASSERT_TRUE(outcome.ok());
    EXPECT_THAT(EventTypes(outcome->events), ElementsAre("AUTH_CODE_ISSUED")) << state;
    EXPECT_EQ(outcome->number.auth_code().generation(), 3);
    EXPECT_EQ(outcome->number.auth_code().state(), AUTH_CODE_STATE_ACTIVE);
  }
}

TEST_F(IssueAuthCodeTest, RefusesWithinThePortInterval) {
  auto number = Number();
  *number.mutable_last_port_completed_at() = ToProto(now_ - absl::Hours(24 * 119));
  auto outcome = IssueAuthCode(facts_, number, Command(), policy_, now_);
  ASSERT_TRUE(outcome.ok());
  EXPECT_FALSE(outcome->issued);
  EXPECT_THAT(Reasons(outcome->refusal), ElementsAre(npd::v1::REASON_CODE_R06_PORT_INTERVAL_120D));
  EXPECT_EQ(outcome->refusal.rule_version(), "npd-rules-2019.1");
  EXPECT_THAT(outcome->refusal.text(), HasSubstr("R06_PORT_INTERVAL_120D"));
  EXPECT_THAT(outcome->number, EqualsProto(number));
  EXPECT_FALSE(outcome->expiry_timer.has_value());
  ASSERT_THAT(EventTypes(outcome->events), ElementsAre("AUTH_CODE_REFUSED"));
  EXPECT_THAT(outcome->events[0].detail, HasSubstr("R06_PORT_INTERVAL_120D"));

  // Exactly 120 days later the interval is over.
  *number.mutable_last_port_completed_at() = ToProto(now_ - absl::Hours(24 * 120));
  auto later = IssueAuthCode(facts_, number, Command(), policy_, now_);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->issued);
}

TEST_F(IssueAuthCodeTest, RefusesNonPortableRange) {
  facts_.kind = BlockKind::kSatellite;
  facts_.portable = false;
  auto outcome = IssueAuthCode(facts_, Number(), Command(), policy_, now_);
  ASSERT_TRUE(outcome.ok());
  EXPECT_FALSE(outcome->issued);
  EXPECT_THAT(Reasons(outcome->refusal), ElementsAre(npd::v1::REASON_CODE_R07_NON_PORTABLE_RANGE));
}

TEST_F(IssueAuthCodeTest, RefusesWhileAPortIsLive) {
  auto number = Number();
  number.set_live_port_id("P000000000001");
  auto outcome = IssueAuthCode(facts_, number, Command(), policy_, now_);
  ASSERT_TRUE(outcome.ok());
  EXPECT_FALSE(outcome->issued);
  EXPECT_THAT(Reasons(outcome->refusal), ElementsAre(npd::v1::REASON_CODE_R13_PORT_IN_PROGRESS));
}

TEST_F(IssueAuthCodeTest, RefusalListsEveryReasonInCodeOrder) {
  facts_.portable = false;
  auto number = Number();
  number.set_live_port_id("P000000000001");
  *number.mutable_last_port_completed_at() = ToProto(now_ - absl::Hours(1));
  number.mutable_auth_code()->set_state(AUTH_CODE_STATE_ACTIVE);
  number.mutable_auth_code()->set_generation(1);
  policy_.rule_version = "test-rules-7";
  auto outcome = IssueAuthCode(facts_, number, Command(), policy_, now_);
  ASSERT_TRUE(outcome.ok());
  EXPECT_FALSE(outcome->issued);
  EXPECT_THAT(Reasons(outcome->refusal), ElementsAre(npd::v1::REASON_CODE_R06_PORT_INTERVAL_120D,
                                                     npd::v1::REASON_CODE_R07_NON_PORTABLE_RANGE,
                                                     npd::v1::REASON_CODE_R13_PORT_IN_PROGRESS));
  EXPECT_EQ(outcome->refusal.rule_version(), "test-rules-7");
  EXPECT_THAT(outcome->refusal.text(), HasSubstr("R07_NON_PORTABLE_RANGE"));
  EXPECT_THAT(outcome->refusal.text(), HasSubstr("R13_PORT_IN_PROGRESS"));
  // The active code is left alone.
  EXPECT_THAT(outcome->number, EqualsProto(number));
}

TEST_F(IssueAuthCodeTest, UnsetCompletionTimeIsNoInterval) {
  auto number = Number();
  *number.mutable_last_port_completed_at() = google::protobuf::Timestamp();
  auto outcome = IssueAuthCode(facts_, number, Command(), policy_, absl::UnixEpoch());
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->issued);
}

class ExpireAuthCodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& code = *number_.mutable_auth_code();
    code.set_code_hash("hash");
    code.set_state(AUTH_CODE_STATE_ACTIVE);
    code.set_generation(3);
    *code.mutable_expires_at() = ToProto(expires_);
  }
  npd::store::v1::NumberRecord number_ = Number();
  absl::Time expires_ = Local(2024, 3, 1, 11, 15);
};

TEST_F(ExpireAuthCodeTest, ExpiresTheActiveCodeOfThatGenerationWhenDue) {
  auto outcome = ExpireAuthCode(number_, 3, expires_);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->number.auth_code().state(), AUTH_CODE_STATE_EXPIRED);
  EXPECT_EQ(outcome->number.auth_code().code_hash(), "hash");
  EXPECT_EQ(outcome->number.auth_code().generation(), 3);
  ASSERT_THAT(EventTypes(outcome->events), ElementsAre("AUTH_CODE_EXPIRED"));
  EXPECT_EQ(outcome->events[0].state_before, npd::v1::PORT_STATE_UNSPECIFIED);
  EXPECT_EQ(outcome->events[0].state_after, npd::v1::PORT_STATE_UNSPECIFIED);
  EXPECT_TRUE(ExpireAuthCode(number_, 3, expires_ + absl::Hours(5)).ok());
}

TEST_F(ExpireAuthCodeTest, NotYetDueIsAStaleTimer) {
  EXPECT_THAT(ExpireAuthCode(number_, 3, expires_ - absl::Microseconds(1)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(ExpireAuthCodeTest, ReplacedCodeIsAStaleTimer) {
  EXPECT_THAT(ExpireAuthCode(number_, 2, expires_),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(ExpireAuthCode(number_, 4, expires_),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(ExpireAuthCodeTest, InactiveCodeIsAStaleTimer) {
  for (auto state : {AUTH_CODE_STATE_USED, AUTH_CODE_STATE_EXPIRED, AUTH_CODE_STATE_REVOKED,
                     npd::store::v1::AUTH_CODE_STATE_UNSPECIFIED}) {
    number_.mutable_auth_code()->set_state(state);
    EXPECT_THAT(ExpireAuthCode(number_, 3, expires_),
                StatusIs(absl::StatusCode::kFailedPrecondition))
        << state;
  }
}

TEST(IssueThenExpireTest, TheIssuedTimerExpiresTheIssuedCode) {
  PortPolicy policy;
  const absl::Time now = Local(2024, 3, 1, 10, 0);
  auto issued = IssueAuthCode(BeijingCmccFacts(), Number(),
                              IssueAuthCodeCommand{"cmcc", "hash", "holder"}, policy, now);
  ASSERT_TRUE(issued.ok());
  const auto& timer = *issued->expiry_timer;
  auto expired = ExpireAuthCode(issued->number, timer.generation(), FromProto(timer.due_at()));
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(expired->number.auth_code().state(), AUTH_CODE_STATE_EXPIRED);

  // A code issued again before the timer fires makes the old timer stale.
  auto reissued = IssueAuthCode(BeijingCmccFacts(), issued->number,
                                IssueAuthCodeCommand{"cmcc", "hash2", "holder"}, policy,
                                now + absl::Minutes(10));
  ASSERT_TRUE(reissued.ok());
  EXPECT_THAT(ExpireAuthCode(reissued->number, timer.generation(), FromProto(timer.due_at())),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace npd::core
