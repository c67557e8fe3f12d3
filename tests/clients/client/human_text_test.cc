#include "clients/client/human_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace npd::client {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

// 2026-11-29T11:00:00+08:00.
constexpr int64_t kEleven = 1795921200;

google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp time;
  time.set_seconds(seconds);
  return time;
}

npd::v1::Port PendingPort() {
  npd::v1::Port port;
  port.set_port_id("P000000000001");
  port.set_msisdn("13800138000");
  port.set_state(npd::v1::PORT_STATE_PENDING_DONOR);
  port.set_donor("cmcc");
  port.set_recipient("cucc");
  port.set_range_holder("cmcc");
  port.set_local_network("010");
  port.set_channel(npd::v1::CHANNEL_ONLINE);
  *port.mutable_submitted_at() = At(kEleven - 3600);
  *port.mutable_donor_deadline_at() = At(kEleven);
  return port;
}

TEST(ShanghaiTimeTest, IsIso8601AtUtcPlusEight) {
  EXPECT_EQ(ShanghaiTime(At(kEleven)), "2026-11-29T11:00:00+08:00");
  // 16:30 UTC is half past midnight of the next day in Shanghai.
  EXPECT_EQ(ShanghaiTime(At(kEleven + int64_t{13} * 3600 + 1800)), "2026-11-30T00:30:00+08:00");
}

TEST(RefusalTextTest, ListsCodesTextAndRules) {
  npd::v1::Refusal refusal;
  refusal.add_reasons(npd::v1::REASON_CODE_R06_PORT_INTERVAL_120D);
  refusal.add_reasons(npd::v1::REASON_CODE_R13_PORT_IN_PROGRESS);
  refusal.set_text("not yet");
  refusal.set_rule_version("npd-rules-2019.1");
  EXPECT_EQ(RefusalText(refusal),
            "R06_PORT_INTERVAL_120D, R13_PORT_IN_PROGRESS — not yet (rules npd-rules-2019.1)");
}

TEST(AuthCodeTextTest, ShowsCodeAndExpiry) {
  npd::v1::IssueAuthCodeResponse response;
  response.set_issued(true);
  response.set_code("123456");
  *response.mutable_expires_at() = At(kEleven);
  EXPECT_EQ(AuthCodeText(response, "13800138000"),
            "code 123456 for 13800138000, expires 2026-11-29T11:00:00+08:00");
}

TEST(AuthCodeTextTest, ShowsRefusal) {
  npd::v1::IssueAuthCodeResponse response;
  response.mutable_refusal()->add_reasons(npd::v1::REASON_CODE_R07_NON_PORTABLE_RANGE);
  EXPECT_EQ(AuthCodeText(response, "14000000000"), "refused: R07_NON_PORTABLE_RANGE");
}

TEST(AuthCodeTextTest, SaysWhenAReplayCarriesNoCode) {
  npd::v1::IssueAuthCodeResponse response;
  response.set_issued(true);
  *response.mutable_expires_at() = At(kEleven);
  EXPECT_THAT(AuthCodeText(response, "13800138000"), HasSubstr("new request id"));
}

TEST(PortBlockTest, ShowsPartiesStateAndTimes) {
  const std::string block = PortBlock(PendingPort());
  EXPECT_THAT(block, HasSubstr("port P000000000001\n"));
  EXPECT_THAT(block, HasSubstr("PENDING_DONOR"));
  EXPECT_THAT(block, Not(HasSubstr("PORT_STATE_")));
  EXPECT_THAT(block, HasSubstr("cmcc -> cucc"));
  EXPECT_THAT(block, HasSubstr("online"));
  EXPECT_THAT(block, HasSubstr("2026-11-29T10:00:00+08:00"));
  EXPECT_THAT(block, HasSubstr("2026-11-29T11:00:00+08:00"));
  // Nothing about confirmations before there is a routing change.
  EXPECT_THAT(block, Not(HasSubstr("confirmed by")));
}

