// The audit digest against values computed by hand (sha256sum) from audit.proto's definition.
#include "clients/carrier_sim/block_digest.h"

#include <gtest/gtest.h>

namespace npd::carrier_sim {
namespace {

// printf '13800138000:cucc' | sha256sum  ->  4ee77dfa04b75fce...
constexpr uint64_t kDigestA = 0x4ee77dfa04b75fceULL;
// printf '13800138001:ctcc' | sha256sum  ->  b288c314836d095b...
constexpr uint64_t kDigestB = 0xb288c314836d095bULL;

TEST(BlockDigestTest, EntryDigestIsTheFirstEightBytesOfSha256BigEndian) {
  EXPECT_EQ(AuditEntryDigest("13800138000", "cucc"), kDigestA);
  EXPECT_EQ(AuditEntryDigest("13800138001", "ctcc"), kDigestB);
}

TEST(BlockDigestTest, ABlockXorsItsEntriesAndCountsThem) {
  const std::vector<LocalEntry> entries = {
      {"13800138000", "cucc", "cmcc", "", "", 1},
      {"13800138001", "ctcc", "cmcc", "", "", 2},
      {"13900139000", "cucc", "cmcc", "", "", 3},
  };
  const auto blocks = GroupByBlock(entries);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks.at("1380013").count, 2u);
  EXPECT_EQ(blocks.at("1380013").digest, kDigestA ^ kDigestB);
  EXPECT_EQ(blocks.at("1380013").digest, 0xfc6fbeee87da5695ULL);
  EXPECT_EQ(blocks.at("1390013").count, 1u);

  const auto digests = BlockDigests(blocks);
  ASSERT_EQ(digests.size(), 2u);
  EXPECT_EQ(digests[0].block(), "1380013");
  EXPECT_EQ(digests[0].count(), 2u);
  EXPECT_EQ(digests[0].digest(), kDigestA ^ kDigestB);
  EXPECT_EQ(digests[1].block(), "1390013");
}

TEST(BlockDigestTest, TheDigestDependsOnTheServingCarrier) {
  EXPECT_NE(AuditEntryDigest("13800138000", "cucc"), AuditEntryDigest("13800138000", "ctcc"));
}

}  // namespace
}  // namespace npd::carrier_sim
