// SubmitPort: the npd-side reasons R06-R14, the port it creates, and counting wrong codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "daemon/core/port_machine.h"
#include "tests/core/core_test_util.h"

namespace npd::core {
namespace {

using ::npd::core::testing::BeijingCmccFacts;
using ::npd::core::testing::EqualsProto;
using ::npd::core::testing::EventTypes;
using ::npd::core::testing::kBeijing;
using ::npd::core::testing::kMsisdn;
using ::npd::core::testing::kPortId;
using ::npd::core::testing::Local;
using ::npd::core::testing::Number;
using ::npd::core::testing::Reasons;
using ::npd::core::testing::StatusIs;
using ::npd::store::v1::AUTH_CODE_STATE_ACTIVE;
using ::npd::store::v1::AUTH_CODE_STATE_EXPIRED;
using ::npd::store::v1::AUTH_CODE_STATE_REVOKED;
using ::npd::store::v1::AUTH_CODE_STATE_USED;
using ::npd::store::v1::NumberRecord;
using ::npd::v1::ReasonCode;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr ReasonCode R06 = npd::v1::REASON_CODE_R06_PORT_INTERVAL_120D;
constexpr ReasonCode R07 = npd::v1::REASON_CODE_R07_NON_PORTABLE_RANGE;
constexpr ReasonCode R08 = npd::v1::REASON_CODE_R08_NOT_SAME_LOCAL_NETWORK;
constexpr ReasonCode R09 = npd::v1::REASON_CODE_R09_AUTH_CODE_INVALID;
constexpr ReasonCode R10 = npd::v1::REASON_CODE_R10_AUTH_CODE_EXPIRED;
constexpr ReasonCode R11 = npd::v1::REASON_CODE_R11_AUTH_CODE_USED;
constexpr ReasonCode R12 = npd::v1::REASON_CODE_R12_IDENTITY_MISMATCH;
constexpr ReasonCode R13 = npd::v1::REASON_CODE_R13_PORT_IN_PROGRESS;
constexpr ReasonCode R14 = npd::v1::REASON_CODE_R14_OUTSIDE_SERVICE_WINDOW;

// Everything a submit depends on, set up for a port that passes every rule: a Beijing CMCC number
// with an active code issued 10 minutes ago to "holder", submitted by CUCC in Beijing.
struct SubmitInputs {
  NumberFacts facts = BeijingCmccFacts();
  NumberRecord number = Number("cmcc");
  SubmitPortCommand command{.port_id = kPortId,
                            .recipient = "cucc",
                            .local_network = kBeijing,
                            .channel = npd::v1::CHANNEL_UNSPECIFIED,
                            .code_hash = "right-code",
                            .applicant_hash = "holder"};
  PortPolicy policy;
  absl::Time now = Local(2024, 3, 1, 10, 15);

  SubmitInputs() {
    auto& code = *number.mutable_auth_code();
    code.set_code_hash("right-code");
    code.set_holder_identity_hash("holder");
    code.set_issued_by("cmcc");
    *code.mutable_issued_at() = ToProto(now - absl::Minutes(10));
    *code.mutable_expires_at() = ToProto(now + absl::Minutes(50));
    code.set_state(AUTH_CODE_STATE_ACTIVE);
    code.set_generation(1);
  }