TEST(PortBlockTest, ShowsRefusalAndConfirmations) {
  npd::v1::Port port = PendingPort();
  port.set_state(npd::v1::PORT_STATE_CUTOVER);
  port.set_routing_sequence(12);
  port.add_pending_confirmations("ctcc");
  port.add_confirmed_by("cmcc");
  port.add_confirmed_by("cucc");
  EXPECT_THAT(PortBlock(port), HasSubstr("pending confirmations  ctcc\n"));
  EXPECT_THAT(PortBlock(port), HasSubstr("confirmed by           cmcc, cucc\n"));

  npd::v1::Port rejected = PendingPort();
  rejected.set_state(npd::v1::PORT_STATE_REJECTED);
  rejected.mutable_refusal()->add_reasons(npd::v1::REASON_CODE_R03_ARREARS_BILLED);
  rejected.mutable_refusal()->set_text("unpaid bill");
  EXPECT_THAT(PortBlock(rejected),
              HasSubstr("refusal                R03_ARREARS_BILLED — unpaid bill"));
}

TEST(PortLineTest, AlignsTheStateColumn) {
  npd::v1::Port rejected = PendingPort();
  rejected.set_port_id("P000000000002");
  rejected.set_state(npd::v1::PORT_STATE_REJECTED);
  EXPECT_EQ(
      PortLine(PendingPort()),
      "P000000000001  13800138000  PENDING_DONOR       cmcc -> cucc  2026-11-29T10:00:00+08:00");
  EXPECT_EQ(
      PortLine(rejected),
      "P000000000002  13800138000  REJECTED            cmcc -> cucc  2026-11-29T10:00:00+08:00");
}

TEST(NumberBlockTest, ShowsRoutingFacts) {
  npd::v1::NumberInfo info;
  info.set_msisdn("13800138000");
  info.set_serving_carrier("cucc");
  info.set_range_holder("cmcc");
  info.set_local_network("010");
  info.set_ported(true);
  info.set_portable(true);
  const std::string block = NumberBlock(info);
  EXPECT_THAT(block, HasSubstr("serving carrier        cucc\n"));
  EXPECT_THAT(block, HasSubstr("ported                 yes\n"));
  EXPECT_THAT(block, HasSubstr("live port              none\n"));

  info.set_live_port_id("P000000000002");
  info.set_live_port_state(npd::v1::PORT_STATE_SCHEDULED);
  EXPECT_THAT(NumberBlock(info), HasSubstr("live port              P000000000002 (SCHEDULED)\n"));
}

TEST(ChangeLineTest, MatchesTheDocumentedFormat) {
  npd::v1::RoutingChange change;
  change.set_sequence(12);
  change.set_msisdn("13800138000");
  change.set_previous_carrier("cmcc");
  change.set_serving_carrier("cucc");
  change.set_port_id("P000000000001");
  change.set_kind(npd::v1::ROUTING_CHANGE_KIND_PORTED);
  *change.mutable_effective_at() = At(kEleven);
  EXPECT_EQ(ChangeLine(change),
            "#12 13800138000 cmcc -> cucc (port P000000000001) at 2026-11-29T11:00:00+08:00");
}

TEST(YuanTextTest, ShowsIntegerFenAsYuanWithTwoDecimals) {
  EXPECT_EQ(YuanText(0), "0.00 CNY");
  EXPECT_EQ(YuanText(5), "0.05 CNY");
  EXPECT_EQ(YuanText(10), "0.10 CNY");
  EXPECT_EQ(YuanText(100), "1.00 CNY");
  EXPECT_EQ(YuanText(1234), "12.34 CNY");
  EXPECT_EQ(YuanText(123456), "1234.56 CNY");
}

TEST(YuanTextTest, NegativeAmountsKeepTheSignOnTheWhole) {
  EXPECT_EQ(YuanText(-250), "-2.50 CNY");
  EXPECT_EQ(YuanText(-5), "-0.05 CNY");
  EXPECT_EQ(YuanText(-100), "-1.00 CNY");
}

TEST(YuanTextTest, IsExactBeyondWhatADoubleHolds) {
  // 2^53 + 1 fen: a double would round the last digit.
  EXPECT_EQ(YuanText(9007199254740993), "90071992547409.93 CNY");
  EXPECT_EQ(YuanText(std::numeric_limits<int64_t>::max()), "92233720368547758.07 CNY");
  EXPECT_EQ(YuanText(std::numeric_limits<int64_t>::min()), "-92233720368547758.08 CNY");
}

