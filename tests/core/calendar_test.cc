#include "daemon/core/calendar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/core/core_test_util.h"

namespace npd::core {
namespace {

using ::npd::core::testing::Local;
using ::npd::core::testing::StatusIs;

TEST(ShanghaiTimeTest, IsUtcPlusEightAllYear) {
  const absl::TimeZone zone = ShanghaiTime();
  EXPECT_EQ(
      absl::ToCivilHour(absl::FromCivil(absl::CivilHour(2024, 1, 1, 0), absl::UTCTimeZone()), zone),
      absl::CivilHour(2024, 1, 1, 8));
  // July too: no daylight saving time.
  EXPECT_EQ(absl::ToCivilHour(absl::FromCivil(absl::CivilHour(2024, 7, 1, 20), absl::UTCTimeZone()),
                              zone),
            absl::CivilHour(2024, 7, 2, 4));
}

TEST(ParseCutoverModeTest, KnowsTheThreeModes) {
  EXPECT_EQ(ParseCutoverMode("next_hour").value(), CutoverPolicy::Mode::kNextHour);
  EXPECT_EQ(ParseCutoverMode("immediate").value(), CutoverPolicy::Mode::kImmediate);
  EXPECT_EQ(ParseCutoverMode("window").value(), CutoverPolicy::Mode::kWindow);
  EXPECT_THAT(ParseCutoverMode("nexthour"),
              StatusIs(absl::StatusCode::kInvalidArgument, "next_hour, immediate or window"));
  EXPECT_THAT(ParseCutoverMode(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseCutoverMode("Window"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ParseTimeOfDayTest, AcceptsHhMm) {
  EXPECT_EQ(ParseTimeOfDay("00:00").value(), absl::ZeroDuration());
  EXPECT_EQ(ParseTimeOfDay("02:00").value(), absl::Hours(2));
  EXPECT_EQ(ParseTimeOfDay("23:59").value(), absl::Hours(23) + absl::Minutes(59));
  EXPECT_EQ(ParseTimeOfDay(" 06:30 ").value(), absl::Hours(6) + absl::Minutes(30));
}

TEST(ParseTimeOfDayTest, RejectsAnythingElse) {
  for (const char* bad :
       {"24:00", "12:60", "2:00", "02:0", "0200", "02-00", "", "ab:cd", "-1:00", "02:00:00"}) {
    EXPECT_THAT(ParseTimeOfDay(bad), StatusIs(absl::StatusCode::kInvalidArgument, "HH:MM")) << bad;
  }
}

CutoverPolicy NextHour() { return CutoverPolicy{}; }
CutoverPolicy Window(absl::Duration start, absl::Duration end) {
  CutoverPolicy policy;
  policy.mode = CutoverPolicy::Mode::kWindow;
  policy.window_start = start;
  policy.window_end = end;
  return policy;
}

TEST(NextCutoverTest, NextHourIsTheNextWholeHourStrictlyAfterApproval) {
  EXPECT_EQ(NextCutover(NextHour(), Local(2024, 3, 1, 10, 0, 0)), Local(2024, 3, 1, 11));
  EXPECT_EQ(NextCutover(NextHour(), Local(2024, 3, 1, 10, 0, 0) + absl::Milliseconds(500)),
            Local(2024, 3, 1, 11));
  EXPECT_EQ(NextCutover(NextHour(), Local(2024, 3, 1, 10, 0, 0) + absl::Microseconds(1)),
            Local(2024, 3, 1, 11));
  EXPECT_EQ(NextCutover(NextHour(), Local(2024, 3, 1, 10, 59, 59) + absl::Milliseconds(999)),
            Local(2024, 3, 1, 11));
  EXPECT_EQ(NextCutover(NextHour(), Local(2024, 3, 1, 10, 30)), Local(2024, 3, 1, 11));
}

TEST(NextCutoverTest, NextHourRollsOverDayMonthAndYear) {
  EXPECT_EQ(NextCutover(NextHour(), Local(2024, 2, 29, 23, 30)), Local(2024, 3, 1, 0));
  EXPECT_EQ(NextCutover(NextHour(), Local(2024, 12, 31, 23, 0)), Local(2025, 1, 1, 0));
}

TEST(NextCutoverTest, ImmediateIsTheApprovalTime) {
  CutoverPolicy policy;
  policy.mode = CutoverPolicy::Mode::kImmediate;
  const absl::Time at = Local(2024, 3, 1, 10, 17, 3) + absl::Microseconds(12);
  EXPECT_EQ(NextCutover(policy, at), at);
}

TEST(NextCutoverTest, WindowInsideIsTheApprovalTime) {
  const CutoverPolicy policy = Window(absl::Hours(2), absl::Hours(6));
  EXPECT_EQ(NextCutover(policy, Local(2024, 3, 1, 2, 0)), Local(2024, 3, 1, 2, 0));
  EXPECT_EQ(NextCutover(policy, Local(2024, 3, 1, 4, 15)), Local(2024, 3, 1, 4, 15));
  EXPECT_EQ(NextCutover(policy, Local(2024, 3, 1, 5, 59, 59)), Local(2024, 3, 1, 5, 59, 59));
}

TEST(NextCutoverTest, WindowOutsideIsTheNextOpening) {
  const CutoverPolicy policy = Window(absl::Hours(2), absl::Hours(6));
  EXPECT_EQ(NextCutover(policy, Local(2024, 3, 1, 0, 0)), Local(2024, 3, 1, 2, 0));
  EXPECT_EQ(NextCutover(policy, Local(2024, 3, 1, 1, 59, 59)), Local(2024, 3, 1, 2, 0));
  // The end is exclusive.
  EXPECT_EQ(NextCutover(policy, Local(2024, 3, 1, 6, 0)), Local(2024, 3, 2, 2, 0));
  EXPECT_EQ(NextCutover(policy, Local(2024, 3, 1, 23, 59, 59)), Local(2024, 3, 2, 2, 0));
  EXPECT_EQ(NextCutover(policy, Local(2024, 12, 31, 12, 0)), Local(2025, 1, 1, 2, 0));
}

TEST(NextCutoverTest, WindowSpanningMidnight) {
  const CutoverPolicy policy = Window(absl::Hours(22), absl::Hours(2));
  // Inside: both sides of midnight, and the start itself.
  EXPECT_EQ(NextCutover(policy, Local(2024, 3, 1, 22, 0)), Local(2024, 3, 1, 22, 0));
  EXPECT_EQ(NextCutover(policy, Local(2024, 3, 1, 23, 30)), Local(2024, 3, 1, 23, 30));
  EXPECT_EQ(NextCutover(policy, Local(2024, 3, 2, 0, 0)), Local(2024, 3, 2, 0, 0));
  EXPECT_EQ(NextCutover(policy, Local(2024, 3, 2, 1, 59, 59)), Local(2024, 3, 2, 1, 59, 59));
  // Outside: the opening later the same day.
  EXPECT_EQ(NextCutover(policy, Local(2024, 3, 2, 2, 0)), Local(2024, 3, 2, 22, 0));
  EXPECT_EQ(NextCutover(policy, Local(2024, 3, 2, 12, 0)), Local(2024, 3, 2, 22, 0));
  EXPECT_EQ(NextCutover(policy, Local(2024, 3, 2, 21, 59, 59)), Local(2024, 3, 2, 22, 0));
}

TEST(NextCutoverTest, WindowUsesShanghaiNotUtcDays) {
  const CutoverPolicy policy = Window(absl::Hours(2), absl::Hours(6));
  // 2024-03-01 19:00 UTC is 03:00 on 2 March in Shanghai: inside the window.
  const absl::Time at =
      absl::FromCivil(absl::CivilSecond(2024, 3, 1, 19, 0, 0), absl::UTCTimeZone());
  EXPECT_EQ(NextCutover(policy, at), at);
  // 2024-03-01 23:00 UTC is 07:00 on 2 March in Shanghai: next opening is 3 March 02:00.
  const absl::Time later =
      absl::FromCivil(absl::CivilSecond(2024, 3, 1, 23, 0, 0), absl::UTCTimeZone());
  EXPECT_EQ(NextCutover(policy, later), Local(2024, 3, 3, 2, 0));
}

TEST(NextCutoverTest, NeverBeforeApproval) {
  for (CutoverPolicy policy : {NextHour(), Window(absl::Hours(2), absl::Hours(6)),
                               Window(absl::Hours(22), absl::Hours(2))}) {
    for (absl::Time t = Local(2024, 3, 1, 0, 0); t < Local(2024, 3, 3, 0, 0);
         t += absl::Minutes(7)) {
      const absl::Time cutover = NextCutover(policy, t);
      EXPECT_GE(cutover, t);
      EXPECT_LE(cutover - t, absl::Hours(24));
    }
  }
}

BlackoutPolicy LastDays(int n) { return BlackoutPolicy{.last_days_of_month = n}; }

TEST(InBlackoutTest, DisabledByDefault) {
  EXPECT_FALSE(InBlackout(BlackoutPolicy{}, Local(2024, 2, 29, 12)));
  EXPECT_FALSE(InBlackout(LastDays(0), Local(2024, 1, 31, 12)));
}

TEST(InBlackoutTest, LastTwoDaysOfFebruaryInALeapYear) {
  EXPECT_FALSE(InBlackout(LastDays(2), Local(2024, 2, 27, 23, 59, 59)));
  EXPECT_TRUE(InBlackout(LastDays(2), Local(2024, 2, 28, 0, 0)));
  EXPECT_TRUE(InBlackout(LastDays(2), Local(2024, 2, 29, 23, 59, 59)));
  EXPECT_FALSE(InBlackout(LastDays(2), Local(2024, 3, 1, 0, 0)));
}

TEST(InBlackoutTest, LastTwoDaysOfFebruaryInACommonYear) {
  EXPECT_FALSE(InBlackout(LastDays(2), Local(2023, 2, 26, 23, 59, 59)));
  EXPECT_TRUE(InBlackout(LastDays(2), Local(2023, 2, 27, 0, 0)));
  EXPECT_TRUE(InBlackout(LastDays(2), Local(2023, 2, 28, 12, 0)));
  EXPECT_FALSE(InBlackout(LastDays(2), Local(2023, 3, 1, 0, 0)));
  // 2100 is not a leap year; 2000 was.
  EXPECT_TRUE(InBlackout(LastDays(1), Local(2100, 2, 28, 12, 0)));
  EXPECT_FALSE(InBlackout(LastDays(1), Local(2000, 2, 28, 12, 0)));
}

TEST(InBlackoutTest, ThirtyAndThirtyOneDayMonths) {
  EXPECT_FALSE(InBlackout(LastDays(2), Local(2024, 4, 28, 12)));
  EXPECT_TRUE(InBlackout(LastDays(2), Local(2024, 4, 29, 12)));
  EXPECT_FALSE(InBlackout(LastDays(2), Local(2024, 1, 29, 12)));
  EXPECT_TRUE(InBlackout(LastDays(2), Local(2024, 1, 30, 12)));
  EXPECT_TRUE(InBlackout(LastDays(2), Local(2024, 12, 31, 23, 59, 59)));
  EXPECT_FALSE(InBlackout(LastDays(2), Local(2025, 1, 1, 0, 0)));
}

TEST(InBlackoutTest, UsesShanghaiCalendarDays) {
  // 2024-02-27 16:00 UTC is 28 February 00:00 in Shanghai.
  const absl::Time midnight =
      absl::FromCivil(absl::CivilSecond(2024, 2, 27, 16, 0, 0), absl::UTCTimeZone());
  EXPECT_TRUE(InBlackout(LastDays(2), midnight));
  EXPECT_FALSE(InBlackout(LastDays(2), midnight - absl::Seconds(1)));
}

TEST(InBlackoutTest, MoreDaysThanTheMonthBlocksTheWholeMonth) {
  EXPECT_TRUE(InBlackout(LastDays(31), Local(2024, 2, 1, 0)));
  EXPECT_TRUE(InBlackout(LastDays(29), Local(2024, 2, 1, 0)));
  EXPECT_FALSE(InBlackout(LastDays(28), Local(2024, 2, 1, 0)));
}

TEST(TimeConvertTest, RoundTripsWithMicrosecondPrecision) {
  const absl::Time t = Local(2024, 3, 1, 10, 0, 0) + absl::Microseconds(123456);
  const google::protobuf::Timestamp ts = ToProto(t);
  EXPECT_EQ(ts.seconds(), absl::ToUnixSeconds(Local(2024, 3, 1, 10, 0, 0)));
  EXPECT_EQ(ts.nanos(), 123456000);
  EXPECT_EQ(FromProto(ts), t);
}

TEST(TimeConvertTest, DropsNanosecondsTowardThePast) {
  const absl::Time t = absl::FromUnixSeconds(100) + absl::Nanoseconds(1999);
  EXPECT_EQ(ToProto(t).nanos(), 1000);
  google::protobuf::Timestamp ts;
  ts.set_seconds(100);
  ts.set_nanos(1999);
  EXPECT_EQ(FromProto(ts), absl::FromUnixSeconds(100) + absl::Microseconds(1));
}

TEST(TimeConvertTest, BeforeTheEpochKeepsNanosNonNegative) {
  const absl::Time t = absl::FromUnixSeconds(-10) + absl::Microseconds(250000);
  const google::protobuf::Timestamp ts = ToProto(t);
  EXPECT_EQ(ts.seconds(), -10);
  EXPECT_EQ(ts.nanos(), 250000000);
  EXPECT_EQ(FromProto(ts), t);
  const google::protobuf::Timestamp before = ToProto(absl::FromUnixMicros(-1));
  EXPECT_EQ(before.seconds(), -1);
  EXPECT_EQ(before.nanos(), 999999000);
}

TEST(TimeConvertTest, UnsetTimestampIsTheEpoch) {
  EXPECT_EQ(FromProto(google::protobuf::Timestamp()), absl::UnixEpoch());
}

}  // namespace
}  // namespace npd::core