  absl::StatusOr<PortTransition> Submit() const {
    return SubmitPort(facts, number, command, policy, now);
  }
};

TEST(SubmitPortTest, AcceptedPortWaitsForTheDonor) {
  SubmitInputs in;
  auto t = in.Submit();
  ASSERT_TRUE(t.ok()) << t.status();

  npd::v1::Port expected;
  expected.set_port_id(kPortId);
  expected.set_msisdn(kMsisdn);
  expected.set_state(npd::v1::PORT_STATE_PENDING_DONOR);
  expected.set_donor("cmcc");
  expected.set_recipient("cucc");
  expected.set_range_holder("cmcc");
  expected.set_local_network(kBeijing);
  expected.set_channel(npd::v1::CHANNEL_HALL);
  *expected.mutable_submitted_at() = ToProto(in.now);
  *expected.mutable_donor_deadline_at() = ToProto(in.now + absl::Hours(1));
  expected.set_version(1);
  expected.set_kind(npd::v1::PORT_KIND_PORT);
  EXPECT_THAT(t->port, EqualsProto(expected));

  NumberRecord number = in.number;
  number.set_live_port_id(kPortId);
  number.mutable_auth_code()->set_state(AUTH_CODE_STATE_USED);
  EXPECT_THAT(t->number, EqualsProto(number));

  ASSERT_EQ(t->events.size(), 1u);
  EXPECT_EQ(t->events[0].type, "PORT_SUBMITTED");
  EXPECT_EQ(t->events[0].state_before, npd::v1::PORT_STATE_UNSPECIFIED);
  EXPECT_EQ(t->events[0].state_after, npd::v1::PORT_STATE_PENDING_DONOR);

  npd::store::v1::TimerRecord deadline;
  deadline.set_kind(npd::store::v1::TIMER_KIND_DONOR_DEADLINE);
  *deadline.mutable_due_at() = ToProto(in.now + absl::Hours(1));
  deadline.set_msisdn(kMsisdn);
  deadline.set_port_id(kPortId);
  npd::store::v1::TimerRecord stale = deadline;
  stale.set_kind(npd::store::v1::TIMER_KIND_STALE);
  *stale.mutable_due_at() = ToProto(in.now + absl::Hours(24 * 30));
  ASSERT_EQ(t->effects.arm_timers.size(), 2u);
  EXPECT_THAT(t->effects.arm_timers[0], EqualsProto(deadline));
  EXPECT_THAT(t->effects.arm_timers[1], EqualsProto(stale));
  EXPECT_FALSE(t->effects.broadcast.has_value());
}

TEST(SubmitPortTest, TimersFollowPolicyAndChannelIsKept) {
  SubmitInputs in;
  in.policy.donor_answer_time = absl::Hours(4);
  in.policy.stale_after = absl::Hours(24 * 7);
  in.command.channel = npd::v1::CHANNEL_ONLINE;
  auto t = in.Submit();
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->port.channel(), npd::v1::CHANNEL_ONLINE);
  EXPECT_EQ(FromProto(t->port.donor_deadline_at()), in.now + absl::Hours(4));
  EXPECT_EQ(FromProto(t->effects.arm_timers[0].due_at()), in.now + absl::Hours(4));
  EXPECT_EQ(FromProto(t->effects.arm_timers[1].due_at()), in.now + absl::Hours(24 * 7));
}

TEST(SubmitPortTest, DonorIsTheServingCarrierNotTheRangeHolder) {
  SubmitInputs in;
  in.number.set_serving_carrier("ctcc");
  auto t = in.Submit();
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->port.donor(), "ctcc");
  EXPECT_EQ(t->port.range_holder(), "cmcc");
}

TEST(SubmitPortTest, RecipientThatAlreadyServesTheNumberIsInvalid) {
  SubmitInputs in;
  in.command.recipient = "cmcc";
  EXPECT_THAT(in.Submit(),
              StatusIs(absl::StatusCode::kInvalidArgument, "recipient already serves this number"));
}

struct ReasonCase {
  const char* name;
  std::function<void(SubmitInputs&)> arrange;
  std::vector<ReasonCode> expected;
};

class SubmitReasonTest : public ::testing::TestWithParam<ReasonCase> {};

