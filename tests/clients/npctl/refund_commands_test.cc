// npctl's refund commands against FakeNpd: what is sent (identity, payee, channel, province,
// request id, caller), what is printed (human and JSON), refusals, errors, paging, and command
// lines that are refused before anything is sent.
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
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

// A complete claim of `refund_id` apart from the global options; one option and its value a line.
// clang-format off
std::vector<std::string> ClaimArgs(const std::string& refund_id) {
  return {"refund", "claim", refund_id,
          "--name", "张三",
          "--id-type", "resident",
          "--id-number", "11010519491231002X",
          "--payee-kind", "bank-card",
          "--payee-account", "6222020200112233445",
          "--payee-name", "张三",
          "--channel", "app",
          "--province", "广东"};
}

// A complete report-bill of R000000000001 apart from the global options.
std::vector<std::string> ReportBillArgs() {
  return {"refund", "report-bill", "R000000000001",
          "--bill-id", "B-0042",
          "--cash-fen", "10000",
          "--non-refundable-fen", "1000",
          "--third-party-fen", "500",
          "--charges-fen", "1700"};
}
// clang-format on

std::vector<std::string> With(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// `args` without the option `name` and its value.
std::vector<std::string> Without(std::vector<std::string> args, const std::string& name) {
  for (auto it = args.begin(); it != args.end(); ++it) {
    if (*it == name) {
      args.erase(it, it + 2);
      break;
    }
  }
  return args;
}

// `args` with the value of option `name` replaced by `value`.
std::vector<std::string> Replaced(std::vector<std::string> args, const std::string& name,
                                  const std::string& value) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == name) args[i + 1] = value;
  }
  return args;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &message).ok()) << json;
  return message;
}

constexpr char kUuid[] = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

TEST_F(NpctlTest, RefundGetPrintsTheCaseWithAmountsInYuan) {
  const NpctlResult result = Npctl({"--as", "operator", "refund", "get", "R000000000001"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, StartsWith("refund R000000000001\n"));
  EXPECT_THAT(result.out, HasSubstr("  state                  AWAIT_CLAIM\n"));
  EXPECT_THAT(result.out, HasSubstr("  donor -> recipient     cmcc -> cucc\n"));
  EXPECT_THAT(result.out, HasSubstr("  reasons                F02_NON_REFUNDABLE_PROMO\n"));
  EXPECT_THAT(result.out, HasSubstr("  cash balance           100.00 CNY\n"));
  EXPECT_THAT(result.out, HasSubstr("  refundable             82.00 CNY\n"));
  EXPECT_THAT(result.out, HasSubstr("  claim deadline         2026-11-30T11:00:00+08:00\n"));
  // A read sends no request id and announces none.
  EXPECT_EQ(result.err, "");
  ASSERT_THAT(npd_.get_refund_requests(), SizeIs(1));
  EXPECT_EQ(npd_.get_refund_requests()[0].refund_id(), "R000000000001");
  EXPECT_THAT(npd_.callers(), ElementsAre("operator"));
}

TEST_F(NpctlTest, RefundGetOfAMissingCaseIsNotFoundAndExitsOne) {
  const NpctlResult result = Npctl({"--as", "cmcc", "refund", "get", FakeNpd::kMissingRefund});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            std::string("error: NOT_FOUND: no refund ") + FakeNpd::kMissingRefund + "\n");
  EXPECT_EQ(result.out, "");
}

