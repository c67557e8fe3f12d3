#include "clients/client/human_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
  EXPECT_EQ(PortLine(PendingPort()),
            "P000000000001  13800138000  PENDING_DONOR       cmcc -> cucc  2026-11-29T10:00:00+08:00");
  EXPECT_EQ(PortLine(rejected),
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

}  // namespace npd::client