TEST_P(SubmitReasonTest, RejectsWithExactlyTheReasonsThatApply) {
  SubmitInputs in;
  GetParam().arrange(in);
  auto t = in.Submit();
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->port.state(), npd::v1::PORT_STATE_REJECTED);
  EXPECT_THAT(Reasons(t->port.refusal()), ElementsAreArray(GetParam().expected));
  for (ReasonCode reason : GetParam().expected) {
    EXPECT_THAT(t->port.refusal().text(), HasSubstr(ReasonName(reason)));
    EXPECT_THAT(t->events.front().detail, HasSubstr(ReasonName(reason)));
  }
  EXPECT_EQ(t->port.refusal().rule_version(), in.policy.rule_version);
  EXPECT_EQ(FromProto(t->port.closed_at()), in.now);
  EXPECT_FALSE(t->port.has_donor_deadline_at());
  EXPECT_EQ(t->port.version(), 1);
  EXPECT_EQ(t->events.front().type, "PORT_REJECTED");
  EXPECT_EQ(t->events.front().state_before, npd::v1::PORT_STATE_UNSPECIFIED);
  EXPECT_EQ(t->events.front().state_after, npd::v1::PORT_STATE_REJECTED);
  EXPECT_THAT(t->effects.arm_timers, IsEmpty());
  EXPECT_EQ(t->number.live_port_id(), in.number.live_port_id());
  EXPECT_EQ(t->number.auth_code().state(), in.number.auth_code().state())
      << "a rejected port consumes no code";
}

void SetCode(SubmitInputs& in, npd::store::v1::AuthCodeState state, const char* hash) {
  in.number.mutable_auth_code()->set_state(state);
  in.number.mutable_auth_code()->set_code_hash(hash);
}

