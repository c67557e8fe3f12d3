#include "clients/client/request_id.h"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace npd::client {
namespace {

TEST(NewRequestIdTest, HasTheUuidVersion4Layout) {
  for (int i = 0; i < 100; ++i) {
    EXPECT_THAT(NewRequestId(),
                ::testing::MatchesRegex(
                    "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  }
}

TEST(NewRequestIdTest, DoesNotRepeat) {
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.insert(NewRequestId());
  EXPECT_EQ(ids.size(), 10000u);
}

}  // namespace
}  // namespace npd::client