TEST_F(NpctlTest, RefundGetJsonIsOneGetRefundResponse) {
  const NpctlResult result =
      Npctl({"--as", "operator", "--json", "refund", "get", "R000000000001"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(Lines(result.out), SizeIs(1));
  EXPECT_THAT(result.out, HasSubstr("\"refund_id\":\"R000000000001\""));
  EXPECT_THAT(result.out, HasSubstr("\"state\":\"REFUND_STATE_AWAIT_CLAIM\""));
  // int64 fen as protobuf JSON has it: a string of the integer, never yuan.
  EXPECT_THAT(result.out, HasSubstr("\"refundable_fen\":\"8200\""));
  EXPECT_EQ(FromJson<npd::v1::GetRefundResponse>(result.out).refund().refundable_fen(), 8200);
}

TEST_F(NpctlTest, RefundClaimSendsIdentityPayeeChannelProvinceAndARequestId) {
  const NpctlResult result = Npctl(With({"--as", "cmcc"}, ClaimArgs("R000000000001")));
  ASSERT_EQ(result.exit_code, 0) << result.err;

  const std::vector<npd::v1::ClaimRefundRequest> sent = npd_.claim_requests();
  ASSERT_THAT(sent, SizeIs(1));
  EXPECT_EQ(sent[0].refund_id(), "R000000000001");
  EXPECT_EQ(sent[0].claimant().id_type(), npd::v1::ID_TYPE_RESIDENT);
  EXPECT_EQ(sent[0].claimant().id_number(), "11010519491231002X");
  EXPECT_EQ(sent[0].claimant().name(), "张三");
  EXPECT_EQ(sent[0].payee().kind(), npd::v1::PAYEE_KIND_BANK_CARD);
  EXPECT_EQ(sent[0].payee().account(), "6222020200112233445");
  EXPECT_EQ(sent[0].payee().holder_name(), "张三");
  EXPECT_EQ(sent[0].channel(), npd::v1::CLAIM_CHANNEL_APP);
  EXPECT_EQ(sent[0].claim_province(), "广东");
  EXPECT_THAT(sent[0].request_id(), MatchesRegex(kUuid));
  EXPECT_EQ(result.err, "request-id: " + sent[0].request_id() + "\n");
  EXPECT_THAT(npd_.callers(), ElementsAre("cmcc"));

  EXPECT_THAT(result.out, StartsWith("claim accepted\nrefund R000000000001\n"));
  EXPECT_THAT(result.out, HasSubstr("  state                  FUNDS_RESERVED\n"));
  EXPECT_THAT(result.out, HasSubstr("  claim                  app in 广东"));
  EXPECT_THAT(result.out, HasSubstr("  payee                  bank-card ending 3445\n"));
  EXPECT_THAT(result.out, Not(HasSubstr("6222020200112233445")));
}

TEST_F(NpctlTest, RefundClaimSendsTheGivenRequestIdAndAWallet) {
  const NpctlResult result =
      Npctl(With({"--as", "operator", "--request-id", "claim-retry-3"},
                 Replaced(Replaced(ClaimArgs("R000000000001"), "--payee-kind", "WALLET"),
                          "--payee-account", "zhang.san@pay")));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");
  ASSERT_THAT(npd_.claim_requests(), SizeIs(1));
  EXPECT_EQ(npd_.claim_requests()[0].request_id(), "claim-retry-3");
  EXPECT_EQ(npd_.claim_requests()[0].payee().kind(), npd::v1::PAYEE_KIND_WALLET);
  EXPECT_EQ(npd_.claim_requests()[0].payee().account(), "zhang.san@pay");
  EXPECT_THAT(npd_.callers(), ElementsAre("operator"));
  EXPECT_THAT(result.out, HasSubstr("wallet ending @pay"));
}

// Like a refused code or a rejected port, a claim refused by rule is an answer, not a failure.
TEST_F(NpctlTest, RefusedClaimPrintsEveryReasonAndIsANormalAnswer) {
  const NpctlResult result = Npctl(With({"--as", "cmcc"}, ClaimArgs(FakeNpd::kRefusedRefund)));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, StartsWith(std::string("claim refused: F05_IDENTITY_MISMATCH, "
                                                 "F09_DUPLICATE_CLAIM — ") +
                                     FakeNpd::kRefundRefusalText + "\nrefund " +
                                     FakeNpd::kRefusedRefund + "\n"));
  EXPECT_THAT(result.out, HasSubstr("  refused claims         1\n"));
  EXPECT_THAT(result.out, Not(HasSubstr("REFUND_REASON_")));
  EXPECT_THAT(result.err, Not(HasSubstr("error:")));

  const NpctlResult json =
      Npctl(With({"--as", "cmcc", "--json"}, ClaimArgs(FakeNpd::kRefusedRefund)));
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"accepted\":false"));
  const auto response = FromJson<npd::v1::ClaimRefundResponse>(json.out);
  EXPECT_THAT(response.refusal().reasons(),
              ElementsAre(npd::v1::REFUND_REASON_F05_IDENTITY_MISMATCH,
                          npd::v1::REFUND_REASON_F09_DUPLICATE_CLAIM));
}

TEST_F(NpctlTest, RefundClaimWithABadPayeeKindSendsNothing) {
  const NpctlResult result =
      Npctl(With({"--as", "cmcc"}, Replaced(ClaimArgs("R000000000001"), "--payee-kind", "cash")));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("cash"));
  EXPECT_THAT(result.err, HasSubstr("bank-card, wallet"));
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(npd_.callers(), IsEmpty());
}

TEST_F(NpctlTest, RefundClaimWithABadChannelSendsNothing) {
  const NpctlResult result =
      Npctl(With({"--as", "cmcc"}, Replaced(ClaimArgs("R000000000001"), "--channel", "fax")));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("hall, app, online"));
  EXPECT_THAT(npd_.callers(), IsEmpty());
}

