// npctl's code, port and number commands against FakeNpd: what is sent, what is printed (human and
// JSON), and how errors exit.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <sstream>

#include "tests/clients/npctl/npctl_fixture.h"

namespace npd::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;

const std::vector<std::string> kHolder = {"--name",   "张三", "--id-type",
                                          "resident", "--id", "11010519491231002X"};

std::vector<std::string> With(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Parses one JSON document of npctl's output into `message` (proto field names required).
template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  google::protobuf::util::JsonParseOptions options;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &message, options).ok()) << json;
  return message;
}

TEST_F(NpctlTest, CodeIssuePrintsTheCodeAndEchoesTheGeneratedRequestId) {
  const NpctlResult result = Npctl(With({"--as", "cmcc", "code", "issue", "13800138000"}, kHolder));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "code 123456 for 13800138000, expires 2026-11-29T11:00:00+08:00\n");

  const std::vector<npd::v1::IssueAuthCodeRequest> sent = npd_.issue_requests();
  ASSERT_THAT(sent, SizeIs(1));
  EXPECT_EQ(sent[0].msisdn(), "13800138000");
  EXPECT_EQ(sent[0].holder().id_type(), npd::v1::ID_TYPE_RESIDENT);
  EXPECT_EQ(sent[0].holder().name(), "张三");
  EXPECT_EQ(sent[0].holder().id_number(), "11010519491231002X");
  EXPECT_THAT(sent[0].request_id(),
              MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_EQ(result.err, "request-id: " + sent[0].request_id() + "\n");
  EXPECT_THAT(npd_.callers(), ElementsAre("cmcc"));
}

TEST_F(NpctlTest, GivenRequestIdIsSentAndNotEchoed) {
  const NpctlResult result = Npctl(
      With({"--as", "cmcc", "--request-id", "retry-7", "code", "issue", "13800138000"}, kHolder));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");
  ASSERT_THAT(npd_.issue_requests(), SizeIs(1));
  EXPECT_EQ(npd_.issue_requests()[0].request_id(), "retry-7");
}

TEST_F(NpctlTest, CodeRefusalIsANormalAnswer) {
  const NpctlResult result =
      Npctl(With({"--as", "cmcc", "code", "issue", FakeNpd::kRefusedMsisdn}, kHolder));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, std::string("refused: R06_PORT_INTERVAL_120D, R13_PORT_IN_PROGRESS — ") +
                            FakeNpd::kRefusalText + " (rules " + FakeNpd::kRuleVersion + ")\n");
}

TEST_F(NpctlTest, CodeIssueJsonUsesProtoFieldNamesAndShowsFalse) {
  const NpctlResult refused =
      Npctl(With({"--as", "cmcc", "--json", "code", "issue", FakeNpd::kRefusedMsisdn}, kHolder));
  ASSERT_EQ(refused.exit_code, 0) << refused.err;
  EXPECT_THAT(refused.out, HasSubstr("\"issued\":false"));
  EXPECT_THAT(refused.out, HasSubstr("\"rule_version\""));
  EXPECT_THAT(refused.out, HasSubstr("\"REASON_CODE_R06_PORT_INTERVAL_120D\""));
  EXPECT_THAT(Lines(refused.out), SizeIs(1));
  EXPECT_FALSE(FromJson<npd::v1::IssueAuthCodeResponse>(refused.out).issued());
}

TEST_F(NpctlTest, SubmitSendsTheChannelAndPrintsThePort) {
  const NpctlResult result = Npctl(With({"--as", "cucc", "port", "submit", "13800138000", "--code",
                                         "123456", "--local-network", "010", "--channel", "ONLINE"},
                                        kHolder));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("port P000000000001\n"));
  EXPECT_THAT(result.out, HasSubstr("PENDING_DONOR"));
  EXPECT_THAT(result.out, HasSubstr("cmcc -> cucc"));
  EXPECT_THAT(result.out, HasSubstr("online"));
  EXPECT_THAT(result.out, HasSubstr("2026-11-29T11:00:00+08:00"));
  EXPECT_THAT(result.err, HasSubstr("request-id: "));
}