npd::v1::Refund ComputedRefund() {
  npd::v1::Refund refund;
  refund.set_refund_id("R000000000001");
  refund.set_port_id("P000000000001");
  refund.set_msisdn("13800138000");
  refund.set_donor("cmcc");
  refund.set_recipient("cucc");
  refund.set_home_province("北京");
  refund.set_state(npd::v1::REFUND_STATE_AWAIT_CLAIM);
  refund.add_reasons(npd::v1::REFUND_REASON_F02_NON_REFUNDABLE_PROMO);
  refund.add_reasons(npd::v1::REFUND_REASON_F04_ARREARS_OFFSET);
  npd::v1::FinalBill& bill = *refund.mutable_final_bill();
  bill.set_bill_id("B-2026-11-0001");
  bill.set_cash_balance_fen(10000);
  bill.set_non_refundable_fen(1000);
  bill.set_third_party_topup_fen(500);
  bill.set_final_charges_fen(300);
  *bill.mutable_produced_at() = At(kEleven - 7200);
  refund.set_refundable_fen(8200);
  *refund.mutable_claim_deadline_at() = At(kEleven + 86400);
  *refund.mutable_opened_at() = At(kEleven - 10800);
  return refund;
}

TEST(RefundBlockTest, ShowsStateReasonsBillAndAmountsInYuan) {
  const std::string block = RefundBlock(ComputedRefund());
  EXPECT_THAT(block, ::testing::StartsWith("refund R000000000001\n"));
  EXPECT_THAT(block, HasSubstr("  port                   P000000000001\n"));
  EXPECT_THAT(block, HasSubstr("  state                  AWAIT_CLAIM\n"));
  EXPECT_THAT(block, Not(HasSubstr("REFUND_")));
  EXPECT_THAT(block, HasSubstr("  donor -> recipient     cmcc -> cucc\n"));
  EXPECT_THAT(block, HasSubstr("  home province          北京\n"));
  EXPECT_THAT(block,
              HasSubstr("  reasons                F02_NON_REFUNDABLE_PROMO, F04_ARREARS_OFFSET\n"));
  EXPECT_THAT(
      block,
      HasSubstr("  final bill             B-2026-11-0001 (produced 2026-11-29T09:00:00+08:00)\n"));
  EXPECT_THAT(block, HasSubstr("  cash balance           100.00 CNY\n"));
  EXPECT_THAT(block, HasSubstr("  non-refundable         10.00 CNY\n"));
  EXPECT_THAT(block, HasSubstr("  third-party top-ups    5.00 CNY\n"));
  EXPECT_THAT(block, HasSubstr("  final charges          3.00 CNY\n"));
  EXPECT_THAT(block, HasSubstr("  refundable             82.00 CNY\n"));
  EXPECT_THAT(block, HasSubstr("  claim deadline         2026-11-30T11:00:00+08:00\n"));
  EXPECT_THAT(block, HasSubstr("  opened                 2026-11-29T08:00:00+08:00\n"));
  // Nothing about claims, payouts, steps or arrears that did not happen.
  for (const char* absent : {"claim  ", "payee", "payout", "pending step", "stuck", "arrears",
                             "refused claims", "closed"}) {
    EXPECT_THAT(block, Not(HasSubstr(absent))) << absent;
  }
}

TEST(RefundBlockTest, WithoutABillShowsNoAmounts) {
  npd::v1::Refund refund = ComputedRefund();
  refund.clear_final_bill();
  refund.clear_refundable_fen();
  refund.set_state(npd::v1::REFUND_STATE_AWAIT_FINAL_BILL);
  const std::string block = RefundBlock(refund);
  EXPECT_THAT(block, Not(HasSubstr("refundable")));
  EXPECT_THAT(block, Not(HasSubstr("CNY")));
  EXPECT_THAT(RefundLine(refund), HasSubstr("cmcc -> cucc  -  "));
}

TEST(RefundBlockTest, ShowsNegativeResultAsArrears) {
  npd::v1::Refund refund = ComputedRefund();
  refund.set_state(npd::v1::REFUND_STATE_CLOSED_NO_REFUND);
  refund.set_refundable_fen(-250);
  refund.set_arrears_fen(250);
  const std::string block = RefundBlock(refund);
  EXPECT_THAT(block, HasSubstr("  refundable             -2.50 CNY\n"));
  EXPECT_THAT(block, HasSubstr("  arrears                2.50 CNY\n"));
}

