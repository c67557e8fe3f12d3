// The Store contract for re-sync, audit and reports (storage/store.h): snapshots, number prefix
// scans, event scans and feed pruning, run against both implementations.
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/memory_store.h"
#include "storage/rocks_store.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace npd::storage {
namespace {

using ::npd::storage::testing::BackendNames;
using ::npd::storage::testing::Backends;
using ::npd::storage::testing::Change;
using ::npd::storage::testing::Event;
using ::npd::storage::testing::MakeCounters;
using ::npd::storage::testing::Number;
using ::npd::storage::testing::ScratchDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

template <typename Backend>
class StoreSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = backend_.Open();
    ASSERT_NE(store_, nullptr);
  }
  Store& store() { return *store_; }
  void Commit(const WriteSet& ws) { ASSERT_TRUE(store_->Commit(ws).ok()); }

  std::unique_ptr<StoreSnapshot> Snapshot() {
    auto snapshot = store_->Snapshot();
    EXPECT_TRUE(snapshot.ok()) << snapshot.status();
    return snapshot.ok() ? std::move(*snapshot) : nullptr;
  }

  static std::vector<std::string> Msisdns(StoreSnapshot& snapshot, std::string_view prefix,
                                          std::string_view after, size_t max) {
    auto records = snapshot.ScanNumbers(prefix, after, max);
    EXPECT_TRUE(records.ok()) << records.status();
    std::vector<std::string> out;
    if (records.ok()) {
      for (const auto& r : *records) out.push_back(r.msisdn());
    }
    return out;
  }

  std::vector<uint64_t> FeedSequences(uint64_t from) {
    std::vector<uint64_t> out;
    auto feed = store_->ReadFeed(from, 100);
    EXPECT_TRUE(feed.ok()) << feed.status();
    if (!feed.ok()) return out;
    for (const auto& c : *feed) out.push_back(c.sequence());
    return out;
  }

 private:
  Backend backend_;
  std::unique_ptr<Store> store_;
};

TYPED_TEST_SUITE(StoreSnapshotTest, Backends, BackendNames);

TYPED_TEST(StoreSnapshotTest, SnapshotOfNewStoreIsEmpty) {
  auto snapshot = this->Snapshot();
  ASSERT_NE(snapshot, nullptr);
  EXPECT_EQ(snapshot->counters().last_feed_sequence(), 0u);
  EXPECT_THAT(this->Msisdns(*snapshot, "", "", 10), IsEmpty());
}

TYPED_TEST(StoreSnapshotTest, CommitAfterSnapshotIsNotVisibleThroughIt) {
  WriteSet first;
  first.numbers.push_back(Number("13800000001", "cucc"));
  first.counters = MakeCounters(0, 0, 1);
  this->Commit(first);
  auto snapshot = this->Snapshot();
  ASSERT_NE(snapshot, nullptr);

  WriteSet second;
  second.numbers.push_back(Number("13800000001", "ctcc"));
  second.numbers.push_back(Number("13800000002", "cucc"));
  second.counters = MakeCounters(0, 0, 3);
  this->Commit(second);

  EXPECT_EQ(snapshot->counters().last_feed_sequence(), 1u);
  auto records = snapshot->ScanNumbers("", "", 10).value();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].serving_carrier(), "cucc");
  // A new snapshot sees the second commit.
  auto fresh = this->Snapshot();
  EXPECT_EQ(fresh->counters().last_feed_sequence(), 3u);
  EXPECT_THAT(this->Msisdns(*fresh, "", "", 10), ElementsAre("13800000001", "13800000002"));
}

