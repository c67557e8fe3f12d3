// The carrier-side audit digest matches audit.proto's definition (hand-checked with sha256sum).
#include "clients/client/routing_digest.h"

#include <gtest/gtest.h>

namespace npd::client {
namespace {

TEST(AuditEntryDigestTest, IsTheFirstEightBytesOfSha256BigEndian) {
  // printf '13800138000:cucc' | sha256sum -> 4ee77dfa04b75fce...
  EXPECT_EQ(AuditEntryDigest("13800138000", "cucc"), 0x4ee77dfa04b75fceULL);
  EXPECT_EQ(AuditEntryDigest("13800138001", "ctcc") ^ AuditEntryDigest("13800138000", "cucc"),
            0xfc6fbeee87da5695ULL);
}

}  // namespace
}  // namespace npd::client