TEST(RefundBlockTest, ShowsTheClaimByThePayeesLastFourAndThePayout) {
  npd::v1::Refund refund = ComputedRefund();
  refund.set_state(npd::v1::REFUND_STATE_PAID);
  npd::v1::RefundClaim& claim = *refund.mutable_claim();
  claim.set_channel(npd::v1::CLAIM_CHANNEL_HALL);
  claim.set_claim_province("广东");
  claim.set_payee_kind(npd::v1::PAYEE_KIND_BANK_CARD);
  claim.set_payee_last4("0366");
  *claim.mutable_claimed_at() = At(kEleven);
  claim.set_request_id("claim-1");
  refund.set_payout_generation(2);
  refund.set_payout_key("R000000000001:payout:2");
  refund.set_payout_reference("PAY-77");
  refund.set_paid_fen(8200);
  refund.set_settlement_reference("SET-9");
  refund.set_refused_claims(1);
  const std::string block = RefundBlock(refund);
  EXPECT_THAT(block, HasSubstr("  claim                  hall in 广东 at 2026-11-29T11:00:00+08:00 "
                               "(request claim-1)\n"));
  EXPECT_THAT(block, HasSubstr("  payee                  bank-card ending 0366\n"));
  EXPECT_THAT(block,
              HasSubstr("  payout                 #2 R000000000001:payout:2 (reference PAY-77)\n"));
  EXPECT_THAT(block, HasSubstr("  paid                   82.00 CNY\n"));
  EXPECT_THAT(block, HasSubstr("  settlement             SET-9\n"));
  EXPECT_THAT(block, HasSubstr("  refused claims         1\n"));
}

TEST(RefundBlockTest, ShowsThePendingStepAndWhyACaseIsStuck) {
  npd::v1::Refund refund = ComputedRefund();
  refund.set_state(npd::v1::REFUND_STATE_STUCK);
  npd::v1::RefundStepStatus& pending = *refund.mutable_pending_step();
  pending.set_step(npd::v1::REFUND_STEP_PAYOUT);
  pending.set_idempotency_key("R000000000001:payout:1");
  pending.set_attempts(3);
  *pending.mutable_next_attempt_at() = At(kEleven + 60);
  pending.set_last_error("UNAVAILABLE: gateway timeout");
  npd::v1::RefundStuck& stuck = *refund.mutable_stuck();
  stuck.set_from_state(npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  stuck.set_step(npd::v1::REFUND_STEP_PAYOUT);
  stuck.set_attempts(8);
  stuck.set_last_error("UNAVAILABLE: gateway timeout");
  *stuck.mutable_since() = At(kEleven);
  const std::string block = RefundBlock(refund);
  EXPECT_THAT(block, HasSubstr("  pending step           PAYOUT, 3 attempts, next attempt "
                               "2026-11-29T11:01:00+08:00\n"));
  EXPECT_THAT(block, HasSubstr("  step key               R000000000001:payout:1\n"));
  EXPECT_THAT(block, HasSubstr("  step last error        UNAVAILABLE: gateway timeout\n"));
  EXPECT_THAT(block, HasSubstr("  stuck                  PAYOUT in PAYOUT_REQUESTED since "
                               "2026-11-29T11:00:00+08:00, 8 attempts\n"));
  EXPECT_THAT(block, HasSubstr("  stuck error            UNAVAILABLE: gateway timeout\n"));
}

TEST(RefundLineTest, AlignsTheStateColumnAndShowsTheAmount) {
  npd::v1::Refund stuck = ComputedRefund();
  stuck.set_refund_id("R000000000002");
  stuck.set_state(npd::v1::REFUND_STATE_STUCK);
  EXPECT_EQ(RefundLine(ComputedRefund()),
            "R000000000001  13800138000  AWAIT_CLAIM       cmcc -> cucc  82.00 CNY  "
            "2026-11-29T08:00:00+08:00");
  EXPECT_EQ(RefundLine(stuck),
            "R000000000002  13800138000  STUCK             cmcc -> cucc  82.00 CNY  "
            "2026-11-29T08:00:00+08:00");
}

TEST(ClaimTextTest, NamesEveryRefusalReasonWithoutThePrefix) {
  npd::v1::ClaimRefundResponse response;
  response.mutable_refusal()->add_reasons(npd::v1::REFUND_REASON_F05_IDENTITY_MISMATCH);
  response.mutable_refusal()->add_reasons(npd::v1::REFUND_REASON_F07_CLAIM_EXPIRED);
  response.mutable_refusal()->set_text("not the account holder");
  *response.mutable_refund() = ComputedRefund();
  const std::string text = ClaimText(response);
  EXPECT_THAT(text, ::testing::StartsWith(
                        "claim refused: F05_IDENTITY_MISMATCH, F07_CLAIM_EXPIRED — not the "
                        "account holder\nrefund R000000000001\n"));

  response.set_accepted(true);
  response.clear_refusal();
  EXPECT_THAT(ClaimText(response), ::testing::StartsWith("claim accepted\nrefund R000000000001\n"));
}

}  // namespace
TEST(HumanTextTest, NumberReturnAndPartialFailureShowWhatOperatorsNeed) {
  npd::v1::Port port;
  port.set_port_id("P000000000007");
  port.set_kind(npd::v1::PORT_KIND_NUMBER_RETURN);
  port.set_msisdn("13800138000");
  port.set_state(npd::v1::PORT_STATE_PARTIAL_FAILURE);
  port.set_donor("cucc");
  port.set_recipient("cmcc");
  port.mutable_effective_at()->set_seconds(1796054400);  // 2026-12-01T00:00:00+08:00
  port.set_disconnect_note("contract ended");
  port.set_routing_sequence(12);
  port.add_pending_confirmations("ctcc");
  port.add_confirmed_by("cmcc");
  port.set_resend_count(1);
  port.set_last_resend_sequence(15);
  const std::string block = PortBlock(port);
  EXPECT_THAT(block, HasSubstr("number return P000000000007"));
  EXPECT_THAT(block, HasSubstr("PARTIAL_FAILURE"));
  EXPECT_THAT(block, MatchesRegex("(.|\n)*effective +2026-12-01T00:00:00\\+08:00(.|\n)*"));
  EXPECT_THAT(block, HasSubstr("contract ended"));
  EXPECT_THAT(block, MatchesRegex("(.|\n)*pending confirmations +ctcc(.|\n)*"));
  EXPECT_THAT(block, HasSubstr("1 (last at sequence 15)"));
  EXPECT_THAT(PortLine(port), HasSubstr("PARTIAL_FAILURE     cucc -> cmcc"));
}