TEST_F(NpctlTest, RefundClaimNeedsEveryRequiredOption) {
  for (const char* option : {"--name", "--id-type", "--id-number", "--payee-kind",
                             "--payee-account", "--payee-name", "--channel", "--province"}) {
    const NpctlResult result =
        Npctl(With({"--as", "cmcc"}, Without(ClaimArgs("R000000000001"), option)));
    EXPECT_EQ(result.exit_code, 2) << option;
    // The identity number's option is named by its first spelling, --id.
    const std::string named = std::string(option) == "--id-number" ? "--id" : option;
    EXPECT_THAT(result.err, HasSubstr(named)) << option;
  }
  EXPECT_EQ(Npctl({"--as", "cmcc", "refund", "claim"}).exit_code, 2);
  EXPECT_THAT(npd_.callers(), IsEmpty());
}

TEST_F(NpctlTest, RefundListSendsTheFiltersAndShowsOnePage) {
  const NpctlResult result =
      Npctl({"--as", "operator", "refund", "list", "--msisdn", "13800138000", "--carrier", "cmcc",
             "--state", "await-claim", "--province", "北京", "--page-size", "2"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_THAT(npd_.list_refund_requests(), SizeIs(1));
  const npd::v1::ListRefundsRequest sent = npd_.list_refund_requests()[0];
  EXPECT_EQ(sent.msisdn(), "13800138000");
  EXPECT_EQ(sent.carrier(), "cmcc");
  EXPECT_EQ(sent.state(), npd::v1::REFUND_STATE_AWAIT_CLAIM);
  EXPECT_EQ(sent.home_province(), "北京");
  EXPECT_EQ(sent.page_size(), 2);
  EXPECT_EQ(sent.page_token(), "");
  EXPECT_THAT(Lines(result.out),
              ElementsAre("R000000000001  13800138000  AWAIT_CLAIM       cmcc -> cucc  82.00 CNY  "
                          "2026-11-29T10:00:00+08:00",
                          StartsWith("R000000000002  ")));
  EXPECT_EQ(result.err, "more refunds: --page-token 2 (or --all for every page)\n");

  const NpctlResult next = Npctl({"--as", "operator", "refund", "list", "--page-token", "2"});
  EXPECT_THAT(Lines(next.out), ElementsAre(StartsWith("R000000000003  ")));
  EXPECT_EQ(npd_.list_refund_requests()[1].page_token(), "2");
}

TEST_F(NpctlTest, RefundListAllFollowsEveryPage) {
  const NpctlResult result = Npctl({"--as", "operator", "refund", "list", "--all"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(Lines(result.out),
              ElementsAre(StartsWith("R000000000001  "), StartsWith("R000000000002  "),
                          StartsWith("R000000000003  ")));
  EXPECT_EQ(result.err, "");
  const std::vector<npd::v1::ListRefundsRequest> sent = npd_.list_refund_requests();
  ASSERT_THAT(sent, SizeIs(2));
  EXPECT_EQ(sent[0].page_token(), "");
  EXPECT_EQ(sent[1].page_token(), "2");
  EXPECT_EQ(sent[1].state(), npd::v1::REFUND_STATE_UNSPECIFIED);

  const NpctlResult json = Npctl({"--as", "operator", "--json", "refund", "list", "--all"});
  const std::vector<std::string> pages = Lines(json.out);
  ASSERT_THAT(pages, SizeIs(2));
  EXPECT_EQ(FromJson<npd::v1::ListRefundsResponse>(pages[0]).refunds_size(), 2);
  EXPECT_EQ(FromJson<npd::v1::ListRefundsResponse>(pages[1]).refunds(0).refund_id(),
            "R000000000003");
}

TEST_F(NpctlTest, RefundListWithAnUnknownStateSendsNothing) {
  const NpctlResult result = Npctl({"--as", "operator", "refund", "list", "--state", "LIMBO"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("AWAIT_CLAIM"));
  EXPECT_THAT(npd_.callers(), IsEmpty());
}

TEST_F(NpctlTest, RefundRedriveSendsTheNoteAndARequestId) {
  const NpctlResult result =
      Npctl({"--as", "operator", "refund", "redrive", "R000000000001", "--note", "gateway fixed"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_THAT(npd_.redrive_requests(), SizeIs(1));
  const npd::v1::RedriveRefundRequest sent = npd_.redrive_requests()[0];
  EXPECT_EQ(sent.refund_id(), "R000000000001");
  EXPECT_EQ(sent.note(), "gateway fixed");
  EXPECT_THAT(sent.request_id(), MatchesRegex(kUuid));
  EXPECT_EQ(result.err, "request-id: " + sent.request_id() + "\n");
  EXPECT_THAT(npd_.callers(), ElementsAre("operator"));
  EXPECT_THAT(result.out, HasSubstr("  state                  PAYOUT_REQUESTED\n"));
  EXPECT_THAT(result.out, HasSubstr("  pending step           PAYOUT, 0 attempts, next attempt "
                                    "2026-11-29T11:00:00+08:00\n"));
  EXPECT_EQ(sent.paid_generation(), 0);  // not named: the usual re-drive
}

TEST_F(NpctlTest, RefundRedriveNamesThePaidGeneration) {
  const NpctlResult result =
      Npctl({"--as", "operator", "refund", "redrive", "R000000000007", "--paid-generation", "1",
             "--reason", "channel statement: payout 1 paid"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_THAT(npd_.redrive_requests(), SizeIs(1));
  const npd::v1::RedriveRefundRequest sent = npd_.redrive_requests()[0];
  EXPECT_EQ(sent.paid_generation(), 1);
  EXPECT_EQ(sent.note(), "channel statement: payout 1 paid");
  EXPECT_THAT(result.out, HasSubstr("  state                  PAID\n"));
  EXPECT_THAT(result.out, HasSubstr("  payout                 #1 R000000000007:payout:1\n"));

  const NpctlResult refused = Npctl({"--as", "operator", "refund", "redrive", "R000000000007",
                                     "--paid-generation", "9", "--reason", "wrong payout"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(refused.err, HasSubstr("no SUCCEEDED fact of payout #9"));
}

TEST_F(NpctlTest, RefundRedriveTakesOnlyAPayoutGeneration) {
  for (const char* value : {"0", "-1", "010", "1.5", "one", ""}) {
    const NpctlResult result = Npctl({"--as", "operator", "refund", "redrive", "R000000000007",
                                      "--paid-generation", value, "--reason", "x"});
    EXPECT_EQ(result.exit_code, 2) << value;
    EXPECT_THAT(result.err, HasSubstr("--paid-generation")) << value;
  }
  EXPECT_THAT(npd_.callers(), IsEmpty());
}

TEST_F(NpctlTest, RefundGetShowsPayoutFactsAndConflicts) {
  const NpctlResult result = Npctl({"--as", "operator", "refund", "get", FakeNpd::kConflictRefund});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string& out = result.out;
  EXPECT_THAT(out, HasSubstr("  state                  STUCK\n"));
  EXPECT_THAT(out, HasSubstr("  payout fact            #1 R000000000007:payout:1 "
                             "FAILED_PAYEE_INVALID (Pay answer, 2026-11-29T11:00:00+08:00)\n"));
  // The channel's reference is shown escaped, never as a raw terminal control sequence.
  EXPECT_THAT(out, HasSubstr("  payout fact            #2 R000000000007:payout:2 SUCCEEDED "
                             "82.00 CNY, reference PAY\\x1b[2J (query answer, "
                             "2026-11-29T11:00:00+08:00)\n"));
  EXPECT_THAT(out, Not(HasSubstr("\x1b")));
  EXPECT_THAT(out, HasSubstr("  reported payout        #2 R000000000007:payout:2 SUCCEEDED 82.00 "
                             "CNY (channel report, 2026-11-29T11:00:00+08:00), being checked by "
                             "a query\n"));
  EXPECT_THAT(out, HasSubstr("  payout conflict #1     resolved, found 2026-11-29T09:00:00+08:00, "
                             "resolved 2026-11-29T10:00:00+08:00 (channel reversed payout 1)\n"));
  EXPECT_THAT(out, HasSubstr("  payout conflict #2     OPEN, found 2026-11-29T11:00:00+08:00\n"
                             "    earlier              #2 R000000000007:payout:2 "
                             "FAILED_PAYEE_INVALID (channel report, 2026-11-29T11:00:00+08:00)\n"
                             "    reported             #2 R000000000007:payout:2 SUCCEEDED 82.00 "
                             "CNY, reference PAY\\x1b[2J (query answer, "
                             "2026-11-29T11:00:00+08:00)\n"));
  // --json carries every field.
  const NpctlResult json =
      Npctl({"--as", "operator", "--json", "refund", "get", FakeNpd::kConflictRefund});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  npd::v1::GetRefundResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &parsed).ok()) << json.out;
  ASSERT_EQ(parsed.refund().payout_conflicts_size(), 2);
  EXPECT_FALSE(parsed.refund().payout_conflicts(1).resolved());
  EXPECT_EQ(parsed.refund().payout_outcomes_size(), 2);
}

TEST_F(NpctlTest, RefundRedriveErrorsExitOne) {
  const NpctlResult denied =
      Npctl({"--as", "cmcc", "refund", "redrive", "R000000000001", "--note", "retry"});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_THAT(denied.err, HasSubstr("error: PERMISSION_DENIED: only the operator may re-drive\n"));
  EXPECT_EQ(denied.out, "");

  const NpctlResult missing =
      Npctl({"--as", "operator", "refund", "redrive", FakeNpd::kMissingRefund, "--note", "retry"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("error: NOT_FOUND: no refund "));
}

TEST_F(NpctlTest, RefundReportBillSendsTheBillInFen) {
  const NpctlResult result =
      Npctl(With({"--as", "cmcc", "--request-id", "bill-push-1"}, ReportBillArgs()));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_THAT(npd_.report_bill_requests(), SizeIs(1));
  const npd::v1::ReportFinalBillRequest sent = npd_.report_bill_requests()[0];
  EXPECT_EQ(sent.refund_id(), "R000000000001");
  EXPECT_EQ(sent.request_id(), "bill-push-1");
  EXPECT_EQ(sent.bill().bill_id(), "B-0042");
  EXPECT_EQ(sent.bill().cash_balance_fen(), 10000);
  EXPECT_EQ(sent.bill().non_refundable_fen(), 1000);
  EXPECT_EQ(sent.bill().third_party_topup_fen(), 500);
  EXPECT_EQ(sent.bill().final_charges_fen(), 1700);
  EXPECT_THAT(npd_.callers(), ElementsAre("cmcc"));
  EXPECT_THAT(result.out, StartsWith("final bill applied\nrefund R000000000001\n"));
  EXPECT_THAT(result.out, HasSubstr("  final charges          17.00 CNY\n"));
  EXPECT_THAT(result.out, HasSubstr("  refundable             68.00 CNY\n"));
}

TEST_F(NpctlTest, RefundReportBillTakesOnlyNonNegativeWholeFen) {
  for (const auto& [option, value] :
       std::vector<std::pair<std::string, std::string>>{{"--cash-fen", "100.50"},
                                                        {"--cash-fen", "0x10"},
                                                        {"--cash-fen", "99999999999999999999"},
                                                        {"--charges-fen", "-1"},
                                                        {"--third-party-fen", "ten"},
                                                        {"--non-refundable-fen", ""}}) {
    const NpctlResult result =
        Npctl(With({"--as", "cmcc"}, Replaced(ReportBillArgs(), option, value)));
    EXPECT_EQ(result.exit_code, 2) << option << " " << value;
    EXPECT_THAT(result.err, HasSubstr(option)) << value;
  }
  for (const char* option :
       {"--bill-id", "--cash-fen", "--non-refundable-fen", "--third-party-fen", "--charges-fen"}) {
    const NpctlResult result = Npctl(With({"--as", "cmcc"}, Without(ReportBillArgs(), option)));
    EXPECT_EQ(result.exit_code, 2) << option;
    EXPECT_THAT(result.err, HasSubstr(option));
  }
  EXPECT_THAT(npd_.callers(), IsEmpty());
}

TEST_F(NpctlTest, RefundReportBillReadsALeadingZeroAsDecimal) {
  const NpctlResult result =
      Npctl(With({"--as", "cmcc"}, Replaced(Replaced(ReportBillArgs(), "--charges-fen", "010"),
                                            "--cash-fen", "9223372036854775807")));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_THAT(npd_.report_bill_requests(), SizeIs(1));
  EXPECT_EQ(npd_.report_bill_requests()[0].bill().final_charges_fen(), 10);  // not octal 8
  EXPECT_EQ(npd_.report_bill_requests()[0].bill().cash_balance_fen(), INT64_MAX);
}

TEST_F(NpctlTest, RefundHelpNamesEveryCommand) {
  const NpctlResult result = RunNpctl(NPCTL_BINARY, {"refund", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* text : {"get", "list", "claim", "redrive", "report-bill"}) {
    EXPECT_THAT(result.out, HasSubstr(text));
  }
  const NpctlResult claim = RunNpctl(NPCTL_BINARY, {"refund", "claim", "--help"});
  EXPECT_EQ(claim.exit_code, 0);
  for (const char* text : {"--payee-kind", "bank-card, wallet", "--payee-account", "--payee-name",
                           "--channel", "hall, app, online", "--province", "--id-number"}) {
    EXPECT_THAT(claim.out, HasSubstr(text));
  }
}

}  // namespace
}  // namespace npd::testing
