// Re-sync over real gRPC: ExportSnapshot is consistent with its feed position, the feed resumes
// exactly after it, and feed history older than the retention is pruned and refused with a
// message that says how to re-sync.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "tests/service/sync_fixture.h"

namespace npd::testing {
namespace {

using ::testing::HasSubstr;

class ResyncTest : public SyncTest {};

TEST_F(ResyncTest, SnapshotEntriesEqualLookupsAtTheHeaderPosition) {
  CutOver({CmccNumber(3), CmccNumber(1), CmccNumber(2)});
  // A number with a record but no port (its code was issued, the port refused) is not an entry.
  auto refused = client().StartPort("cmcc", "cucc", CmccNumber(4), kBeijing);
  ASSERT_TRUE(
      client().Reject("cmcc", refused.port_id(), {npd::v1::REASON_CODE_R03_ARREARS_BILLED}).ok());

  for (const char* as : {"ctcc", "operator"}) {
    Snapshot snapshot = Export(as);
    ASSERT_TRUE(snapshot.status.ok()) << snapshot.status.error_message();
    EXPECT_TRUE(snapshot.header);
    EXPECT_TRUE(snapshot.trailer);
    EXPECT_EQ(snapshot.feed_sequence, 3u);
    EXPECT_EQ(snapshot.trailer_count, 3u);
    ASSERT_EQ(snapshot.entries.size(), 3u);
    for (size_t i = 0; i < snapshot.entries.size(); ++i) {
      const auto& entry = snapshot.entries[i];
      EXPECT_EQ(entry.msisdn(), CmccNumber(static_cast<int>(i) + 1));  // ascending
      auto lookup = client().Lookup("operator", entry.msisdn());
      ASSERT_TRUE(lookup.ok());
      EXPECT_EQ(entry.serving_carrier(), lookup.response.number().serving_carrier());
      EXPECT_EQ(entry.range_holder(), lookup.response.number().range_holder());
      EXPECT_EQ(entry.range_holder(), "cmcc");
      // The port that moved the number, as its feed change named it.
      auto change = client().ReadFeed("operator", 1, 3, 5);
      ASSERT_EQ(change.size(), 3u);
      bool named = false;
      for (const auto& c : change)
        named |= c.msisdn() == entry.msisdn() && c.port_id() == entry.port_id();
      EXPECT_TRUE(named) << entry.ShortDebugString();
    }
  }
}

TEST_F(ResyncTest, EmptySnapshotHasHeaderAndTrailer) {
  Snapshot snapshot = Export("cucc");
  ASSERT_TRUE(snapshot.status.ok()) << snapshot.status.error_message();
  EXPECT_TRUE(snapshot.header);
  EXPECT_TRUE(snapshot.trailer);
  EXPECT_EQ(snapshot.feed_sequence, 0u);
  EXPECT_EQ(snapshot.trailer_count, 0u);
  EXPECT_TRUE(snapshot.entries.empty());

  grpc::ClientContext context;  // no client certificate
  auto stub = npd::v1::RoutingFeedService::NewStub(ChannelAs(""));
  auto reader = stub->ExportSnapshot(&context, npd::v1::ExportSnapshotRequest());
  npd::v1::ExportSnapshotResponse message;
  EXPECT_FALSE(reader->Read(&message));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ResyncTest, ManyEntriesArriveInChunks) {
  std::vector<std::string> numbers;
  for (int i = 0; i < 520; ++i) numbers.push_back(CmccNumber(i));
  CutOver(numbers);
  Snapshot snapshot = Export("ctcc");
  ASSERT_TRUE(snapshot.status.ok()) << snapshot.status.error_message();
  EXPECT_EQ(snapshot.entries.size(), 520u);
  EXPECT_EQ(snapshot.trailer_count, 520u);
  EXPECT_EQ(snapshot.chunks, 2u);
  EXPECT_EQ(snapshot.entries.back().msisdn(), CmccNumber(519));
}

TEST_F(ResyncTest, ResumingAfterTheSnapshotDeliversExactlyTheLaterChanges) {
  CutOver({CmccNumber(1), CmccNumber(2)});
  Snapshot snapshot = Export("ctcc");
  ASSERT_TRUE(snapshot.status.ok());
  ASSERT_EQ(snapshot.feed_sequence, 2u);
  CutOver({CmccNumber(7)}, "ctcc");

  auto later = client().ReadFeed("ctcc", snapshot.feed_sequence + 1, 10, 2);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].sequence(), 3u);
  EXPECT_EQ(later[0].msisdn(), CmccNumber(7));
  EXPECT_EQ(later[0].serving_carrier(), "ctcc");
  // Confirming the snapshot position then subscribing from 0 resumes at the same place.
  ASSERT_TRUE(client().Confirm("ctcc", snapshot.feed_sequence).ok());
  auto from_confirmed = client().ReadFeed("ctcc", 0, 10, 2);
  ASSERT_EQ(from_confirmed.size(), 1u);
  EXPECT_EQ(from_confirmed[0].sequence(), 3u);
}

