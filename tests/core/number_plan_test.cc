#include "daemon/core/number_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "tests/core/core_test_util.h"
#include "tests/support/plan_files.h"

namespace npd::core {
namespace {

using ::npd::core::testing::StatusIs;
using ::testing::ElementsAre;

constexpr char kCarriers[] =
    "id,name,short_code\ncmcc,China Mobile,10086\ncucc,China Unicom,10010\n";
constexpr char kBlocks[] = "prefix,carrier,kind\n138,cmcc,mobile\n186,cucc,mobile\n";
constexpr char kNetworks[] = "block,province,city,area_code\n1380013,Beijing,Beijing,010\n";

NumberPlan Shipped() { return npd::testing::ShippedPlan(NPD_DATA_DIR); }

TEST(ValidateMsisdnTest, AcceptsElevenDigitsStartingWithOne) {
  EXPECT_TRUE(ValidateMsisdn("13800138000").ok());
  EXPECT_TRUE(ValidateMsisdn("19912345678").ok());
}

TEST(ValidateMsisdnTest, NamesTheProblem) {
  EXPECT_THAT(ValidateMsisdn("1380013800"),
              StatusIs(absl::StatusCode::kInvalidArgument, "msisdn must be 11 digits, got 10"));
  EXPECT_THAT(ValidateMsisdn(""),
              StatusIs(absl::StatusCode::kInvalidArgument, "msisdn must be 11 digits, got 0"));
  EXPECT_THAT(ValidateMsisdn("+8613800138000"),
              StatusIs(absl::StatusCode::kInvalidArgument, "msisdn must be 11 digits, got 14"));
  EXPECT_THAT(ValidateMsisdn("1380013800a"),
              StatusIs(absl::StatusCode::kInvalidArgument, "msisdn must contain only digits"));
  EXPECT_THAT(ValidateMsisdn("138 0013800"),
              StatusIs(absl::StatusCode::kInvalidArgument, "msisdn must contain only digits"));
  EXPECT_THAT(ValidateMsisdn("23800138000"),
              StatusIs(absl::StatusCode::kInvalidArgument, "msisdn must start with 1"));
}

TEST(ShippedPlanTest, HasTheThreeCarriersInFileOrder) {
  NumberPlan plan = Shipped();
  ASSERT_EQ(plan.carriers().size(), 3u);
  EXPECT_EQ(plan.carriers()[0].id, "cmcc");
  EXPECT_EQ(plan.carriers()[0].name, "China Mobile");
  EXPECT_EQ(plan.carriers()[0].short_code, "10086");
  EXPECT_EQ(plan.carriers()[1].id, "cucc");
  EXPECT_EQ(plan.carriers()[1].short_code, "10010");
  EXPECT_EQ(plan.carriers()[2].id, "ctcc");
  EXPECT_EQ(plan.carriers()[2].short_code, "10001");
  EXPECT_THAT(plan.CarrierIds(), ElementsAre("cmcc", "ctcc", "cucc"));
  EXPECT_TRUE(plan.IsCarrier("cucc"));
  EXPECT_FALSE(plan.IsCarrier("cbn"));
  EXPECT_FALSE(plan.IsCarrier("operator"));
  EXPECT_FALSE(plan.IsCarrier(""));
}

struct BlockCase {
  const char* msisdn;
  const char* carrier;
  const char* block;
  BlockKind kind;
};

class ShippedBlocksTest : public ::testing::TestWithParam<BlockCase> {};

TEST_P(ShippedBlocksTest, LongestPrefixDecidesHolderAndKind) {
  const BlockCase& c = GetParam();
  auto facts = Shipped().Describe(c.msisdn);
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_EQ(facts->msisdn, c.msisdn);
  EXPECT_EQ(facts->range_holder, c.carrier);
  EXPECT_EQ(facts->block, c.block);
  EXPECT_EQ(facts->kind, c.kind);
  EXPECT_EQ(facts->portable, c.kind == BlockKind::kMobile);
}

INSTANTIATE_TEST_SUITE_P(PublicAllocation, ShippedBlocksTest,
                         ::testing::Values(
                             // 134 is mobile at 1340-1348 and satellite at 1349.
                             BlockCase{"13400000000", "cmcc", "1340", BlockKind::kMobile},
                             BlockCase{"13481234567", "cmcc", "1348", BlockKind::kMobile},
                             BlockCase{"13491234567", "ctcc", "1349", BlockKind::kSatellite},
                             BlockCase{"13800138000", "cmcc", "138", BlockKind::kMobile},
                             BlockCase{"14712345678", "cmcc", "147", BlockKind::kMobile},
                             BlockCase{"15012345678", "cmcc", "150", BlockKind::kMobile},
                             BlockCase{"17212345678", "cmcc", "172", BlockKind::kMobile},
                             BlockCase{"19812345678", "cmcc", "198", BlockKind::kMobile},
                             BlockCase{"13012345678", "cucc", "130", BlockKind::kMobile},
                             BlockCase{"14512345678", "cucc", "145", BlockKind::kMobile},
                             BlockCase{"16612345678", "cucc", "166", BlockKind::kMobile},
                             BlockCase{"18601001234", "cucc", "186", BlockKind::kMobile},
                             BlockCase{"19612345678", "cucc", "196", BlockKind::kMobile},
                             BlockCase{"13301001234", "ctcc", "133", BlockKind::kMobile},
                             BlockCase{"17712345678", "ctcc", "177", BlockKind::kMobile},
                             BlockCase{"19112345678", "ctcc", "191", BlockKind::kMobile},
                             BlockCase{"19912345678", "ctcc", "199", BlockKind::kMobile},
                             BlockCase{"17400001234", "ctcc", "174", BlockKind::kSatellite},
                             BlockCase{"17001234567", "ctcc", "1700", BlockKind::kResale},
                             BlockCase{"17031234567", "cmcc", "1703", BlockKind::kResale},
                             BlockCase{"17041234567", "cucc", "1704", BlockKind::kResale},
                             BlockCase{"17112345678", "cucc", "171", BlockKind::kResale},
                             BlockCase{"16212345678", "ctcc", "162", BlockKind::kResale},
                             BlockCase{"16512345678", "cmcc", "165", BlockKind::kResale},
                             BlockCase{"16712345678", "cucc", "167", BlockKind::kResale},
                             BlockCase{"14012345678", "cucc", "140", BlockKind::kIot},
                             BlockCase{"14412345678", "cmcc", "144", BlockKind::kIot},
                             BlockCase{"14612345678", "cucc", "146", BlockKind::kIot},
                             BlockCase{"14812345678", "cmcc", "148", BlockKind::kIot},
                             BlockCase{"14912345678", "ctcc", "149", BlockKind::kIot},
                             BlockCase{"10640000000", "cmcc", "1064", BlockKind::kIot}));

TEST(ShippedPlanTest, NonPortableRangesOfTheDomainAreNotPortable) {
  NumberPlan plan = Shipped();
  for (const char* prefix : {"1349", "174", "170", "171", "162", "165", "167", "140", "141", "142",
                             "143", "144", "146", "148", "149", "1064"}) {
    std::string msisdn = std::string(prefix) + std::string(11 - std::string(prefix).size(), '5');
    auto facts = plan.Describe(msisdn);
    ASSERT_TRUE(facts.ok()) << msisdn << ": " << facts.status();
    EXPECT_FALSE(facts->portable) << msisdn;
    EXPECT_NE(facts->kind, BlockKind::kMobile) << msisdn;
  }
}

struct NetworkCase {
  const char* msisdn;
  const char* area_code;
};

class ShippedLocalNetworksTest : public ::testing::TestWithParam<NetworkCase> {};

TEST_P(ShippedLocalNetworksTest, SevenDigitBlockGivesTheAreaCode) {
  auto facts = Shipped().Describe(GetParam().msisdn);
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_EQ(facts->local_network, GetParam().area_code);
}

// Blocks other test suites rely on.
INSTANTIATE_TEST_SUITE_P(
    BlocksUsedElsewhere, ShippedLocalNetworksTest,
    ::testing::Values(NetworkCase{"13800138000", "010"}, NetworkCase{"13900109999", "010"},
                      NetworkCase{"18601001234", "010"}, NetworkCase{"13301001234", "010"},
                      NetworkCase{"18901000000", "010"}, NetworkCase{"13800210000", "021"},
                      NetworkCase{"18612345678", "021"}, NetworkCase{"13507551234", "0755"}));

TEST(ShippedPlanTest, EveryCityHasBlocksOfEveryCarrier) {
  const std::string networks =
      npd::testing::ReadText(std::string(NPD_DATA_DIR) + "/local_networks.csv");
  NumberPlan plan = Shipped();
  for (const char* area : {"010", "021", "020", "0755", "028", "0591", "027", "0571"}) {
    EXPECT_TRUE(plan.IsLocalNetwork(area)) << area;
  }
  std::map<std::string, std::set<std::string>> carriers_by_area;
  std::istringstream lines(networks);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#' || line.rfind("block", 0) == 0) continue;
    auto facts = plan.Describe(line.substr(0, 7) + "0000");
    ASSERT_TRUE(facts.ok()) << line;
    carriers_by_area[facts->local_network].insert(facts->range_holder);
  }
  EXPECT_EQ(carriers_by_area.size(), 8u);
  for (const auto& [area, carriers] : carriers_by_area) {
    EXPECT_THAT(carriers, ElementsAre("cmcc", "ctcc", "cucc")) << area;
  }
}

TEST(ShippedPlanTest, NumberWithoutListedBlockHasNoLocalNetwork) {
  auto facts = Shipped().Describe("13899999999");
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_EQ(facts->range_holder, "cmcc");
  EXPECT_EQ(facts->local_network, "");
}

TEST(ShippedPlanTest, IsLocalNetworkOnlyForListedAreaCodes) {
  NumberPlan plan = Shipped();
  EXPECT_TRUE(plan.IsLocalNetwork("0755"));
  EXPECT_FALSE(plan.IsLocalNetwork("0999"));
  EXPECT_FALSE(plan.IsLocalNetwork("10"));
  EXPECT_FALSE(plan.IsLocalNetwork(""));
}

TEST(ShippedPlanTest, DescribeRejectsMalformedAndUnplannedNumbers) {
  NumberPlan plan = Shipped();
  EXPECT_THAT(plan.Describe("1380013800"),
              StatusIs(absl::StatusCode::kInvalidArgument, "msisdn must be 11 digits"));
  EXPECT_THAT(plan.Describe("12012345678"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                     "number block 120 is not in the number plan"));
  // China Broadnet's 192 block is not in the default plan.
  EXPECT_THAT(plan.Describe("19212345678"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                     "number block 192 is not in the number plan"));
}

TEST(NumberPlanParseTest, AFourthCarrierIsAddedAsData) {
  const std::string carriers = std::string(kCarriers) + "cbn,China Broadnet,10099\n";
  const std::string blocks = std::string(kBlocks) + "192,cbn,mobile\n";
  const std::string networks = std::string(kNetworks) + "1920100,Beijing,Beijing,010\n";
  auto plan = NumberPlan::Parse(carriers, blocks, networks);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(plan->CarrierIds(), ElementsAre("cbn", "cmcc", "cucc"));
  auto facts = plan->Describe("19201001234");
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_EQ(facts->range_holder, "cbn");
  EXPECT_EQ(facts->local_network, "010");
  EXPECT_TRUE(facts->portable);
}

TEST(NumberPlanParseTest, ToleratesSpacesBlankLinesCommentsAndCrLf) {
  const std::string carriers =
      "# carriers\r\n\r\n  id , name , short_code \r\n cmcc , China Mobile , 10086 \r\n\r\n";
  const std::string blocks =
      "\n# blocks\nprefix,carrier,kind\n  # indented comment\n138 ,cmcc, mobile\r\n";
  const std::string networks =
      "block,province,city,area_code\r\n1380013, Beijing ,Beijing, 010\r\n";
  auto plan = NumberPlan::Parse(carriers, blocks, networks);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->carriers().size(), 1u);
  EXPECT_EQ(plan->carriers()[0].name, "China Mobile");
  auto facts = plan->Describe("13800138000");
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_EQ(facts->local_network, "010");
}

