// The audit digest and comparison (daemon/core/routing_digest.h).
#include "daemon/core/routing_digest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace npd::core {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

npd::v1::RoutingEntry Entry(const std::string& msisdn, const std::string& serving,
                            const std::string& holder = "cmcc") {
  npd::v1::RoutingEntry entry;
  entry.set_msisdn(msisdn);
  entry.set_serving_carrier(serving);
  entry.set_range_holder(holder);
  return entry;
}

TEST(RoutingDigestTest, EntryDigestIsTheFirstEightBytesOfSha256BigEndian) {
  // printf '13800138000:cucc' | sha256sum -> 4ee77dfa04b75fce84e6...
  EXPECT_EQ(EntryDigest("13800138000", "cucc"), 0x4ee77dfa04b75fceULL);
  // printf '13800138001:ctcc' | sha256sum -> b288c314836d095b0d9e...
  EXPECT_EQ(EntryDigest("13800138001", "ctcc"), 0xb288c314836d095bULL);
}

TEST(RoutingDigestTest, BlockSummaryIsAnOrderIndependentXor) {
  BlockSummary a;
  a.Add("13800138000", "cucc");
  a.Add("13800138001", "ctcc");
  BlockSummary b;
  b.Add("13800138001", "ctcc");
  b.Add("13800138000", "cucc");
  EXPECT_EQ(a.count, 2u);
  EXPECT_EQ(a.digest, 0x4ee77dfa04b75fceULL ^ 0xb288c314836d095bULL);
  EXPECT_EQ(a.digest, 0xfc6fbeee87da5695ULL);
  EXPECT_EQ(a, b);
  EXPECT_EQ(BlockOf("13800138000"), "1380013");
}

TEST(RoutingDigestTest, CompareReportsBlocksThatDifferOrAreMissingOnOneSide) {
  BlockSummaries npd;
  npd["1380013"].Add("13800138000", "cucc");
  npd["1390000"].Add("13900000001", "ctcc");
  BlockSummaries carrier;
  carrier["1380013"].Add("13800138000", "cucc");  // equal
  carrier["1860100"].Add("18601001234", "cmcc");  // only the carrier
  uint64_t compared = 0;
  auto mismatches = CompareSummaries(npd, carrier, compared);
  EXPECT_EQ(compared, 3u);
  ASSERT_EQ(mismatches.size(), 2u);
  EXPECT_EQ(mismatches[0].block(), "1390000");
  EXPECT_EQ(mismatches[0].npd_count(), 1u);
  EXPECT_EQ(mismatches[0].npd_digest(), EntryDigest("13900000001", "ctcc"));
  EXPECT_EQ(mismatches[0].carrier_count(), 0u);
  EXPECT_EQ(mismatches[1].block(), "1860100");
  EXPECT_EQ(mismatches[1].npd_count(), 0u);
  EXPECT_EQ(mismatches[1].carrier_count(), 1u);
}

TEST(RoutingDigestTest, DiffFindsWrongMissingAndExtraEntries) {
  const std::vector<npd::v1::RoutingEntry> npd = {
      Entry("13800138003", "cucc"), Entry("13800138001", "ctcc"), Entry("13800138002", "cucc")};
  const std::vector<npd::v1::RoutingEntry> carrier = {
      Entry("13800138001", "cucc"),   // wrong carrier
      Entry("13800138003", "cucc"),   // equal
      Entry("13800138009", "cucc")};  // extra; 13800138002 missing
  auto diff = DiffEntries(npd, carrier, [](std::string_view) { return std::string("cmcc"); });
  ASSERT_TRUE(diff.ok()) << diff.status();
  ASSERT_EQ(diff->size(), 3u);
  EXPECT_EQ((*diff)[0].msisdn(), "13800138001");
  EXPECT_EQ((*diff)[0].carrier_serving(), "cucc");
  EXPECT_EQ((*diff)[0].correct().serving_carrier(), "ctcc");
  EXPECT_EQ((*diff)[1].msisdn(), "13800138002");
  EXPECT_EQ((*diff)[1].carrier_serving(), "");
  EXPECT_EQ((*diff)[1].correct().serving_carrier(), "cucc");
  EXPECT_EQ((*diff)[2].msisdn(), "13800138009");
  EXPECT_EQ((*diff)[2].correct().serving_carrier(), "cmcc");
  EXPECT_EQ((*diff)[2].correct().range_holder(), "cmcc");

  auto same = DiffEntries(npd, npd, [](std::string_view) { return std::string("cmcc"); });
  EXPECT_THAT(*same, IsEmpty());
}

TEST(RoutingDigestTest, BlockAndPrefixShapes) {
  EXPECT_TRUE(ValidateBlock("1380013", "block").ok());
  EXPECT_TRUE(ValidateScopePrefix("", "scope_prefix").ok());
  EXPECT_TRUE(ValidateScopePrefix("1380013", "scope_prefix").ok());
  EXPECT_THAT(ValidateBlock("138001", "blocks[0].block").message(),
              HasSubstr("blocks[0].block must be 7 digits"));
  EXPECT_FALSE(ValidateBlock("2380013", "block").ok());
  EXPECT_FALSE(ValidateBlock("13800a3", "block").ok());
  EXPECT_FALSE(ValidateScopePrefix("13800138", "scope_prefix").ok());
  EXPECT_FALSE(ValidateScopePrefix("13x", "scope_prefix").ok());
}

}  // namespace
}  // namespace npd::core
