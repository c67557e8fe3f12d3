#include "clients/client/report_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace npd::client {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::Optional;
using ::testing::Property;

// 2026-11-01T00:00:00+08:00 and 2026-12-01T00:00:00+08:00.
constexpr int64_t kNovember = 1793462400;
constexpr int64_t kDecember = 1796054400;

auto Seconds(int64_t seconds) {
  return Optional(Property(&google::protobuf::Timestamp::seconds, seconds));
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  return fields;
}

npd::v1::Report SampleReport() {
  npd::v1::Report report;
  report.mutable_from()->set_seconds(kNovember);
  report.mutable_to()->set_seconds(kDecember);
  report.set_last_event_sequence(1234);
  report.set_events_in_window(56);
  npd::v1::CarrierReport& cmcc = *report.add_carriers();
  cmcc.set_carrier("cmcc");
  cmcc.set_ports_out(12);
  cmcc.set_refused_out(2);
  auto& r03 = *cmcc.add_refusals();
  r03.set_reason(npd::v1::REASON_CODE_R03_ARREARS_BILLED);
  r03.set_ports_out(2);
  cmcc.mutable_donor_answers()->set_count(3);
  cmcc.mutable_donor_answers()->set_median_seconds(1800);
  cmcc.mutable_donor_answers()->set_p95_seconds(7260);
  cmcc.set_donor_answers_on_time(2);
  cmcc.set_donor_deemed_approvals(1);
  cmcc.set_donor_on_time_share(0.5);
  cmcc.set_refunds_opened(1);
  auto& paid = *cmcc.add_refund_cases();
  paid.set_state(npd::v1::REFUND_STATE_CLOSED_PAID);
  paid.set_cases(1);
  cmcc.set_refunds_paid(1);
  cmcc.set_refunds_paid_fen(8200);
  npd::v1::CarrierReport& cucc = *report.add_carriers();
  cucc.set_carrier("cucc");
  cucc.set_ports_in(12);
  auto& r03_in = *cucc.add_refusals();
  r03_in.set_reason(npd::v1::REASON_CODE_R03_ARREARS_BILLED);
  r03_in.set_ports_in(2);
  return report;
}

TEST(ParseReportTimeTest, ADateIsTheStartOfThatDayInChina) {
  EXPECT_THAT(ParseReportTime("2026-11-01"), Seconds(kNovember));
  EXPECT_THAT(ParseReportTime("2026-12-01"), Seconds(kDecember));
}

TEST(ParseReportTimeTest, Rfc3339WithAnOffsetOrZ) {
  EXPECT_THAT(ParseReportTime("2026-11-01T08:30:00+08:00"), Seconds(kNovember + 8 * 3600 + 1800));
  EXPECT_THAT(ParseReportTime("2026-10-31T16:00:00Z"), Seconds(kNovember));
  auto fraction = ParseReportTime("2026-10-31T16:00:00.25Z");
  ASSERT_TRUE(fraction.has_value());
  EXPECT_EQ(fraction->nanos(), 250000000);
}

TEST(ParseReportTimeTest, RefusesAnythingElse) {
  for (const char* text : {"", "2026-13-01", "2026-02-30", "2026-11-1", "01/11/2026", "yesterday",
                           "2026-11-01T08:30:00", "2026-11-01 08:30", "2026-11-01x"}) {
    EXPECT_EQ(ParseReportTime(text), std::nullopt) << text;
  }
}

TEST(DurationTextTest, ShortUnits) {
  EXPECT_EQ(DurationText(0), "0s");
  EXPECT_EQ(DurationText(45), "45s");
  EXPECT_EQ(DurationText(725), "12m05s");
  EXPECT_EQ(DurationText(3600 * 3 + 4 * 60 + 59), "3h04m");
  EXPECT_EQ(DurationText(86400 * 2 + 3 * 3600 + 1), "2d03h");
  EXPECT_EQ(DurationText(-90), "-1m30s");
}

