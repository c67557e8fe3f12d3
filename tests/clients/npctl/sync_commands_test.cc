// npctl feed snapshot and npctl audit against FakeNpd: output formats, the summary, the audit's two
// steps and its exit status.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "clients/client/routing_digest.h"
#include "tests/clients/npctl/npctl_fixture.h"
#include "tests/support/temp_dir.h"

namespace npd::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class SyncCommandsTest : public NpctlTest {
 protected:
  std::string WriteCsv(const std::string& text) {
    const std::string path = dir_.Sub("entries.csv");
    std::ofstream(path) << text;
    return path;
  }
  TempDir dir_;
};

TEST_F(SyncCommandsTest, SnapshotWritesCsvToStdoutAndTheSummaryToStderr) {
  const NpctlResult result = Npctl({"--as", "ctcc", "feed", "snapshot"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(Lines(result.out),
              ElementsAre("msisdn,serving_carrier,range_holder", "13800138000,cucc,cmcc",
                          "13800138001,cucc,cmcc", "13800138002,cucc,cmcc"));
  EXPECT_THAT(result.err, HasSubstr("snapshot at feed_sequence 3: 3 entries; resume the feed "
                                    "with --from 4"));
  EXPECT_THAT(npd_.callers(), ElementsAre("ctcc"));
}

TEST_F(SyncCommandsTest, SnapshotToFileAsJsonLines) {
  const std::string out = dir_.Sub("snapshot.jsonl");
  const NpctlResult result =
      Npctl({"--as", "operator", "--json", "feed", "snapshot", "--out", out});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("snapshot at feed_sequence 3: 3 entries"));
  const auto lines = Lines(ReadAll(out));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr("\"msisdn\":\"13800138000\""));
  EXPECT_THAT(lines[0], HasSubstr("\"serving_carrier\":\"cucc\""));
}

TEST_F(SyncCommandsTest, AuditOfACorrectCopyExitsZeroAfterOneCompare) {
  // A snapshot file is a valid audit input: the header and the third column are skipped.
  const std::string file = WriteCsv(
      "msisdn,serving_carrier,range_holder\n13800138002,cucc,cmcc\n13800138000,cucc,cmcc\n"
      "13800138001,cucc,cmcc\n");
  const NpctlResult result = Npctl({"--as", "cucc", "audit", file});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(Lines(result.out),
              ElementsAre("audit at feed_sequence 3: 1 blocks compared, 0 differ, 0 numbers "
                          "differ"));
  const auto compares = npd_.compare_requests();
  ASSERT_EQ(compares.size(), 1u);
  ASSERT_EQ(compares[0].blocks_size(), 1);
  EXPECT_EQ(compares[0].blocks(0).block(), "1380013");
  EXPECT_EQ(compares[0].blocks(0).count(), 3u);
  EXPECT_EQ(compares[0].blocks(0).digest(), client::AuditEntryDigest("13800138000", "cucc") ^
                                                client::AuditEntryDigest("13800138001", "cucc") ^
                                                client::AuditEntryDigest("13800138002", "cucc"));
  EXPECT_THAT(npd_.diff_requests(), IsEmpty());
}

TEST_F(SyncCommandsTest, AuditPrintsEachDifferenceAndExitsThree) {
  const std::string file = WriteCsv(
      "13800138000,ctcc\n"    // wrong carrier
      "13800138002,cucc\n"    // correct; 13800138001 missing
      "13800138099,cucc\n");  // extra
  const NpctlResult result = Npctl({"--as", "cucc", "audit", file});
  ASSERT_EQ(result.exit_code, 3) << result.err;
  EXPECT_THAT(Lines(result.out),
              ElementsAre("13800138000: you have ctcc, npd has cucc (range holder cmcc)",
                          "13800138001: you have no entry, npd has cucc (range holder cmcc)",
                          "13800138099: you have cucc, npd has no entry (served by range holder "
                          "cmcc)",
                          "audit at feed_sequence 3: 1 blocks compared, 1 differ, 3 numbers "
                          "differ"));
  const auto diffs = npd_.diff_requests();
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].block(), "1380013");
  EXPECT_EQ(diffs[0].entries_size(), 3);
}

TEST_F(SyncCommandsTest, AuditScopeSkipsOtherNumbersAndBadFilesAreUsageErrors) {
  const std::string file = WriteCsv(
      "13900000001,cucc\n13800138000,cucc\n13800138001,cucc\n"
      "13800138002,cucc\n");
  const NpctlResult scoped = Npctl({"--as", "cucc", "audit", file, "--scope", "138"});
  ASSERT_EQ(scoped.exit_code, 0) << scoped.err;
  ASSERT_EQ(npd_.compare_requests().size(), 1u);
  EXPECT_EQ(npd_.compare_requests()[0].scope_prefix(), "138");
  EXPECT_EQ(npd_.compare_requests()[0].blocks_size(), 1);

  const NpctlResult twice =
      Npctl({"--as", "cucc", "audit", WriteCsv("13800138000,cucc\n13800138000,ctcc\n")});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_THAT(twice.err, HasSubstr("entries.csv:2: 13800138000 is listed twice"));
  const NpctlResult malformed = Npctl({"--as", "cucc", "audit", WriteCsv("13800138000\n")});
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_THAT(malformed.err, HasSubstr("expected msisdn,serving_carrier"));
  const NpctlResult missing = Npctl({"--as", "cucc", "audit", dir_.Sub("nope.csv")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("cannot read"));
  EXPECT_EQ(npd_.compare_requests().size(), 1u);  // nothing more was sent
}

}  // namespace
}  // namespace npd::testing
