// The routing feed over real gRPC: order, resume, confirmations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_format.h"

#include "tests/service/npd_fixture.h"

namespace npd::testing {
namespace {

class FeedTest : public NpdTest {
 protected:
  // Ports `count` numbers of the Beijing cmcc block to cucc, through cutover.
  std::vector<std::string> CutOver(int count) {
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
      const std::string msisdn = absl::StrFormat("1380013%04d", i);
      auto port = client().StartPort("cmcc", "cucc", msisdn, kBeijing);
      EXPECT_TRUE(client().Approve("cmcc", port.port_id()).ok());
      ids.push_back(port.port_id());
    }
    for (const auto& id : ids) {
      EXPECT_TRUE(client().WaitForState(id, npd::v1::PORT_STATE_CUTOVER, 10));
    }
    return ids;
  }
};

TEST_F(FeedTest, ResumeDeliversEachChangeOnceInOrder) {
  CutOver(6);
  auto all = client().ReadFeed("ctcc", 1, 6, 5);
  ASSERT_EQ(all.size(), 6u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].sequence(), i + 1);

  // Resume from 4: exactly 4, 5, 6 and nothing else arrives within the wait.
  auto tail = client().ReadFeed("ctcc", 4, 10, 2);
  ASSERT_EQ(tail.size(), 3u);
  EXPECT_EQ(tail[0].sequence(), 4u);
  EXPECT_EQ(tail[2].sequence(), 6u);
  EXPECT_EQ(tail[0].SerializeAsString(), all[3].SerializeAsString());

  // from 0 means "after what I confirmed".
  ASSERT_TRUE(client().Confirm("ctcc", 2).ok());
  auto after_confirm = client().ReadFeed("ctcc", 0, 10, 2);
  ASSERT_EQ(after_confirm.size(), 4u);
  EXPECT_EQ(after_confirm[0].sequence(), 3u);

  // A resume position beyond head + 1 is refused.
  grpc::ClientContext context;
  npd::v1::SubscribeRequest beyond;
  beyond.set_from_sequence(100);
  auto stub = npd::v1::RoutingFeedService::NewStub(client().channel("ctcc"));
  auto reader = stub->Subscribe(&context, beyond);
  npd::v1::SubscribeResponse message;
  EXPECT_FALSE(reader->Read(&message));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(FeedTest, LiveSubscriberReceivesNewChangesAsTheyCommit) {
  std::vector<npd::v1::RoutingChange> received;
  std::thread watcher([&] { received = client().ReadFeed("cmcc", 1, 3, 15); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CutOver(3);
  watcher.join();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[0].sequence(), 1u);
  EXPECT_EQ(received[2].sequence(), 3u);
}

TEST_F(FeedTest, FeedSurvivesRestartWithoutGapsOrDuplicates) {
  CutOver(3);
  RestartServer();
  auto more = client().StartPort("cucc", "ctcc", kCuccNumber, kBeijing);
  ASSERT_TRUE(client().Approve("cucc", more.port_id()).ok());
  ASSERT_TRUE(client().WaitForState(more.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
  auto all = client().ReadFeed("operator", 1, 10, 2);
  ASSERT_EQ(all.size(), 4u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].sequence(), i + 1);
  EXPECT_EQ(all[3].msisdn(), kCuccNumber);
}

TEST_F(FeedTest, ConfirmIsMonotonicAndBoundedByHead) {
  auto ids = CutOver(3);
  auto beyond = client().Confirm("cmcc", 4);
  EXPECT_EQ(beyond.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto two = client().Confirm("cmcc", 2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two.response.confirmed_sequence(), 2u);
  EXPECT_EQ(two.response.head_sequence(), 3u);
  auto back = client().Confirm("cmcc", 1);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.response.confirmed_sequence(), 2u);
  // Confirming a range confirms every port in it, for that carrier only.
  auto first = client().GetPort("operator", ids[0]).response.port();
  EXPECT_THAT(first.confirmed_by(), ::testing::ElementsAre("cmcc"));
  auto third = client().GetPort("operator", ids[2]).response.port();
  EXPECT_TRUE(third.confirmed_by().empty());
  for (const char* c : {"cucc", "ctcc"}) ASSERT_TRUE(client().Confirm(c, 3).ok());
  EXPECT_EQ(client().GetPort("operator", ids[0]).response.port().state(),
            npd::v1::PORT_STATE_COMPLETED);
  EXPECT_EQ(client().GetPort("operator", ids[2]).response.port().state(),
            npd::v1::PORT_STATE_CUTOVER);
  ASSERT_TRUE(client().Confirm("cmcc", 3).ok());
  EXPECT_EQ(client().GetPort("operator", ids[2]).response.port().state(),
            npd::v1::PORT_STATE_COMPLETED);
}

class HeartbeatTest : public FeedTest {
  void Configure(Config& config) override { config.heartbeat_interval = absl::Milliseconds(200); }
};

TEST_F(HeartbeatTest, IdleStreamGetsHeartbeatsWithHead) {
  CutOver(1);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  npd::v1::SubscribeRequest request;
  request.set_from_sequence(2);
  auto stub = npd::v1::RoutingFeedService::NewStub(client().channel("cucc"));
  auto reader = stub->Subscribe(&context, request);
  npd::v1::SubscribeResponse message;
  ASSERT_TRUE(reader->Read(&message));
  ASSERT_TRUE(message.has_heartbeat());
  EXPECT_EQ(message.heartbeat().head_sequence(), 1u);
  context.TryCancel();
  reader->Finish();
}

}  // namespace
}  // namespace npd::testing
