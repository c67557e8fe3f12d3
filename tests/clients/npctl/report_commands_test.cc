// npctl's report and admin commands against FakeNpd: the window sent (dates at China midnight,
// RFC 3339), the three output formats, and bad input refused before anything is sent (bad date,
// from >= to, unknown format) or by npd (unknown carrier, another carrier's report, a checkpoint
// by a carrier).
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "tests/clients/npctl/npctl_fixture.h"

namespace npd::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::SizeIs;
using ::testing::StartsWith;

// 2026-11-01T00:00:00+08:00 and 2026-12-01T00:00:00+08:00.
constexpr int64_t kNovember = 1793462400;
constexpr int64_t kDecember = 1796054400;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> Report(std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"report", "--from", "2026-11-01", "--to", "2026-12-01"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::vector<std::string> As(const std::string& role, std::vector<std::string> args) {
  args.insert(args.begin(), {"--as", role});
  return args;
}

TEST_F(NpctlTest, ReportSendsTheWindowAtChinaMidnightAndPrintsATable) {
  const NpctlResult result = Npctl(As("operator", Report()));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<npd::v1::GetReportRequest> sent = npd_.report_requests();
  ASSERT_THAT(sent, SizeIs(1));
  EXPECT_EQ(sent[0].from().seconds(), kNovember);
  EXPECT_EQ(sent[0].to().seconds(), kDecember);
  EXPECT_EQ(sent[0].carrier(), "");
  EXPECT_THAT(npd_.callers(), ElementsAre("operator"));

  const std::vector<std::string> lines = Lines(result.out);
  ASSERT_THAT(lines, SizeIs(::testing::Gt(10u)));
  EXPECT_EQ(lines[0],
            "report 2026-11-01T00:00:00+08:00 to 2026-12-01T00:00:00+08:00 (events up to #4321, 0 "
            "in the window)");
  EXPECT_THAT(lines[1], MatchesRegex(" +cmcc +ctcc +cucc"));
  EXPECT_THAT(lines, ::testing::Contains(MatchesRegex("ports out \\(completed\\) +2 +0 +0")));
  EXPECT_THAT(lines, ::testing::Contains(MatchesRegex("ports in \\(completed\\) +0 +0 +2")));
  EXPECT_THAT(lines, ::testing::Contains(
                         MatchesRegex("donor answer time +10m00s / 1h01m \\(n=2\\) +- +-")));
  EXPECT_THAT(lines, ::testing::Contains(MatchesRegex("donor on-time share +50\\.0% +- +-")));
  EXPECT_THAT(lines, ::testing::Contains(MatchesRegex("payout conflicts +1 +0 +0")));
  EXPECT_THAT(lines, ::testing::Contains(MatchesRegex("payout reconciliations +1 +0 +0")));
  EXPECT_EQ(result.err, "");
}

TEST_F(NpctlTest, ReportTakesRfc3339TimesAndACarrier) {
  const NpctlResult result = Npctl({"--as", "cmcc", "report", "--from", "2026-11-01T08:30:00+08:00",
                                    "--to", "2026-11-01T01:00:00Z", "--carrier", "cmcc"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<npd::v1::GetReportRequest> sent = npd_.report_requests();
  ASSERT_THAT(sent, SizeIs(1));
  EXPECT_EQ(sent[0].from().seconds(), kNovember + 8 * 3600 + 1800);
  EXPECT_EQ(sent[0].to().seconds(), kNovember + 9 * 3600);
  EXPECT_EQ(sent[0].carrier(), "cmcc");
  EXPECT_THAT(Lines(result.out)[1], MatchesRegex(" +cmcc"));
}

TEST_F(NpctlTest, ReportCsvHasAHeaderRowAndOneRowPerCarrier) {
  const NpctlResult result = Npctl(As("operator", Report({"--format", "csv"})));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = Lines(result.out);
  ASSERT_THAT(lines, SizeIs(4));
  EXPECT_THAT(lines[0], StartsWith("from,to,carrier,ports_in,ports_out,"));
  EXPECT_THAT(lines[1],
              StartsWith("2026-11-01T00:00:00+08:00,2026-12-01T00:00:00+08:00,cmcc,0,2,"));
  EXPECT_THAT(lines[2],
              StartsWith("2026-11-01T00:00:00+08:00,2026-12-01T00:00:00+08:00,ctcc,0,0,"));
  EXPECT_THAT(lines[3],
              StartsWith("2026-11-01T00:00:00+08:00,2026-12-01T00:00:00+08:00,cucc,2,0,"));
  const auto columns = [](const std::string& line) {
    return std::count(line.begin(), line.end(), ',');
  };
  EXPECT_EQ(columns(lines[1]), columns(lines[0]));
  EXPECT_THAT(lines[0], HasSubstr(",paid_claims_other_province,payout_conflicts,"
                                  "payout_reconciliations,"));
  EXPECT_THAT(lines[1], MatchesRegex(".*,0,1,1(,.*)?"));  // cmcc: no other province, 1, 1
}

TEST_F(NpctlTest, ReportJsonIsOneGetReportResponse) {
  for (const std::vector<std::string>& args :
       {As("operator", Report({"--format", "json"})), As("operator", Report({"--json"}))}) {
    const NpctlResult result = Npctl(args);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    ASSERT_THAT(Lines(result.out), SizeIs(1));
    npd::v1::GetReportResponse response;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(result.out, &response).ok())
        << result.out;
    EXPECT_EQ(response.report().last_event_sequence(), FakeNpd::kReportEventSequence);
    ASSERT_EQ(response.report().carriers_size(), 3);
    EXPECT_EQ(response.report().carriers(0).ports_out(), 2u);
    EXPECT_THAT(result.out, HasSubstr("\"donor_on_time_share\":0.5"));
  }
}

TEST_F(NpctlTest, ReportRefusesBadWindowsBeforeSendingAnything) {
  for (const std::vector<std::string>& args : {
           As("operator", {"report", "--from", "2026-11-31", "--to", "2026-12-01"}),
           As("operator", {"report", "--from", "1 Nov 2026", "--to", "2026-12-01"}),
           As("operator", {"report", "--from", "2026-11-01", "--to", "2026-11-01T00:00:00"}),
           As("operator", {"report", "--from", "2026-12-01", "--to", "2026-11-01"}),
           As("operator", {"report", "--from", "2026-11-01", "--to", "2026-11-01"}),
           As("operator", {"report", "--from", "2026-11-01"}),
           As("operator", Report({"--format", "xml"})),
       }) {
    const NpctlResult result = Npctl(args);
    EXPECT_EQ(result.exit_code, 2) << ::testing::PrintToString(args) << result.out;
    EXPECT_THAT(result.err, StartsWith("npctl: ")) << ::testing::PrintToString(args);
    EXPECT_EQ(result.out, "");
  }
  EXPECT_THAT(npd_.report_requests(), IsEmpty());
  const NpctlResult backwards =
      Npctl(As("operator", {"report", "--from", "2026-12-01", "--to", "2026-11-01"}));
  EXPECT_THAT(backwards.err, HasSubstr("--to must be after --from"));
  const NpctlResult bad_date =
      Npctl(As("operator", {"report", "--from", "2026-11-31", "--to", "2026-12-01"}));
  EXPECT_THAT(bad_date.err, HasSubstr("'2026-11-31' is not a date"));
}

TEST_F(NpctlTest, ReportOfAnUnknownOrAnotherCarrierIsRefusedByNpd) {
  const NpctlResult unknown = Npctl(As("operator", Report({"--carrier", "cbn"})));
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err, "error: INVALID_ARGUMENT: carrier: unknown carrier 'cbn'\n");
  EXPECT_EQ(unknown.out, "");
  const NpctlResult other = Npctl(As("cucc", Report({"--carrier", "cmcc"})));
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_THAT(other.err, StartsWith("error: PERMISSION_DENIED: "));
}

TEST_F(NpctlTest, AdminCheckpointPrintsWhatTheCheckpointHolds) {
  const NpctlResult result =
      Npctl({"--as", "operator", "admin", "checkpoint", "/var/backups/npd/2026-11-29"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_THAT(npd_.checkpoint_requests(), SizeIs(1));
  EXPECT_EQ(npd_.checkpoint_requests()[0].directory(), "/var/backups/npd/2026-11-29");
  EXPECT_EQ(result.out,
            "checkpoint written to /var/backups/npd/2026-11-29: events up to #4321, feed head #3\n"
            "identity secret included (identity.secret, mode 0600)\n");

  const NpctlResult json =
      Npctl({"--as", "operator", "--json", "admin", "checkpoint", "/var/backups/npd/x"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"last_event_sequence\":\"4321\""));
}

TEST_F(NpctlTest, AdminCheckpointErrorsExitOne) {
  const NpctlResult carrier = Npctl({"--as", "cmcc", "admin", "checkpoint", "/tmp/x"});
  EXPECT_EQ(carrier.exit_code, 1);
  EXPECT_THAT(carrier.err, StartsWith("error: PERMISSION_DENIED: "));
  const NpctlResult relative = Npctl({"--as", "operator", "admin", "checkpoint", "backup"});
  EXPECT_EQ(relative.exit_code, 1);
  EXPECT_THAT(relative.err, StartsWith("error: INVALID_ARGUMENT: "));
  const NpctlResult missing = Npctl({"--as", "operator", "admin", "checkpoint"});
  EXPECT_EQ(missing.exit_code, 2);
}

}  // namespace
}  // namespace npd::testing