TEST(NumberPlanParseTest, LongestPrefixWinsRegardlessOfFileOrder) {
  const std::string blocks = "prefix,carrier,kind\n1349,cucc,satellite\n134,cmcc,mobile\n";
  auto plan = NumberPlan::Parse(kCarriers, blocks, "block,province,city,area_code\n");
  ASSERT_TRUE(plan.ok()) << plan.status();
  auto satellite = plan->Describe("13490000000");
  auto mobile = plan->Describe("13480000000");
  ASSERT_TRUE(satellite.ok() && mobile.ok());
  EXPECT_EQ(satellite->block, "1349");
  EXPECT_EQ(satellite->range_holder, "cucc");
  EXPECT_FALSE(satellite->portable);
  EXPECT_EQ(mobile->block, "134");
  EXPECT_EQ(mobile->range_holder, "cmcc");
  EXPECT_TRUE(mobile->portable);
}

struct ParseErrorCase {
  const char* name;
  std::string carriers;
  std::string blocks;
  std::string networks;
  std::string expected_message;  // a substring naming document and line
};

class NumberPlanParseErrorTest : public ::testing::TestWithParam<ParseErrorCase> {};

TEST_P(NumberPlanParseErrorTest, FailsNamingDocumentAndLine) {
  const ParseErrorCase& c = GetParam();
  auto plan = NumberPlan::Parse(c.carriers, c.blocks, c.networks);
  EXPECT_THAT(plan, StatusIs(absl::StatusCode::kInvalidArgument, c.expected_message));
}