TEST(ReportTableTest, OneLinePerFigureOneColumnPerCarrier) {
  const std::vector<std::string> lines = Lines(ReportTable(SampleReport()));
  ASSERT_GE(lines.size(), 10u);
  EXPECT_EQ(lines[0],
            "report 2026-11-01T00:00:00+08:00 to 2026-12-01T00:00:00+08:00 (events up to #1234, "
            "56 in the window)");
  EXPECT_THAT(lines, Contains(MatchesRegex(" +cmcc +cucc")));
  EXPECT_THAT(lines, Contains(MatchesRegex("ports out \\(completed\\) +12 +0")));
  EXPECT_THAT(lines, Contains(MatchesRegex("  R03_ARREARS_BILLED in/out +0/2 +2/0")));
  EXPECT_THAT(lines, Contains(MatchesRegex("donor answer time +30m00s / 2h01m \\(n=3\\) +-")));
  EXPECT_THAT(lines, Contains(MatchesRegex("submit to completion in +- +-")));
  EXPECT_THAT(lines, Contains(MatchesRegex("donor on-time share +50\\.0% +-")));
  EXPECT_THAT(lines, Contains(MatchesRegex("  now CLOSED_PAID +1 +0")));
  EXPECT_THAT(lines, Contains(MatchesRegex("refunds paid amount +82\\.00 CNY +0\\.00 CNY")));
  // Right-aligned columns: every line below the heading is as long as the others.
  for (size_t i = 2; i < lines.size(); ++i) EXPECT_EQ(lines[i].size(), lines[1].size()) << lines[i];
  // Only reasons and states that occur get a line.
  EXPECT_THAT(ReportTable(SampleReport()), Not(HasSubstr("R05")));
  EXPECT_THAT(ReportTable(SampleReport()), Not(HasSubstr("STUCK")));
}

TEST(ReportCsvTest, HeaderThenOneRowPerCarrierWithFixedColumns) {
  const std::vector<std::string> lines = Lines(ReportCsv(SampleReport()));
  ASSERT_EQ(lines.size(), 3u);
  const std::vector<std::string> header = Fields(lines[0]);
  const std::vector<std::string> cmcc = Fields(lines[1]);
  const std::vector<std::string> cucc = Fields(lines[2]);
  ASSERT_EQ(cmcc.size(), header.size());
  ASSERT_EQ(cucc.size(), header.size());
  auto value = [&](const std::vector<std::string>& row, const std::string& column) {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == column) return row[i];
    }
    ADD_FAILURE() << "no column " << column;
    return std::string();
  };
  EXPECT_EQ(header[0], "from");
  EXPECT_EQ(value(cmcc, "from"), "2026-11-01T00:00:00+08:00");
  EXPECT_EQ(value(cmcc, "to"), "2026-12-01T00:00:00+08:00");
  EXPECT_EQ(value(cmcc, "carrier"), "cmcc");
  EXPECT_EQ(value(cucc, "carrier"), "cucc");
  EXPECT_EQ(value(cmcc, "ports_out"), "12");
  EXPECT_EQ(value(cucc, "ports_in"), "12");
  EXPECT_EQ(value(cmcc, "donor_answers_count"), "3");
  EXPECT_EQ(value(cmcc, "donor_answers_median_s"), "1800");
  EXPECT_EQ(value(cmcc, "donor_answers_p95_s"), "7260");
  EXPECT_EQ(value(cmcc, "donor_on_time_share"), "0.5000");
  EXPECT_EQ(value(cmcc, "refunds_paid_fen"), "8200");
  EXPECT_EQ(value(cmcc, "refused_out_R03_ARREARS_BILLED"), "2");
  EXPECT_EQ(value(cucc, "refused_in_R03_ARREARS_BILLED"), "2");
  // Every reason and state has its columns, present or not.
  EXPECT_EQ(value(cmcc, "refused_in_R99_OTHER_POLICY"), "0");
  EXPECT_EQ(value(cmcc, "refund_cases_CLOSED_PAID"), "1");
  EXPECT_EQ(value(cmcc, "refund_cases_STUCK"), "0");
  EXPECT_EQ(Lines(ReportCsv(npd::v1::Report()))[0], lines[0]);
}

}  // namespace
}  // namespace npd::client