INSTANTIATE_TEST_SUITE_P(
    EachReason, SubmitReasonTest,
    ::testing::Values(
        ReasonCase{"R06_LastPortTooRecent",
                   [](SubmitInputs& in) {
                     *in.number.mutable_last_port_completed_at() =
                         ToProto(in.now - absl::Hours(24 * 120) + absl::Seconds(1));
                   },
                   {R06}},
        ReasonCase{"R07_NonPortableRange",
                   [](SubmitInputs& in) {
                     in.facts.kind = BlockKind::kIot;
                     in.facts.portable = false;
                   },
                   {R07}},
        ReasonCase{"R08_OtherLocalNetwork",
                   [](SubmitInputs& in) { in.command.local_network = "021"; },
                   {R08}},
        ReasonCase{"R08_NumberWithoutLocalNetwork",
                   [](SubmitInputs& in) {
                     in.facts.local_network = "";
                     in.command.local_network = "";
                   },
                   {R08}},
        ReasonCase{"R09_NoCode", [](SubmitInputs& in) { in.number.clear_auth_code(); }, {R09}},
        ReasonCase{
            "R09_WrongCode", [](SubmitInputs& in) { in.command.code_hash = "wrong"; }, {R09}},
        ReasonCase{"R09_RevokedCode",
                   [](SubmitInputs& in) { SetCode(in, AUTH_CODE_STATE_REVOKED, "right-code"); },
                   {R09}},
        ReasonCase{"R09_WrongCodeForExpiredCode",
                   [](SubmitInputs& in) { SetCode(in, AUTH_CODE_STATE_EXPIRED, "other-code"); },
                   {R09}},
        ReasonCase{"R09_WrongCodeForUsedCode",
                   [](SubmitInputs& in) { SetCode(in, AUTH_CODE_STATE_USED, "other-code"); },
                   {R09}},
        ReasonCase{"R09_EmptyHashesNeverMatch",
                   [](SubmitInputs& in) {
                     SetCode(in, AUTH_CODE_STATE_ACTIVE, "");
                     in.command.code_hash = "";
                   },
                   {R09}},
        ReasonCase{"R10_ExpiredCode",
                   [](SubmitInputs& in) { SetCode(in, AUTH_CODE_STATE_EXPIRED, "right-code"); },
                   {R10}},
        ReasonCase{"R10_ActiveCodePastItsValidity",
                   [](SubmitInputs& in) {
                     *in.number.mutable_auth_code()->mutable_expires_at() = ToProto(in.now);
                   },
                   {R10}},
        ReasonCase{"R11_UsedCode",
                   [](SubmitInputs& in) { SetCode(in, AUTH_CODE_STATE_USED, "right-code"); },
                   {R11}},
        ReasonCase{"R12_OtherApplicant",
                   [](SubmitInputs& in) { in.command.applicant_hash = "someone-else"; },
                   {R12}},
        ReasonCase{"R12_EmptyIdentityHashesNeverMatch",
                   [](SubmitInputs& in) {
                     in.number.mutable_auth_code()->set_holder_identity_hash("");
                     in.command.applicant_hash = "";
                   },
                   {R12}},
        ReasonCase{"R13_LivePort",
                   [](SubmitInputs& in) { in.number.set_live_port_id("P000000000001"); },
                   {R13}},
        ReasonCase{"R14_Blackout",
                   [](SubmitInputs& in) {
                     in.policy.blackout.last_days_of_month = 2;
                     in.now = Local(2024, 2, 28, 9, 0);
                     *in.number.mutable_auth_code()->mutable_expires_at() =
                         ToProto(in.now + absl::Minutes(30));
                   },
                   {R14}},
        // R12 is only judged for an otherwise valid code.
        ReasonCase{"R12_NotJudgedForAnExpiredCode",
                   [](SubmitInputs& in) {
                     SetCode(in, AUTH_CODE_STATE_EXPIRED, "right-code");
                     in.command.applicant_hash = "someone-else";
                   },
                   {R10}},
        ReasonCase{"R12_NotJudgedForAWrongCode",
                   [](SubmitInputs& in) {
                     in.command.code_hash = "wrong";
                     in.command.applicant_hash = "someone-else";
                   },
                   {R09}},
        ReasonCase{"AllButCodeReasonsInCodeOrder",
                   [](SubmitInputs& in) {
                     in.policy.blackout.last_days_of_month = 31;
                     in.number.set_live_port_id("P000000000001");
                     in.command.applicant_hash = "someone-else";
                     in.command.local_network = "0755";
                     in.facts.portable = false;
                     *in.number.mutable_last_port_completed_at() = ToProto(in.now - absl::Hours(1));
                   },
                   {R06, R07, R08, R12, R13, R14}},
        ReasonCase{"EveryReasonWithoutACode",
                   [](SubmitInputs& in) {
                     in.policy.blackout.last_days_of_month = 31;
                     in.number.set_live_port_id("P000000000001");
                     in.number.clear_auth_code();
                     in.facts.local_network = "";
                     in.facts.portable = false;
                     *in.number.mutable_last_port_completed_at() = ToProto(in.now - absl::Hours(1));
                   },
                   {R06, R07, R08, R09, R13, R14}},
        ReasonCase{"UsedCodeAndLivePort",
                   [](SubmitInputs& in) {
                     SetCode(in, AUTH_CODE_STATE_USED, "right-code");
                     in.number.set_live_port_id("P000000000001");
                   },
                   {R11, R13}}),
    [](const ::testing::TestParamInfo<ReasonCase>& info) { return info.param.name; });

TEST(SubmitPortTest, PortIntervalEndsExactlyAfterTheConfiguredTime) {
  SubmitInputs in;
  *in.number.mutable_last_port_completed_at() = ToProto(in.now - absl::Hours(24 * 120));
  auto t = in.Submit();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->port.state(), npd::v1::PORT_STATE_PENDING_DONOR);
}

TEST(SubmitPortTest, CodeIsValidUpToItsExpiry) {
  SubmitInputs in;
  *in.number.mutable_auth_code()->mutable_expires_at() = ToProto(in.now + absl::Microseconds(1));
  auto t = in.Submit();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->port.state(), npd::v1::PORT_STATE_PENDING_DONOR);
}