class PruningTest : public ResyncTest {
  void Configure(Config& config) override {
    config.feed_prune.interval = absl::Milliseconds(50);
    config.heartbeat_interval = absl::Milliseconds(200);
    // No T_ack resends while the clock jumps days ahead: they would append feed entries.
    config.policy.ack_timeout = absl::Hours(24 * 30);
  }

 protected:
  // Waits until Subscribe from 1 is refused (pruned), at most 10 s. Returns its status.
  grpc::Status WaitUntilPruned() {
    grpc::Status status;
    for (int i = 0; i < 100; ++i) {
      npd::v1::SubscribeResponse first;
      status = FirstMessage("operator", 1, &first);
      if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) return status;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return status;
  }
};

TEST_F(PruningTest, OldPositionIsRefusedWithHowToResyncAndYoungOneWorks) {
  CutOver({CmccNumber(1), CmccNumber(2)});
  ASSERT_TRUE(client().Confirm("cucc", 2).ok());
  clock_.Advance(absl::Hours(24 * 8));  // beyond the default 7-day retention
  CutOver({CmccNumber(3)});             // young: stays

  const grpc::Status refused = WaitUntilPruned();
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << refused.error_message();
  EXPECT_THAT(refused.error_message(), HasSubstr("older than the history kept (first retained 3)"));
  EXPECT_THAT(refused.error_message(),
              HasSubstr("re-sync: ExportSnapshot, then Subscribe from its feed_sequence + 1"));

  // A young position streams; a carrier's from 0 follows its confirmed position.
  auto young = client().ReadFeed("ctcc", 3, 1, 5);
  ASSERT_EQ(young.size(), 1u);
  EXPECT_EQ(young[0].msisdn(), CmccNumber(3));
  npd::v1::SubscribeResponse first;
  EXPECT_EQ(FirstMessage("ctcc", 0, &first).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(FirstMessage("cucc", 0, &first).ok());  // confirmed 2: resumes at 3
  EXPECT_EQ(first.change().sequence(), 3u);

  // The snapshot still holds every ported number, and resuming after it works.
  Snapshot snapshot = Export("ctcc");
  ASSERT_TRUE(snapshot.status.ok());
  EXPECT_EQ(snapshot.entries.size(), 3u);
  EXPECT_EQ(snapshot.feed_sequence, 3u);

  // Pruning survives a restart.
  RestartServer();
  EXPECT_EQ(FirstMessage("operator", 2, &first).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(PruningTest, HeartbeatsCarryDeliveredConfirmedAndFirstRetained) {
  CutOver({CmccNumber(1), CmccNumber(2)});
  ASSERT_TRUE(client().Confirm("cucc", 1).ok());
  clock_.Advance(absl::Hours(24 * 8));
  CutOver({CmccNumber(3)});
  ASSERT_EQ(WaitUntilPruned().error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  npd::v1::SubscribeRequest request;
  request.set_from_sequence(3);
  auto stub = npd::v1::RoutingFeedService::NewStub(client().channel("cucc"));
  auto reader = stub->Subscribe(&context, request);
  npd::v1::SubscribeResponse message;
  ASSERT_TRUE(reader->Read(&message));
  ASSERT_TRUE(message.has_change());
  ASSERT_TRUE(reader->Read(&message));
  ASSERT_TRUE(message.has_heartbeat());
  EXPECT_EQ(message.heartbeat().head_sequence(), 3u);
  EXPECT_EQ(message.heartbeat().delivered_sequence(), 3u);
  EXPECT_EQ(message.heartbeat().confirmed_sequence(), 1u);
  EXPECT_EQ(message.heartbeat().first_retained_sequence(), 3u);
  context.TryCancel();
  reader->Finish();
}

}  // namespace
}  // namespace npd::testing
