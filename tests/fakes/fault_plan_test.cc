// Fault plans: validation, precedence, rates, and the same sequence from the same seed.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/fakes/fake_outside.h"
#include "tests/fakes/fakes_test_util.h"

namespace npd::fakes {
namespace {

std::vector<int> DrawBits(uint64_t seed, const FaultPlan& plan, int n) {
  absl::Notification never;
  FaultInjector injector(plan, seed, &never);
  std::vector<int> bits;
  for (int i = 0; i < n; ++i) {
    const FaultDraw d = injector.Draw(/*has_effect=*/true);
    bits.push_back(d.error | d.timeout << 1 | d.slow << 2 | d.crash_after_effect << 3 |
                   d.duplicate_callback << 4 | d.out_of_order_callback << 5);
  }
  return bits;
}

TEST(FaultPlanTest, ValidateRejectsRatesOutsideZeroToOne) {
  EXPECT_TRUE(FaultPlan::Uniform(0.3).Validate().ok());
  EXPECT_EQ(FaultPlan{.timeout = 1.5}.Validate().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FaultPlan{.slow = -0.1}.Validate().code(), absl::StatusCode::kInvalidArgument);
  FakeOutsideOptions options;
  options.sms_faults.error = 2;
  FakeOutside outside(options);
  EXPECT_EQ(outside.Start().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(FaultPlanTest, SameSeedSameSequenceOtherSeedOtherSequence) {
  const FaultPlan plan = FaultPlan::Uniform(0.3);
  const std::vector<int> a = DrawBits(42, plan, 500);
  EXPECT_EQ(DrawBits(42, plan, 500), a);
  EXPECT_NE(DrawBits(43, plan, 500), a);
}

TEST(FaultPlanTest, ErrorWinsAndRatesAreRoughlyKept) {
  absl::Notification never;
  FaultInjector all(FaultPlan::Uniform(1.0), 7, &never);
  for (int i = 0; i < 10; ++i) {
    const FaultDraw d = all.Draw(true);
    EXPECT_TRUE(d.error);
    EXPECT_FALSE(d.timeout || d.slow || d.crash_after_effect || d.duplicate_callback ||
                 d.out_of_order_callback);
  }
  EXPECT_EQ(all.counts()[static_cast<int>(FaultKind::kError)], 10u);
  EXPECT_EQ(all.counts()[static_cast<int>(FaultKind::kTimeout)], 0u);

  FaultInjector some(FaultPlan{.error = 0.3, .timeout = 0.2}, 7, &never);
  for (int i = 0; i < 10000; ++i) some.Draw(false);
  EXPECT_NEAR(some.counts()[static_cast<int>(FaultKind::kError)], 3000, 200);
  // Timeouts only where no error: 0.7 * 0.2.
  EXPECT_NEAR(some.counts()[static_cast<int>(FaultKind::kTimeout)], 1400, 150);
}

TEST(FaultPlanTest, CrashAfterEffectOnlyWhereThereIsAnEffectAndWinsOverTimeout) {
  absl::Notification never;
  FaultInjector injector(FaultPlan{.timeout = 1.0, .crash_after_effect = 1.0}, 3, &never);
  FaultDraw with_effect = injector.Draw(true);
  EXPECT_TRUE(with_effect.crash_after_effect);
  EXPECT_FALSE(with_effect.timeout);
  FaultDraw read_only = injector.Draw(false);
  EXPECT_FALSE(read_only.crash_after_effect);
  EXPECT_TRUE(read_only.timeout);
}

// The same seed and the same calls give the same answers over gRPC, and the same counts.
TEST(FaultPlanTest, SeededFaultsReproduceOverGrpc) {
  auto run = [](uint64_t seed) {
    FakeOutsideOptions options;
    options.seed = seed;
    options.SetAllFaults(FaultPlan{.error = 0.4, .crash_after_effect = 0.2});
    FakeOutside outside(options);
    testing::OutsideClient client(outside.Start().value());
    std::vector<int> codes;
    for (int i = 0; i < 40; ++i) {
      npd::ext::v1::SendSmsResponse sms;
      npd::ext::v1::PayResponse pay;
      const std::string refund = absl::StrCat("R0000000000", 10 + i);
      codes.push_back(client.Sms(refund, "13800138000", &sms).error_code());
      codes.push_back(client.Pay(refund, 1, 100, &pay).error_code());
    }
    return std::make_pair(codes, outside.faults());
  };
  const auto [codes, counts] = run(20240601);
  const auto [codes_again, counts_again] = run(20240601);
  EXPECT_EQ(codes_again, codes);
  EXPECT_EQ(counts_again, counts);
  EXPECT_GT(counts[static_cast<int>(FaultKind::kError)], 0u);
  EXPECT_GT(counts[static_cast<int>(FaultKind::kCrashAfterEffect)], 0u);
  EXPECT_NE(run(1).first, codes);
}

}  // namespace
}  // namespace npd::fakes