TEST(SubmitPortTest, RejectedPortKeepsTheOtherLivePortAndTheCode) {
  SubmitInputs in;
  in.number.set_live_port_id("P000000000001");
  auto t = in.Submit();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->port.state(), npd::v1::PORT_STATE_REJECTED);
  EXPECT_THAT(t->number, EqualsProto(in.number));
  EXPECT_THAT(EventTypes(t->events), ElementsAre("PORT_REJECTED"));
}

TEST(SubmitPortTest, WrongCodeCountsAnAttempt) {
  SubmitInputs in;
  in.command.code_hash = "wrong";
  auto t = in.Submit();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->number.auth_code().failed_attempts(), 1);
  EXPECT_EQ(t->number.auth_code().state(), AUTH_CODE_STATE_ACTIVE);
  EXPECT_THAT(EventTypes(t->events), ElementsAre("PORT_REJECTED"));
}

TEST(SubmitPortTest, CodeIsRevokedAtTheAttemptLimit) {
  SubmitInputs in;
  NumberRecord number = in.number;
  for (int attempt = 1; attempt <= 5; ++attempt) {
    SubmitInputs wrong;
    wrong.number = number;
    wrong.command.code_hash = "guess-" + std::to_string(attempt);
    auto t = wrong.Submit();
    ASSERT_TRUE(t.ok());
    EXPECT_THAT(Reasons(t->port.refusal()), ElementsAre(R09));
    EXPECT_EQ(t->number.auth_code().failed_attempts(), attempt);
    if (attempt < 5) {
      EXPECT_EQ(t->number.auth_code().state(), AUTH_CODE_STATE_ACTIVE) << attempt;
      EXPECT_THAT(EventTypes(t->events), ElementsAre("PORT_REJECTED"));
    } else {
      EXPECT_EQ(t->number.auth_code().state(), AUTH_CODE_STATE_REVOKED);
      ASSERT_THAT(EventTypes(t->events), ElementsAre("PORT_REJECTED", "AUTH_CODE_REVOKED"));
      EXPECT_EQ(t->events[1].state_before, npd::v1::PORT_STATE_UNSPECIFIED);
      EXPECT_EQ(t->events[1].state_after, npd::v1::PORT_STATE_UNSPECIFIED);
    }
    number = t->number;
  }
  // The right code no longer works once revoked, and counts nothing more.
  SubmitInputs right;
  right.number = number;
  auto t = right.Submit();
  ASSERT_TRUE(t.ok());
  EXPECT_THAT(Reasons(t->port.refusal()), ElementsAre(R09));
  EXPECT_EQ(t->number.auth_code().failed_attempts(), 5);
  EXPECT_THAT(EventTypes(t->events), ElementsAre("PORT_REJECTED"));
}

TEST(SubmitPortTest, AttemptLimitFollowsPolicy) {
  SubmitInputs in;
  in.policy.max_failed_code_attempts = 1;
  in.command.code_hash = "wrong";
  auto t = in.Submit();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->number.auth_code().state(), AUTH_CODE_STATE_REVOKED);
  EXPECT_THAT(EventTypes(t->events), ElementsAre("PORT_REJECTED", "AUTH_CODE_REVOKED"));
}

TEST(SubmitPortTest, OnlyWrongCodesAgainstAnActiveCodeCount) {
  // Right code but another reason: no attempt.
  SubmitInputs other_network;
  other_network.command.local_network = "021";
  auto t = other_network.Submit();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->number.auth_code().failed_attempts(), 0);

  // Wrong code against a used or expired code: nothing left to protect.
  for (auto state : {AUTH_CODE_STATE_USED, AUTH_CODE_STATE_EXPIRED}) {
    SubmitInputs in;
    in.number.mutable_auth_code()->set_state(state);
    in.command.code_hash = "wrong";
    auto r = in.Submit();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->number.auth_code().failed_attempts(), 0) << state;
    EXPECT_EQ(r->number.auth_code().state(), state);
  }
}

}  // namespace
}  // namespace npd::core
