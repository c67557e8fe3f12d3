// The donor's decision rules: deterministic per seed and port, and honouring the ratios.
#include "clients/carrier_sim/donor_policy.h"

#include <map>

#include <gtest/gtest.h>

namespace npd::carrier_sim {
namespace {

using Kind = DonorDecision::Kind;

std::string PortId(int i) {
  return "P" + std::string(12 - std::to_string(i).size(), '0') + std::to_string(i);
}

std::map<Kind, int> Tally(const DonorPolicy& policy, int ports) {
  std::map<Kind, int> tally;
  for (int i = 1; i <= ports; ++i) ++tally[Decide(policy, PortId(i)).kind];
  return tally;
}

TEST(DonorPolicyTest, TheDefaultApprovesEverything) {
  EXPECT_EQ(Tally(DonorPolicy(), 200)[Kind::kApprove], 200);
}

TEST(DonorPolicyTest, RatiosAreHonouredApproximately) {
  DonorPolicy policy;
  policy.approve_ratio = 0.5;
  policy.silence_ratio = 0.2;
  auto tally = Tally(policy, 2000);
  EXPECT_NEAR(tally[Kind::kSilence], 400, 80);
  EXPECT_NEAR(tally[Kind::kApprove], 800, 100);
  EXPECT_NEAR(tally[Kind::kReject], 800, 100);
}

TEST(DonorPolicyTest, RejectionsPickOnlyTheConfiguredReasonsAndCarryANote) {
  DonorPolicy policy;
  policy.approve_ratio = 0;
  policy.reject_reasons = {npd::v1::REASON_CODE_R01_NOT_REAL_NAME,
                           npd::v1::REASON_CODE_R99_OTHER_POLICY};
  std::map<npd::v1::ReasonCode, int> reasons;
  for (int i = 1; i <= 200; ++i) {
    const DonorDecision decision = Decide(policy, PortId(i));
    ASSERT_EQ(decision.kind, Kind::kReject);
    EXPECT_FALSE(decision.note.empty());
    ++reasons[decision.reason];
  }
  EXPECT_EQ(reasons.size(), 2u);
  EXPECT_GT(reasons[npd::v1::REASON_CODE_R01_NOT_REAL_NAME], 50);
  EXPECT_GT(reasons[npd::v1::REASON_CODE_R99_OTHER_POLICY], 50);
}

TEST(DonorPolicyTest, SilenceRatioOneNeverAnswers) {
  DonorPolicy policy;
  policy.silence_ratio = 1;
  EXPECT_EQ(Tally(policy, 100)[Kind::kSilence], 100);
}

TEST(DonorPolicyTest, TheSameSeedAndPortGiveTheSameDecisionAndSeedsDiffer) {
  DonorPolicy a;
  a.approve_ratio = 0.5;
  a.seed = 7;
  DonorPolicy b = a;
  b.seed = 8;
  int differing = 0;
  for (int i = 1; i <= 100; ++i) {
    EXPECT_EQ(Decide(a, PortId(i)).kind, Decide(a, PortId(i)).kind);
    differing += Decide(a, PortId(i)).kind != Decide(b, PortId(i)).kind;
  }
  EXPECT_GT(differing, 20);
}

TEST(DonorPolicyTest, ValidationRefusesNpdReasonsAndBadRatios) {
  DonorPolicy policy;
  EXPECT_TRUE(ValidateDonorPolicy(policy).ok());
  policy.reject_reasons = {npd::v1::REASON_CODE_R06_PORT_INTERVAL_120D};
  EXPECT_EQ(ValidateDonorPolicy(policy).code(), absl::StatusCode::kInvalidArgument);
  policy.reject_reasons = {};
  policy.approve_ratio = 0.5;
  EXPECT_FALSE(ValidateDonorPolicy(policy).ok());
  policy = DonorPolicy();
  policy.silence_ratio = 1.5;
  EXPECT_FALSE(ValidateDonorPolicy(policy).ok());
}

TEST(DonorPolicyTest, TheAnswerRequestIdDerivesFromThePort) {
  EXPECT_EQ(AnswerRequestId("P000000000001"), "sim-answer-P000000000001");
}

}  // namespace
}  // namespace npd::carrier_sim
