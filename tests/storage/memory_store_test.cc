// What only the in-memory store does: injected commit failures; no checkpoints.
#include "storage/memory_store.h"

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace npd::storage {
namespace {

using ::npd::storage::testing::ExpectNothingOfSampleWriteSet;
using ::npd::storage::testing::ExpectSampleWriteSet;
using ::npd::storage::testing::MakeCounters;
using ::npd::storage::testing::Outbox;
using ::npd::storage::testing::Refund;
using ::npd::storage::testing::SampleWriteSet;

TEST(MemoryStoreTest, FailedCommitLeavesNothingVisible) {
  auto store = NewMemoryStore();
  FailNextCommits(*store, 1);
  absl::Status status = store->Commit(SampleWriteSet());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  ExpectNothingOfSampleWriteSet(*store);

  ASSERT_TRUE(store->Commit(SampleWriteSet()).ok());
  ExpectSampleWriteSet(*store);
}

TEST(MemoryStoreTest, FailedCommitKeepsEarlierState) {
  auto store = NewMemoryStore();
  ASSERT_TRUE(store->Commit(SampleWriteSet()).ok());
  WriteSet change;
  change.counters = MakeCounters(9, 9, 9);
  change.timers_removed = SampleWriteSet().timers_added;
  FailNextCommits(*store, 1);
  EXPECT_EQ(store->Commit(change).code(), absl::StatusCode::kUnavailable);
  ExpectSampleWriteSet(*store);
}

TEST(MemoryStoreTest, FailedCommitWritesNeitherRefundNorOutbox) {
  auto store = NewMemoryStore();
  ASSERT_TRUE(store->Commit(SampleWriteSet()).ok());
  // What applying a payout result looks like: the case moves on, its outbox entry goes, the next
  // step's entry (another case here) comes.
  WriteSet change;
  change.refunds.push_back(
      Refund("R000000000001", "13800000001", "cmcc", "GD", npd::v1::REFUND_STATE_PAID));
  change.refunds.push_back(
      Refund("R000000000002", "13800000002", "cmcc", "GD", npd::v1::REFUND_STATE_OPENED));
  change.outbox_removed.push_back("R000000000001");
  change.outbox_put.push_back(Outbox("R000000000002", npd::v1::REFUND_STEP_FREEZE_ACCOUNT, 1));
  FailNextCommits(*store, 1);
  EXPECT_EQ(store->Commit(change).code(), absl::StatusCode::kUnavailable);
  // The case is still as SampleWriteSet wrote it, its outbox entry still there, nothing new.
  ExpectSampleWriteSet(*store);
  EXPECT_EQ(store->GetRefund("R000000000002").value(), std::nullopt);
  EXPECT_EQ(store->GetOutbox("R000000000002").value(), std::nullopt);

  ASSERT_TRUE(store->Commit(change).ok());
  auto paid = store->GetRefund("R000000000001").value();
  ASSERT_TRUE(paid.has_value());
  EXPECT_EQ(paid->refund().state(), npd::v1::REFUND_STATE_PAID);
  EXPECT_EQ(store->GetOutbox("R000000000001").value(), std::nullopt);
  ASSERT_EQ(store->LoadOutbox().value().size(), 1u);
  EXPECT_EQ(store->LoadOutbox().value()[0].refund_id(), "R000000000002");
}

TEST(MemoryStoreTest, CheckpointIsFailedPrecondition) {
  auto store = NewMemoryStore();
  EXPECT_EQ(store->CreateCheckpoint("/tmp/npd-memory-checkpoint").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(std::filesystem::exists("/tmp/npd-memory-checkpoint"));
}

TEST(MemoryStoreTest, FailsExactlyTheNextCountCommits) {
  auto store = NewMemoryStore();
  FailNextCommits(*store, 2);
  WriteSet ws;
  ws.counters = MakeCounters(1, 1, 1);
  EXPECT_EQ(store->Commit(WriteSet()).code(), absl::StatusCode::kUnavailable);  // empty counts
  EXPECT_EQ(store->Commit(ws).code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(store->Commit(ws).ok());
  EXPECT_EQ(store->LoadCounters().value().last_port_number(), 1u);

  FailNextCommits(*store, 5);
  FailNextCommits(*store, 0);  // replaces, does not add
  EXPECT_TRUE(store->Commit(ws).ok());
}

// Any Store that is not the memory store.
class OtherStore final : public Store {
 public:
  absl::StatusOr<std::optional<npd::store::v1::NumberRecord>> GetNumber(std::string_view) override {
    return std::nullopt;
  }
  absl::StatusOr<std::optional<npd::store::v1::PortRecord>> GetPort(std::string_view) override {
    return std::nullopt;
  }
  absl::StatusOr<std::optional<npd::store::v1::IdempotencyRecord>> GetIdempotency(
      std::string_view) override {
    return std::nullopt;
  }
  absl::StatusOr<PortPage> ListPorts(const PortQuery&) override { return PortPage(); }
  absl::StatusOr<std::vector<npd::v1::RoutingChange>> ReadFeed(uint64_t, size_t) override {
    return std::vector<npd::v1::RoutingChange>();
  }
  absl::StatusOr<std::vector<npd::store::v1::EventRecord>> ReadHistory(std::string_view, uint64_t,
                                                                       size_t) override {
    return std::vector<npd::store::v1::EventRecord>();
  }
  absl::StatusOr<std::vector<AwaitingEntry>> ReadAwaiting(uint64_t, uint64_t, size_t) override {
    return std::vector<AwaitingEntry>();
  }
  absl::StatusOr<std::optional<npd::store::v1::RefundRecord>> GetRefund(std::string_view) override {
    return std::nullopt;
  }
  absl::StatusOr<RefundPage> ListRefunds(const RefundQuery&) override { return RefundPage(); }
  absl::StatusOr<std::optional<npd::store::v1::OutboxRecord>> GetOutbox(std::string_view) override {
    return std::nullopt;
  }
  absl::StatusOr<std::vector<npd::store::v1::OutboxRecord>> LoadOutbox() override {
    return std::vector<npd::store::v1::OutboxRecord>();
  }
  absl::StatusOr<std::vector<npd::store::v1::TimerRecord>> LoadTimers() override {
    return std::vector<npd::store::v1::TimerRecord>();
  }
  absl::StatusOr<std::vector<npd::store::v1::JournalEntry>> ReadJournal(uint64_t, size_t) override {
    return std::vector<npd::store::v1::JournalEntry>();
  }
  absl::Status ScanTable(std::string_view, const TableVisitor&) override {
    return absl::OkStatus();
  }
  absl::StatusOr<npd::store::v1::Counters> LoadCounters() override {
    return npd::store::v1::Counters();
  }
  absl::StatusOr<std::vector<npd::store::v1::FeedCursor>> LoadCursors() override {
    return std::vector<npd::store::v1::FeedCursor>();
  }
  absl::Status Commit(const WriteSet&) override { return absl::OkStatus(); }
  absl::StatusOr<std::unique_ptr<StoreSnapshot>> Snapshot() override {
    return absl::UnimplementedError("no snapshots");
  }
  absl::StatusOr<npd::store::v1::Counters> CreateCheckpoint(const std::string&) override {
    return absl::FailedPreconditionError("no checkpoints");
  }
};

TEST(MemoryStoreDeathTest, FailNextCommitsOnAnotherStoreAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // RocksDB threads may be running
  OtherStore store;
  EXPECT_DEATH(FailNextCommits(store, 1), "does not come from NewMemoryStore");
}

}  // namespace
}  // namespace npd::storage
