// npctl feed watch against FakeNpd: line format, --max, --idle-exit, confirmations, SIGINT, JSON
// lines and stream errors.
#include <signal.h>

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "tests/clients/npctl/npctl_fixture.h"

namespace npd::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

constexpr char kFirstLine[] =
    "#1 13800138000 cmcc -> cucc (port P000000000001) at 2026-11-29T11:00:00+08:00";

TEST_F(NpctlTest, WatchPrintsOneLinePerChangeAndStopsAtMax) {
  const NpctlResult result = Npctl({"--as", "operator", "feed", "watch", "--max", "2"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(
      Lines(result.out),
      ElementsAre(kFirstLine, HasSubstr("#2 13800138001 cmcc -> cucc (port P000000000002)")));
  EXPECT_THAT(npd_.confirm_requests(), IsEmpty());
}

TEST_F(NpctlTest, WatchStartsAtFrom) {
  const NpctlResult result =
      Npctl({"--as", "operator", "feed", "watch", "--from", "3", "--idle-exit", "0.3"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(Lines(result.out), ElementsAre(HasSubstr("#3 13800138002")));
}

TEST_F(NpctlTest, IdleExitConfirmsTheLastPrintedChange) {
  const NpctlResult result =
      Npctl({"--as", "ctcc", "feed", "watch", "--confirm", "--idle-exit", "0.5"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(Lines(result.out), SizeIs(3));
  // Heartbeats arrive every 100 ms but do not keep the watch alive.
  EXPECT_LT(result.seconds, 3);

  const std::vector<npd::v1::ConfirmRequest> confirms = npd_.confirm_requests();
  ASSERT_THAT(confirms, Not(IsEmpty()));
  EXPECT_EQ(confirms.back().sequence(), 3u);
  // Batched: three changes that arrive together take one confirmation.
  EXPECT_THAT(confirms, SizeIs(1));
  std::set<std::string> ids;
  for (const auto& confirm : confirms) ids.insert(confirm.request_id());
  EXPECT_EQ(ids.size(), confirms.size());
  // The stream and every Confirm carry the caller.
  for (const std::string& caller : npd_.callers()) EXPECT_EQ(caller, "ctcc");
}

TEST_F(NpctlTest, MaxConfirmsOnlyWhatWasPrinted) {
  const NpctlResult result = Npctl({"--as", "cucc", "feed", "watch", "--confirm", "--max", "1"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(Lines(result.out), ElementsAre(kFirstLine));
  ASSERT_THAT(npd_.confirm_requests(), SizeIs(1));
  EXPECT_EQ(npd_.confirm_requests()[0].sequence(), 1u);
}

TEST_F(NpctlTest, InterruptCancelsConfirmsAndExitsZero) {
  NpctlProcess watch(NPCTL_BINARY, Args({"--as", "cmcc", "feed", "watch", "--confirm"}));
  ASSERT_TRUE(watch.WaitForLines(3, 10)) << watch.Stdout();
  watch.Signal(SIGINT);
  const NpctlResult result = watch.Wait(10);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");
  ASSERT_THAT(npd_.confirm_requests(), Not(IsEmpty()));
  EXPECT_EQ(npd_.confirm_requests().back().sequence(), 3u);
}

TEST_F(NpctlTest, TerminateIsHandledLikeInterrupt) {
  NpctlProcess watch(NPCTL_BINARY, Args({"--as", "operator", "feed", "watch"}));
  ASSERT_TRUE(watch.WaitForLines(3, 10)) << watch.Stdout();
  watch.Signal(SIGTERM);
  EXPECT_EQ(watch.Wait(10).exit_code, 0);
}

TEST_F(NpctlTest, JsonWatchPrintsOneObjectPerLineWithHeartbeats) {
  const NpctlResult result =
      Npctl({"--as", "operator", "--json", "feed", "watch", "--idle-exit", "0.5"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  int changes = 0;
  int heartbeats = 0;
  for (const std::string& line : Lines(result.out)) {
    npd::v1::SubscribeResponse message;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &message).ok()) << line;
    changes += message.has_change();
    heartbeats += message.has_heartbeat();
  }
  EXPECT_EQ(changes, 3);
  EXPECT_GT(heartbeats, 0);
  EXPECT_THAT(result.out, HasSubstr("\"serving_carrier\":\"cucc\""));
}

TEST_F(NpctlTest, StreamErrorExitsOne) {
  const NpctlResult result = Npctl({"--as", "operator", "feed", "watch", "--from", "99"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "error: INVALID_ARGUMENT: from_sequence is beyond the head\n");
}

}  // namespace
}  // namespace npd::testing
