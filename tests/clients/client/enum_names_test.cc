#include "clients/client/enum_names.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace npd::client {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

TEST(ReasonNamesTest, PrintsWithoutThePrefix) {
  EXPECT_EQ(ReasonName(npd::v1::REASON_CODE_R03_ARREARS_BILLED), "R03_ARREARS_BILLED");
  EXPECT_EQ(ReasonName(npd::v1::REASON_CODE_R99_OTHER_POLICY), "R99_OTHER_POLICY");
}

TEST(ReasonNamesTest, AcceptsTheCodeTheNameAndTheEnumNameInAnyCase) {
  for (const char* text : {"R03", "r03", "R03_ARREARS_BILLED", "r03_arrears_billed",
                           "REASON_CODE_R03_ARREARS_BILLED", " R03 "}) {
    EXPECT_THAT(ParseReason(text), Optional(npd::v1::REASON_CODE_R03_ARREARS_BILLED)) << text;
  }
  EXPECT_THAT(ParseReason("R99"), Optional(npd::v1::REASON_CODE_R99_OTHER_POLICY));
}

TEST(ReasonNamesTest, RefusesUnknownAndUnspecified) {
  for (const char* text : {"", "R3", "R15", "R03_ARREARS", "ARREARS_BILLED", "UNSPECIFIED",
                           "REASON_CODE_UNSPECIFIED", "3"}) {
    EXPECT_EQ(ParseReason(text), std::nullopt) << text;
  }
}

TEST(ReasonNamesTest, ListsEveryCodeOnce) {
  const std::vector<std::string> names = ReasonNames();
  EXPECT_EQ(names.size(), 15u);
  EXPECT_EQ(names.front(), "R01_NOT_REAL_NAME");
  EXPECT_EQ(names.back(), "R99_OTHER_POLICY");
}

TEST(PortStateNamesTest, RoundTrips) {
  for (const std::string& name : PortStateNames()) {
    const std::optional<npd::v1::PortState> state = ParsePortState(name);
    ASSERT_TRUE(state.has_value()) << name;
    EXPECT_EQ(PortStateName(*state), name);
  }
  EXPECT_THAT(ParsePortState("pending_donor"), Optional(npd::v1::PORT_STATE_PENDING_DONOR));
  EXPECT_THAT(ParsePortState("PORT_STATE_CUTOVER"), Optional(npd::v1::PORT_STATE_CUTOVER));
  EXPECT_EQ(ParsePortState("UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(ParsePortState("PENDING"), std::nullopt);
}

TEST(IdTypeNamesTest, UsesLowerCaseDashedNames) {
  EXPECT_THAT(IdTypeNames(), ElementsAre("resident", "temporary", "household", "hk-macau", "taiwan",
                                         "passport", "foreign-permanent"));
  EXPECT_THAT(ParseIdType("hk-macau"), Optional(npd::v1::ID_TYPE_HK_MACAU));
  EXPECT_THAT(ParseIdType("Foreign_Permanent"), Optional(npd::v1::ID_TYPE_FOREIGN_PERMANENT));
  EXPECT_EQ(IdTypeName(npd::v1::ID_TYPE_RESIDENT), "resident");
  EXPECT_EQ(ParseIdType("driving-licence"), std::nullopt);
}

TEST(ChannelNamesTest, CoversHallOnlineApp) {
  EXPECT_THAT(ChannelNames(), ElementsAre("hall", "online", "app"));
  EXPECT_THAT(ParseChannel("ONLINE"), Optional(npd::v1::CHANNEL_ONLINE));
  EXPECT_EQ(ParseChannel("unspecified"), std::nullopt);
}

TEST(RefundNamesTest, ReasonsStatesAndStepsPrintWithoutThePrefix) {
  EXPECT_EQ(RefundReasonName(npd::v1::REFUND_REASON_F05_IDENTITY_MISMATCH),
            "F05_IDENTITY_MISMATCH");
  EXPECT_EQ(RefundStateName(npd::v1::REFUND_STATE_AWAIT_CLAIM), "AWAIT_CLAIM");
  EXPECT_EQ(RefundStepName(npd::v1::REFUND_STEP_FETCH_FINAL_BILL), "FETCH_FINAL_BILL");
  EXPECT_EQ(RefundReasonName(static_cast<npd::v1::RefundReason>(42)), "42");
}

TEST(RefundNamesTest, StatesRoundTrip) {
  const std::vector<std::string> names = RefundStateNames();
  EXPECT_EQ(names.size(), 15u);
  EXPECT_EQ(names.front(), "OPENED");
  for (const std::string& name : names) {
    const std::optional<npd::v1::RefundState> state = ParseRefundState(name);
    ASSERT_TRUE(state.has_value()) << name;
    EXPECT_EQ(RefundStateName(*state), name);
  }
  EXPECT_THAT(ParseRefundState("await-claim"), Optional(npd::v1::REFUND_STATE_AWAIT_CLAIM));
  EXPECT_THAT(ParseRefundState("REFUND_STATE_STUCK"), Optional(npd::v1::REFUND_STATE_STUCK));
  EXPECT_EQ(ParseRefundState("UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(ParseRefundState("CLOSED"), std::nullopt);
}

TEST(RefundNamesTest, ClaimChannelsAndPayeeKindsAreLowerCaseDashed) {
  EXPECT_THAT(ClaimChannelNames(), ElementsAre("hall", "app", "online"));
  EXPECT_THAT(ParseClaimChannel("App"), Optional(npd::v1::CLAIM_CHANNEL_APP));
  EXPECT_EQ(ParseClaimChannel("fax"), std::nullopt);
  EXPECT_THAT(PayeeKindNames(), ElementsAre("bank-card", "wallet"));
  EXPECT_THAT(ParsePayeeKind("bank-card"), Optional(npd::v1::PAYEE_KIND_BANK_CARD));
  EXPECT_THAT(ParsePayeeKind("BANK_CARD"), Optional(npd::v1::PAYEE_KIND_BANK_CARD));
  EXPECT_EQ(PayeeKindName(npd::v1::PAYEE_KIND_WALLET), "wallet");
  EXPECT_EQ(ParsePayeeKind("cash"), std::nullopt);
  EXPECT_EQ(ParsePayeeKind("unspecified"), std::nullopt);
}

TEST(EnumNamesTest, ValuesFromANewerServerPrintAsNumbers) {
  EXPECT_EQ(ReasonName(static_cast<npd::v1::ReasonCode>(42)), "42");
  EXPECT_EQ(PortStateName(static_cast<npd::v1::PortState>(42)), "42");
}

}  // namespace
}  // namespace npd::client
