// Command-line handling of npctl: help, required options, bad values (exit 2, nothing sent), global
// options in any position, and an unreachable server (exit 1).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/clients/npctl/npctl_fixture.h"

namespace npd::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::vector<std::string> kHolder = {"--name",   "张三", "--id-type",
                                          "resident", "--id", "11010519491231002X"};

std::vector<std::string> With(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST_F(NpctlTest, HelpNamesEveryCommandAndGlobalOption) {
  const NpctlResult result = RunNpctl(NPCTL_BINARY, {"--help-all"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* text :
       {"code",     "issue",  "port",   "submit",       "answer",    "cancel",     "get",
        "list",     "number", "lookup", "feed",         "watch",     "ops",        "attention",
        "--server", "--as",   "--json", "--request-id", "--timeout", "NPD_SERVER", "NPD_AS"}) {
    EXPECT_THAT(result.out, HasSubstr(text));
  }
}

TEST_F(NpctlTest, SubcommandHelpExitsZero) {
  const NpctlResult result = RunNpctl(NPCTL_BINARY, {"port", "answer", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.out, HasSubstr("--reject"));
  EXPECT_THAT(result.out, HasSubstr("--note"));
}

TEST_F(NpctlTest, MissingRoleIsAUsageErrorAndSendsNothing) {
  const NpctlResult result = Npctl({"port", "get", "P000000000001"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("--as"));
  EXPECT_THAT(result.err, HasSubstr("NPD_AS"));
  EXPECT_THAT(npd_.callers(), IsEmpty());
}

TEST_F(NpctlTest, MissingCommandIsAUsageError) {
  EXPECT_EQ(RunNpctl(NPCTL_BINARY, {"--as", "cmcc"}).exit_code, 2);
  EXPECT_EQ(RunNpctl(NPCTL_BINARY, {"--as", "cmcc", "port"}).exit_code, 2);
  EXPECT_EQ(RunNpctl(NPCTL_BINARY, {"--as", "cmcc", "port", "teleport"}).exit_code, 2);
}

TEST_F(NpctlTest, RoleAndServerComeFromTheEnvironment) {
  const NpctlResult result = RunNpctl(NPCTL_BINARY, {"port", "get", "P000000000001"},
                                      {{"NPD_AS", "ctcc"}, {"NPD_SERVER", npd_.address()}});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(npd_.callers(), ElementsAre("ctcc"));
}

TEST_F(NpctlTest, FlagsWinOverTheEnvironment) {
  const NpctlResult result = Npctl({"--as", "cucc", "port", "get", "P000000000001"},
                                   {{"NPD_AS", "ctcc"}, {"NPD_SERVER", "127.0.0.1:1"}});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(npd_.callers(), ElementsAre("cucc"));
}

TEST_F(NpctlTest, GlobalOptionsGoBeforeOrAfterTheCommand) {
  EXPECT_EQ(RunNpctl(NPCTL_BINARY, {"--server", npd_.address(), "--as", "operator", "--json",
                                    "port", "get", "P000000000001"})
                .exit_code,
            0);
  EXPECT_EQ(Npctl({"port", "get", "P000000000001", "--as", "operator", "--json"}).exit_code, 0);
  EXPECT_EQ(Npctl({"port", "--as", "operator", "get", "P000000000001"}).exit_code, 0);
  EXPECT_THAT(npd_.callers(), ElementsAre("operator", "operator", "operator"));
}

TEST_F(NpctlTest, UnknownIdTypeListsTheValidOnes) {
  const NpctlResult result = Npctl({"--as", "cmcc", "code", "issue", "13800138000", "--name",
                                    "张三", "--id-type", "licence", "--id", "X"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("licence"));
  EXPECT_THAT(result.err, HasSubstr("resident, temporary, household, hk-macau, taiwan, passport, "
                                    "foreign-permanent"));
  EXPECT_THAT(npd_.callers(), IsEmpty());
}

TEST_F(NpctlTest, IdentityOptionsAreRequired) {
  const NpctlResult result = Npctl({"--as", "cmcc", "code", "issue", "13800138000"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("--name"));
}

TEST_F(NpctlTest, UnknownReasonListsTheValidCodes) {
  const NpctlResult result =
      Npctl({"--as", "cmcc", "port", "answer", "P000000000001", "--reject", "R03,R77"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("R77"));
  EXPECT_THAT(result.err, HasSubstr("R01_NOT_REAL_NAME"));
  EXPECT_THAT(result.err, HasSubstr("R99_OTHER_POLICY"));
  EXPECT_THAT(npd_.callers(), IsEmpty());
}

TEST_F(NpctlTest, AnswerNeedsExactlyOneOfApproveAndReject) {
  EXPECT_EQ(Npctl({"--as", "cmcc", "port", "answer", "P000000000001"}).exit_code, 2);
  EXPECT_EQ(
      Npctl({"--as", "cmcc", "port", "answer", "P000000000001", "--approve", "--reject", "R03"})
          .exit_code,
      2);
  EXPECT_THAT(npd_.callers(), IsEmpty());
}

TEST_F(NpctlTest, UnknownStateAndChannelAreUsageErrors) {
  EXPECT_EQ(Npctl({"--as", "operator", "port", "list", "--state", "LIMBO"}).exit_code, 2);
  EXPECT_EQ(Npctl(With({"--as", "cucc", "port", "submit", "13800138000", "--code", "123456",
                        "--local-network", "010", "--channel", "fax"},
                       kHolder))
                .exit_code,
            2);
  EXPECT_THAT(npd_.callers(), IsEmpty());
}

TEST_F(NpctlTest, UnreachableServerIsUnavailableWithinTheTimeout) {
  // A port nobody listens on: the fake's, once it is gone.
  std::string address;
  {
    FakeNpd gone;
    address = gone.address();
  }
  const NpctlResult result = RunNpctl(
      NPCTL_BINARY, {"--server", address, "--as", "cmcc", "--timeout", "3", "port", "get", "P1"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("error: UNAVAILABLE: "));
  EXPECT_LT(result.seconds, 3.5);

  const NpctlResult watch = RunNpctl(
      NPCTL_BINARY, {"--server", address, "--as", "cmcc", "--timeout", "3", "feed", "watch"});
  EXPECT_EQ(watch.exit_code, 1);
  EXPECT_THAT(watch.err, HasSubstr("error: UNAVAILABLE: "));
  EXPECT_LT(watch.seconds, 3.5);
}

}  // namespace
}  // namespace npd::testing