TYPED_TEST(StoreSnapshotTest, ScanNumbersPagesThroughOnePrefixInOrder) {
  WriteSet ws;
  for (const char* m :
       {"13900000001", "13800000003", "13800000001", "13700000009", "13800000002", "13810000000"}) {
    ws.numbers.push_back(Number(m, "cucc"));
  }
  this->Commit(ws);
  auto snapshot = this->Snapshot();
  EXPECT_THAT(this->Msisdns(*snapshot, "1380000", "", 2),
              ElementsAre("13800000001", "13800000002"));
  EXPECT_THAT(this->Msisdns(*snapshot, "1380000", "13800000002", 2), ElementsAre("13800000003"));
  EXPECT_THAT(this->Msisdns(*snapshot, "1380000", "13800000003", 2), IsEmpty());
  // An after_msisdn before the prefix starts at the prefix; one past it yields nothing.
  EXPECT_THAT(this->Msisdns(*snapshot, "138", "12", 10),
              ElementsAre("13800000001", "13800000002", "13800000003", "13810000000"));
  EXPECT_THAT(this->Msisdns(*snapshot, "138", "14", 10), IsEmpty());
  EXPECT_THAT(this->Msisdns(*snapshot, "", "13800000003", 10),
              ElementsAre("13810000000", "13900000001"));
  EXPECT_THAT(this->Msisdns(*snapshot, "136", "", 10), IsEmpty());
}

TYPED_TEST(StoreSnapshotTest, ScanEventsVisitsEveryEventInKeyOrderAsOfTheSnapshot) {
  WriteSet ws;
  ws.events.push_back(Event("13900000001", 1));
  ws.events.push_back(Event("13800000002", 2));
  ws.events.push_back(Event("13800000001", 3));
  ws.events.push_back(Event("13800000002", 4));
  ws.counters = MakeCounters(0, 4, 0);
  this->Commit(ws);
  auto snapshot = this->Snapshot();
  ASSERT_NE(snapshot, nullptr);
  WriteSet later;
  later.events.push_back(Event("13800000001", 5));
  later.counters = MakeCounters(0, 5, 0);
  this->Commit(later);

  std::vector<std::string> visited;
  absl::Status scanned = snapshot->ScanEvents([&](const npd::store::v1::EventRecord& e) {
    visited.push_back(e.msisdn() + "#" + std::to_string(e.sequence()));
    // The visitor may read the store while the scan runs (the report looks ports up).
    EXPECT_TRUE(this->store().GetPort("P000000000001").ok());
    return absl::OkStatus();
  });
  ASSERT_TRUE(scanned.ok()) << scanned;
  // By number, then sequence; #5 came after the snapshot.
  EXPECT_THAT(visited,
              ElementsAre("13800000001#3", "13800000002#2", "13800000002#4", "13900000001#1"));
  EXPECT_EQ(snapshot->counters().last_event_sequence(), 4u);
}

TYPED_TEST(StoreSnapshotTest, ScanEventsStopsAtTheVisitorsFirstError) {
  WriteSet ws;
  for (uint64_t s = 1; s <= 3; ++s) ws.events.push_back(Event("13800000001", s));
  this->Commit(ws);
  auto snapshot = this->Snapshot();
  ASSERT_NE(snapshot, nullptr);
  int visits = 0;
  absl::Status scanned = snapshot->ScanEvents([&](const npd::store::v1::EventRecord& e) {
    ++visits;
    return e.sequence() == 2 ? absl::CancelledError("enough") : absl::OkStatus();
  });
  EXPECT_EQ(scanned.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(visits, 2);
}

TYPED_TEST(StoreSnapshotTest, PruningDeletesFeedBelowInTheSameCommit) {
  WriteSet ws;
  for (uint64_t s = 1; s <= 5; ++s) ws.feed.push_back(Change(s));
  ws.counters = MakeCounters(0, 0, 5);
  this->Commit(ws);

  WriteSet prune;
  prune.feed.push_back(Change(6));
  prune.prune_feed_below = 4;
  auto counters = MakeCounters(0, 0, 6);
  counters.set_first_retained_feed_sequence(4);
  prune.counters = counters;
  EXPECT_FALSE(prune.empty());
  this->Commit(prune);

  EXPECT_THAT(this->FeedSequences(1), ElementsAre(4, 5, 6));
  EXPECT_THAT(this->FeedSequences(2), ElementsAre(4, 5, 6));
  EXPECT_THAT(this->FeedSequences(5), ElementsAre(5, 6));
  EXPECT_EQ(this->store().LoadCounters().value().first_retained_feed_sequence(), 4u);

  // Pruning alone is a write; pruning everything leaves an empty feed.
  WriteSet all;
  all.prune_feed_below = 7;
  this->Commit(all);
  EXPECT_THAT(this->FeedSequences(1), IsEmpty());
}

}  // namespace
}  // namespace npd::storage
