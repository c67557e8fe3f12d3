// `npctl history` against FakeNpd: the subject's shape picks the request field, every page is
// fetched, the timeline's text and JSON, --limit, and subjects refused before anything is sent.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <sstream>

#include "tests/clients/npctl/npctl_fixture.h"

namespace npd::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<uint64_t> Cursors(const std::vector<npd::v1::GetHistoryRequest>& requests) {
  std::vector<uint64_t> out;
  for (const auto& r : requests) out.push_back(r.after_sequence());
  return out;
}

TEST_F(NpctlTest, HistoryOfANumberPrintsEveryPageAsATimeline) {
  const NpctlResult result = Npctl({"--as", "operator", "history", "13800138000"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(
      Lines(result.out),
      ElementsAre(
          "history of number 13800138000",
          "#3  2026-11-29T11:00:03+08:00  cmcc  IssueAuthCode  req-code  AUTH_CODE_ISSUED  -  "
          "code valid for 60m",
          "#5  2026-11-29T11:00:05+08:00  cucc  SubmitPort  req-submit  PORT_SUBMITTED  "
          "P000000000001 - -> PENDING_DONOR",
          "#8  2026-11-29T11:00:08+08:00  npd  timer:CUTOVER  -  PORT_CUTOVER  P000000000001 "
          "SCHEDULED -> CUTOVER  routing moved from cmcc to cucc",
          "#9  2026-11-29T11:00:09+08:00  operator alice  ResendRouting  req-resend  "
          "ROUTING_RESENT  P000000000001 PARTIAL_FAILURE -> CUTOVER",
          "#12  2026-11-29T11:00:12+08:00  npd  outbox:FREEZE_ACCOUNT  -  REFUND_ACCOUNT_FROZEN  "
          "R000000000001 OPENED -> ACCOUNT_FROZEN"));
  EXPECT_EQ(result.err, "");
  // Three pages of two, each after the last event of the page before; a read names no request id.
  const auto sent = npd_.history_requests();
  EXPECT_THAT(Cursors(sent), ElementsAre(0, 5, 9));
  for (const auto& request : sent) {
    EXPECT_EQ(request.msisdn(), "13800138000");
    EXPECT_EQ(request.page_size(), 1000);
  }
  EXPECT_THAT(npd_.callers(), ElementsAre("operator", "operator", "operator"));
}

TEST_F(NpctlTest, HistoryJsonIsOneDocumentWithEveryEvent) {
  const NpctlResult result = Npctl({"--as", "cmcc", "--json", "history", "13800138000"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_THAT(Lines(result.out), SizeIs(1));
  EXPECT_THAT(result.out, HasSubstr("\"operator_name\":\"alice\""));
  EXPECT_THAT(result.out, HasSubstr("\"command\":\"timer:CUTOVER\""));
  npd::v1::GetHistoryResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(result.out, &response).ok())
      << result.out;
  EXPECT_EQ(response.msisdn(), "13800138000");
  EXPECT_EQ(response.next_after_sequence(), 0u);
  ASSERT_THAT(response.events(), SizeIs(5));
  const auto fake = FakeNpd::FakeHistory();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(response.events(i).SerializeAsString(), fake[i].SerializeAsString()) << i;
  }
  EXPECT_THAT(npd_.history_requests(), SizeIs(3));
}

TEST_F(NpctlTest, HistoryOfAPortOrRefundAsksForThatSubject) {
  const NpctlResult port = Npctl({"--as", "cucc", "history", "P000000000001"});
  ASSERT_EQ(port.exit_code, 0) << port.err;
  const std::vector<std::string> lines = Lines(port.out);
  ASSERT_THAT(lines, SizeIs(5));
  EXPECT_EQ(lines[0], "history of port P000000000001 (number 13800138000)");
  EXPECT_THAT(lines[1], HasSubstr("#5  "));

  const NpctlResult refund = Npctl({"--as", "cmcc", "history", "R000000000001"});
  ASSERT_EQ(refund.exit_code, 0) << refund.err;
  EXPECT_THAT(Lines(refund.out), ElementsAre("history of refund R000000000001 (number 13800138000)",
                                             HasSubstr("#12  ")));

  const auto sent = npd_.history_requests();
  ASSERT_THAT(sent, SizeIs(3));  // the port's four events in two pages, the refund's one
  EXPECT_EQ(sent[0].port_id(), "P000000000001");
  EXPECT_EQ(sent[0].subject_case(), npd::v1::GetHistoryRequest::kPortId);
  EXPECT_EQ(sent[1].port_id(), "P000000000001");
  EXPECT_EQ(sent[1].after_sequence(), 8u);
  EXPECT_EQ(sent[2].refund_id(), "R000000000001");
  EXPECT_EQ(sent[2].subject_case(), npd::v1::GetHistoryRequest::kRefundId);
}

TEST_F(NpctlTest, HistoryLimitStopsEarlyAndSaysWhereMoreFollow) {
  const NpctlResult result = Npctl({"--as", "operator", "history", "13800138000", "--limit", "3"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = Lines(result.out);
  ASSERT_THAT(lines, SizeIs(4));
  EXPECT_THAT(lines[3], HasSubstr("#8  "));
  EXPECT_EQ(result.err, "more events after #8 (raise --limit, or 0 for all)\n");
  EXPECT_THAT(Cursors(npd_.history_requests()), ElementsAre(0, 5));
  EXPECT_EQ(npd_.history_requests()[0].page_size(), 3);

  const NpctlResult json =
      Npctl({"--as", "operator", "--json", "history", "13800138000", "--limit", "2"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  npd::v1::GetHistoryResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &response).ok()) << json.out;
  EXPECT_THAT(response.events(), SizeIs(2));
  EXPECT_EQ(response.next_after_sequence(), 5u);
}

TEST_F(NpctlTest, HistoryOfAMissingPortIsNotFoundAndExitsOne) {
  const NpctlResult result = Npctl({"--as", "ctcc", "history", FakeNpd::kMissingPort});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, std::string("error: NOT_FOUND: no port ") + FakeNpd::kMissingPort + "\n");
  EXPECT_EQ(result.out, "");
}

TEST_F(NpctlTest, HistoryOfAMalformedSubjectSendsNothing) {
  for (const std::string subject : {"1380013800", "138001380001", "1380013800x", "P00000000001",
                                    "p000000000001", "R0000000000011", "X000000000001", ""}) {
    const NpctlResult result = Npctl({"--as", "operator", "history", subject});
    EXPECT_EQ(result.exit_code, 2) << "'" << subject << "': " << result.err;
    EXPECT_THAT(result.err, HasSubstr("SUBJECT")) << subject;
    EXPECT_EQ(result.out, "");
  }
  const NpctlResult negative =
      Npctl({"--as", "operator", "history", "13800138000", "--limit", "-1"});
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_THAT(npd_.callers(), IsEmpty());
}

}  // namespace
}  // namespace npd::testing