TEST(PrintableTest, ControlAndBidiCharactersAreEscapedAndTextKept) {
  EXPECT_EQ(Printable("plain 文本 ok"), "plain 文本 ok");
  // A terminal escape that would recolour or clear the screen, and an injected second line.
  EXPECT_EQ(Printable("\x1b[2J\x1b[31mred\rline\nR03 forged"),
            "\\x1b[2J\\x1b[31mred\\x0dline\\nR03 forged");
  EXPECT_EQ(Printable("tab\tbell\a\x7f"), "tab\\tbell\\x07\\x7f");
  EXPECT_EQ(Printable("back\\slash"), "back\\\\slash");
  // U+202E (right-to-left override) and U+0085 (C1 next line) in UTF-8.
  EXPECT_EQ(Printable("a\xe2\x80\xae"
                      "b\xc2\x85"
                      "c"),
            "a\\u202eb\\u0085c");
  // Bytes that are not UTF-8 (a lone continuation, a truncated and an overlong sequence).
  EXPECT_EQ(Printable("\x80\xe6\x96"), "\\x80\\xe6\\x96");
  EXPECT_EQ(Printable("\xc0\xaf"), "\\xc0\\xaf");
}

TEST(PrintableTest, FreeTextInBlocksAndLinesCannotDrawOnTheTerminal) {
  npd::v1::Port port;
  port.set_port_id("P000000000009");
  port.set_state(npd::v1::PORT_STATE_CANCELLED);
  port.set_cancel_reason("moved\n  state                  COMPLETED\x1b]0;owned\x07");
  const std::string block = PortBlock(port);
  EXPECT_THAT(block, Not(HasSubstr("\x1b")));
  EXPECT_THAT(block, HasSubstr("moved\\n  state                  COMPLETED\\x1b]0;owned\\x07"));
  // The injected "state COMPLETED" stays inside the cancel reason's line: one state line only.
  size_t state_lines = 0;
  for (size_t at = block.find("\n  state "); at != std::string::npos;
       at = block.find("\n  state ", at + 1)) {
    ++state_lines;
  }
  EXPECT_EQ(state_lines, 1u) << block;
  npd::v1::HistoryEvent event;
  event.set_sequence(1);
  event.set_detail("x\x1b[1Ay");
  EXPECT_THAT(HistoryLine(event), HasSubstr("x\\x1b[1Ay"));
}

}  // namespace npd::client