std::string WithRow(const char* document, const char* row) { return std::string(document) + row; }

INSTANTIATE_TEST_SUITE_P(
    Malformed, NumberPlanParseErrorTest,
    ::testing::Values(
        ParseErrorCase{"EmptyCarrierSet", "# none\nid,name,short_code\n", kBlocks, kNetworks,
                       "carriers.csv: no carrier is listed"},
        ParseErrorCase{"MissingCarrierHeader", "", kBlocks, kNetworks,
                       "carriers.csv: missing header"},
        ParseErrorCase{"WrongCarrierHeader", "id,name\ncmcc,China Mobile\n", kBlocks, kNetworks,
                       "carriers.csv line 1: header must be \"id,name,short_code\""},
        ParseErrorCase{"CarrierFieldCount", WithRow(kCarriers, "ctcc,China Telecom\n"), kBlocks,
                       kNetworks, "carriers.csv line 4: expected 3 fields"},
        ParseErrorCase{"DuplicateCarrier", WithRow(kCarriers, "cmcc,Again,10086\n"), kBlocks,
                       kNetworks, "carriers.csv line 4: duplicate carrier id \"cmcc\""},
        ParseErrorCase{"UpperCaseCarrierId", WithRow(kCarriers, "CTCC,China Telecom,10001\n"),
                       kBlocks, kNetworks, "carriers.csv line 4: carrier id \"CTCC\""},
        ParseErrorCase{"ReservedCarrierId", WithRow(kCarriers, "operator,Ops,12345\n"), kBlocks,
                       kNetworks, "carriers.csv line 4: carrier id \"operator\" is reserved"},
        ParseErrorCase{"CarrierWithoutName", WithRow(kCarriers, "ctcc,,10001\n"), kBlocks,
                       kNetworks, "carriers.csv line 4: carrier \"ctcc\" has no name"},
        ParseErrorCase{"BadShortCode", WithRow(kCarriers, "ctcc,China Telecom,1000x\n"), kBlocks,
                       kNetworks, "carriers.csv line 4: short code \"1000x\""},
        ParseErrorCase{"UnknownCarrierInBlock", kCarriers,
                       "# comment\n\nprefix,carrier,kind\n138,cmcc,mobile\n133,ctcc,mobile\n",
                       kNetworks, "number_blocks.csv line 5: unknown carrier \"ctcc\""},
        ParseErrorCase{"DuplicatePrefix", kCarriers, WithRow(kBlocks, "138,cucc,mobile\n"),
                       kNetworks, "number_blocks.csv line 4: duplicate prefix 138"},
        ParseErrorCase{"NonDigitPrefix", kCarriers, WithRow(kBlocks, "13a,cmcc,mobile\n"),
                       kNetworks, "number_blocks.csv line 4: prefix \"13a\""},
        ParseErrorCase{"TwoDigitPrefix", kCarriers, WithRow(kBlocks, "13,cmcc,mobile\n"), kNetworks,
                       "number_blocks.csv line 4: prefix \"13\""},
        ParseErrorCase{"FiveDigitPrefix", kCarriers, WithRow(kBlocks, "13800,cmcc,mobile\n"),
                       kNetworks, "number_blocks.csv line 4: prefix \"13800\""},
        ParseErrorCase{"PrefixNotStartingWithOne", kCarriers, WithRow(kBlocks, "238,cmcc,mobile\n"),
                       kNetworks, "number_blocks.csv line 4: prefix \"238\""},
        ParseErrorCase{"BadKind", kCarriers, WithRow(kBlocks, "174,cmcc,satelite\n"), kNetworks,
                       "number_blocks.csv line 4: kind \"satelite\" must be mobile, satellite, "
                       "resale or iot"},
        ParseErrorCase{"WrongBlocksHeader", kCarriers, "prefix,holder,kind\n138,cmcc,mobile\n",
                       kNetworks, "number_blocks.csv line 1: header must be"},
        ParseErrorCase{"BadAreaCode", kCarriers, kBlocks,
                       WithRow(kNetworks, "1860100,Beijing,Beijing,10\n"),
                       "local_networks.csv line 3: area code \"10\""},
        ParseErrorCase{"AreaCodeWithoutLeadingZero", kCarriers, kBlocks,
                       WithRow(kNetworks, "1860100,Beijing,Beijing,1010\n"),
                       "local_networks.csv line 3: area code \"1010\""},
        ParseErrorCase{"ShortLocalBlock", kCarriers, kBlocks,
                       WithRow(kNetworks, "186010,Beijing,Beijing,010\n"),
                       "local_networks.csv line 3: block \"186010\" must be 7 digits"},
        ParseErrorCase{"LocalBlockWithoutNumberBlock", kCarriers, kBlocks,
                       WithRow(kNetworks, "1330100,Beijing,Beijing,010\n"),
                       "local_networks.csv line 3: block 1330100 is not covered"},
        ParseErrorCase{"DuplicateLocalBlock", kCarriers, kBlocks,
                       WithRow(kNetworks, "1380013,Shanghai,Shanghai,021\n"),
                       "local_networks.csv line 3: duplicate block 1380013"},
        ParseErrorCase{"LocalBlockWithoutCity", kCarriers, kBlocks,
                       WithRow(kNetworks, "1860100,Beijing,,010\n"),
                       "local_networks.csv line 3: block 1860100 needs a province and a city"},
        ParseErrorCase{"LocalNetworkFieldCount", kCarriers, kBlocks,
                       WithRow(kNetworks, "1860100,Beijing,010\n"),
                       "local_networks.csv line 3: expected 4 fields"}),
    [](const ::testing::TestParamInfo<ParseErrorCase>& info) { return info.param.name; });

}  // namespace
}  // namespace npd::core