TEST_F(NpctlTest, RejectAcceptsEverySpellingOfAReason) {
  const NpctlResult result = Npctl(
      {"--as", "cmcc", "port", "answer", "P000000000001", "--reject", "r03,R05_LOCK_IN_CONTRACT",
       "--reject", "reason_code_r99_other_policy", "--note", "contract ends 2027-03"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<npd::v1::AnswerPortRequest> sent = npd_.answer_requests();
  ASSERT_THAT(sent, SizeIs(1));
  EXPECT_FALSE(sent[0].approve());
  EXPECT_THAT(sent[0].reasons(), ElementsAre(npd::v1::REASON_CODE_R03_ARREARS_BILLED,
                                             npd::v1::REASON_CODE_R05_LOCK_IN_CONTRACT,
                                             npd::v1::REASON_CODE_R99_OTHER_POLICY));
  EXPECT_EQ(sent[0].note(), "contract ends 2027-03");
  EXPECT_THAT(result.out, HasSubstr("REJECTED"));
  EXPECT_THAT(result.out, HasSubstr("R03_ARREARS_BILLED, R05_LOCK_IN_CONTRACT, R99_OTHER_POLICY"));
}

TEST_F(NpctlTest, ApproveSendsNoReasons) {
  const NpctlResult result =
      Npctl({"--as", "cmcc", "port", "answer", "P000000000001", "--approve"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_THAT(npd_.answer_requests(), SizeIs(1));
  EXPECT_TRUE(npd_.answer_requests()[0].approve());
  EXPECT_THAT(npd_.answer_requests()[0].reasons(), SizeIs(0));
  EXPECT_THAT(result.out, HasSubstr("SCHEDULED"));
}

TEST_F(NpctlTest, RpcErrorPrintsTheStatusNameAndExitsOne) {
  const NpctlResult result =
      Npctl({"--as", "cucc", "port", "answer", "P000000000001", "--approve"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("error: PERMISSION_DENIED: only the donor may answer\n"));
  EXPECT_EQ(result.out, "");

  const NpctlResult missing = Npctl({"--as", "operator", "port", "get", FakeNpd::kMissingPort});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, std::string("error: NOT_FOUND: no port ") + FakeNpd::kMissingPort + "\n");
}

TEST_F(NpctlTest, CancelSendsTheReason) {
  const NpctlResult result =
      Npctl({"--as", "cucc", "port", "cancel", "P000000000001", "--reason", "changed mind"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("CANCELLED"));
  EXPECT_THAT(result.out, HasSubstr("changed mind"));
}

TEST_F(NpctlTest, ResendPrintsThePortBackInCutoverWithItsResends) {
  const NpctlResult result =
      Npctl({"--as", "operator", "port", "resend", "P000000000001", "--reason", "ctcc back"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("CUTOVER"));
  EXPECT_THAT(result.out, HasSubstr("1 (last at sequence 9)"));
  EXPECT_THAT(result.err, HasSubstr("request-id: "));
  const NpctlResult missing =
      Npctl({"--as", "operator", "port", "resend", FakeNpd::kMissingPort, "--reason", "x"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND"));
}

TEST_F(NpctlTest, DisconnectSendsTheEffectiveTimeAndNote) {
  const NpctlResult result =
      Npctl({"--as", "cucc", "port", "disconnect", "13800138000", "--effective-at",
             "2026-12-01T00:00:00+08:00", "--note", "contract ended"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_THAT(npd_.disconnect_requests(), SizeIs(1));
  const npd::v1::DisconnectNumberRequest sent = npd_.disconnect_requests()[0];
  EXPECT_EQ(sent.msisdn(), "13800138000");
  EXPECT_EQ(sent.effective_at().seconds(), 1796054400);  // 2026-11-30T16:00:00Z
  EXPECT_EQ(sent.note(), "contract ended");
  EXPECT_FALSE(sent.request_id().empty());
  EXPECT_THAT(result.out, HasSubstr("number return P000000000001"));
  EXPECT_THAT(result.out, HasSubstr("DISCONNECT_PENDING"));
  EXPECT_THAT(result.out, HasSubstr("2026-12-01T00:00:00+08:00"));

  // Without --effective-at nothing is sent for it (npd takes now); a malformed time sends nothing.
  ASSERT_EQ(Npctl({"--as", "cucc", "port", "disconnect", "13800138000"}).exit_code, 0);
  EXPECT_FALSE(npd_.disconnect_requests()[1].has_effective_at());
  const NpctlResult bad =
      Npctl({"--as", "cucc", "port", "disconnect", "13800138000", "--effective-at", "tomorrow"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--effective-at"));
  EXPECT_THAT(npd_.disconnect_requests(), SizeIs(2));
}

TEST_F(NpctlTest, GetJsonIsOneGetPortResponse) {
  const NpctlResult result = Npctl({"--as", "operator", "--json", "port", "get", "P000000000001"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("\"port_id\":\"P000000000001\""));
  EXPECT_THAT(result.out, HasSubstr("\"state\":\"PORT_STATE_PENDING_DONOR\""));
  EXPECT_THAT(result.out, Not(HasSubstr("portId")));
  EXPECT_EQ(FromJson<npd::v1::GetPortResponse>(result.out).port().donor(), "cmcc");
}

TEST_F(NpctlTest, ListShowsOnePageAndHowToGetTheNext) {
  const NpctlResult result =
      Npctl({"--as", "operator", "port", "list", "--state", "pending_donor", "--carrier", "cmcc"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(Lines(result.out),
              ElementsAre(HasSubstr("P000000000001"), HasSubstr("P000000000002")));
  EXPECT_THAT(result.err, HasSubstr("--page-token 2"));
  ASSERT_THAT(npd_.list_requests(), SizeIs(1));
  EXPECT_EQ(npd_.list_requests()[0].state(), npd::v1::PORT_STATE_PENDING_DONOR);
  EXPECT_EQ(npd_.list_requests()[0].carrier(), "cmcc");

  const NpctlResult next = Npctl({"--as", "operator", "port", "list", "--page-token", "2"});
  EXPECT_THAT(Lines(next.out), ElementsAre(HasSubstr("P000000000003")));
}

TEST_F(NpctlTest, ListAllFollowsEveryPage) {
  const NpctlResult result = Npctl({"--as", "operator", "port", "list", "--all"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(
      Lines(result.out),
      ElementsAre(MatchesRegex("P000000000001  13800138000  PENDING_DONOR       cmcc -> cucc  .*"),
                  HasSubstr("P000000000002"), HasSubstr("P000000000003")));
  EXPECT_EQ(result.err, "");

  const NpctlResult json = Npctl({"--as", "operator", "--json", "port", "list", "--all"});
  const std::vector<std::string> pages = Lines(json.out);
  ASSERT_THAT(pages, SizeIs(2));
  EXPECT_EQ(FromJson<npd::v1::ListPortsResponse>(pages[0]).next_page_token(), "2");
  EXPECT_EQ(FromJson<npd::v1::ListPortsResponse>(pages[1]).ports_size(), 1);
}

TEST_F(NpctlTest, LookupOfOneNumber) {
  const NpctlResult result = Npctl({"--as", "ctcc", "number", "lookup", "13800138000"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("number 13800138000\n"));
  EXPECT_THAT(result.out, HasSubstr("serving carrier        cucc"));
  EXPECT_THAT(result.out, HasSubstr("range holder           cmcc"));
  EXPECT_THAT(result.out, HasSubstr("ported                 yes"));

  const NpctlResult json = Npctl({"--as", "ctcc", "--json", "number", "lookup", "13800138000"});
  EXPECT_EQ(FromJson<npd::v1::LookupResponse>(json.out).number().serving_carrier(), "cucc");

  const NpctlResult bad = Npctl({"--as", "ctcc", "number", "lookup", "123"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, "error: INVALID_ARGUMENT: not 11 digits\n");
}

TEST_F(NpctlTest, LookupOfSeveralNumbersIsOneBatch) {
  const NpctlResult result =
      Npctl({"--as", "ctcc", "number", "lookup", "13800138000", "13800138001"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("number 13800138000\n"));
  EXPECT_THAT(result.out, HasSubstr("number 13800138001\n"));
  EXPECT_THAT(npd_.callers(), SizeIs(1));

  const NpctlResult partly = Npctl({"--as", "ctcc", "number", "lookup", "13800138000", "123"});
  EXPECT_EQ(partly.exit_code, 1);
  EXPECT_THAT(partly.out, HasSubstr("number 13800138000\n"));
  EXPECT_THAT(partly.out, HasSubstr("number 123\n  error: not 11 digits"));
}

}  // namespace
}  // namespace npd::testing
