// The Store contract (storage/store.h), run against every implementation: the in-memory store and
// the RocksDB store in a fresh temp dir per test.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/memory_store.h"
#include "storage/rocks_store.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace npd::storage {
namespace {

using ::npd::storage::AwaitingEntry;
using ::npd::storage::testing::At;
using ::npd::storage::testing::BackendNames;
using ::npd::storage::testing::Backends;
using ::npd::storage::testing::Change;
using ::npd::storage::testing::Cursor;
using ::npd::storage::testing::EqualsProto;
using ::npd::storage::testing::Event;
using ::npd::storage::testing::ExpectSampleWriteSet;
using ::npd::storage::testing::Idempotency;
using ::npd::storage::testing::MakeCounters;
using ::npd::storage::testing::Number;
using ::npd::storage::testing::Outbox;
using ::npd::storage::testing::Port;
using ::npd::storage::testing::ProtoEq;
using ::npd::storage::testing::Refund;
using ::npd::storage::testing::SampleWriteSet;
using ::npd::storage::testing::ScratchDir;
using ::npd::storage::testing::Timer;
using ::npd::store::v1::TIMER_KIND_AUTH_CODE_EXPIRY;
using ::npd::store::v1::TIMER_KIND_CUTOVER;
using ::npd::store::v1::TIMER_KIND_DONOR_DEADLINE;
using ::npd::store::v1::TIMER_KIND_STALE;
using ::npd::store::v1::TimerRecord;
using ::npd::v1::PORT_STATE_CANCELLED;
using ::npd::v1::PORT_STATE_COMPLETED;
using ::npd::v1::PORT_STATE_PENDING_DONOR;
using ::npd::v1::PORT_STATE_SCHEDULED;
using ::npd::v1::REFUND_STATE_AWAIT_CLAIM;
using ::npd::v1::REFUND_STATE_CLOSED_PAID;
using ::npd::v1::REFUND_STATE_OPENED;
using ::npd::v1::REFUND_STATE_PAYOUT_REQUESTED;
using ::npd::v1::REFUND_STATE_STUCK;
using ::npd::v1::REFUND_STEP_CLOSE_ACCOUNT;
using ::npd::v1::REFUND_STEP_FETCH_FINAL_BILL;
using ::npd::v1::REFUND_STEP_PAYOUT;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::Pointwise;

template <typename Backend>
class StoreContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = backend_.Open();
    ASSERT_NE(store_, nullptr);
  }

  Store& store() { return *store_; }

  void Commit(const WriteSet& ws) { ASSERT_TRUE(store_->Commit(ws).ok()); }

  std::vector<std::string> PortIds(const PortQuery& query, bool* more = nullptr) {
    auto page = store_->ListPorts(query);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> ids;
    if (!page.ok()) return ids;
    for (const auto& record : page->ports) ids.push_back(record.port().port_id());
    if (more != nullptr) *more = page->more;
    return ids;
  }

  // Five ports over three numbers and three carriers, committed in an order unlike port_id order.
  void CommitPortFixture() {
    WriteSet ws;
    ws.ports.push_back(Port("P05", "13800000002", "ctcc", "cmcc", PORT_STATE_PENDING_DONOR));
    ws.ports.push_back(Port("P02", "13800000001", "cucc", "ctcc", PORT_STATE_COMPLETED));
    ws.ports.push_back(Port("P01", "13800000001", "cmcc", "cucc", PORT_STATE_CANCELLED));
    ws.ports.push_back(Port("P04", "13800000003", "cmcc", "ctcc", PORT_STATE_SCHEDULED));
    ws.ports.push_back(Port("P03", "13800000001", "ctcc", "cucc", PORT_STATE_PENDING_DONOR));
    Commit(ws);
  }

  std::vector<std::string> RefundIds(const RefundQuery& query, bool* more = nullptr) {
    auto page = store_->ListRefunds(query);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> ids;
    if (!page.ok()) return ids;
    for (const auto& record : page->refunds) ids.push_back(record.refund().refund_id());
    if (more != nullptr) *more = page->more;
    return ids;
  }

  // Seven ports over four numbers and five refund cases, committed out of id order.
  // P000000000003 and P000000000007 have no case; 138000000012 extends 13800000001, so only the
  // index's '\0' terminator keeps R000000000006 out of 13800000001's cases.
  void CommitRefundFixture() {
    WriteSet ws;
    ws.ports.push_back(Port("P000000000004", "13800000001", "ctcc", "cucc", PORT_STATE_COMPLETED));
    ws.ports.push_back(Port("P000000000001", "13800000001", "cmcc", "cucc", PORT_STATE_COMPLETED));
    ws.ports.push_back(Port("P000000000006", "138000000012", "cmcc", "cucc", PORT_STATE_COMPLETED));
    ws.ports.push_back(Port("P000000000003", "13800000001", "cucc", "ctcc", PORT_STATE_COMPLETED));
    ws.ports.push_back(Port("P000000000002", "13800000002", "ctcc", "cucc", PORT_STATE_COMPLETED));
    ws.ports.push_back(Port("P000000000005", "13800000003", "cmcc", "cucc", PORT_STATE_COMPLETED));
    ws.ports.push_back(Port("P000000000007", "13800000001", "cmcc", "ctcc", PORT_STATE_CANCELLED));
    ws.refunds.push_back(Refund("R000000000005", "13800000003", "cmcc", "BJ", REFUND_STATE_STUCK));
    ws.refunds.push_back(
        Refund("R000000000001", "13800000001", "cmcc", "GD", REFUND_STATE_AWAIT_CLAIM));
    ws.refunds.push_back(
        Refund("R000000000006", "138000000012", "cmcc", "GD", REFUND_STATE_OPENED));
    ws.refunds.push_back(
        Refund("R000000000002", "13800000002", "ctcc", "BJ", REFUND_STATE_AWAIT_CLAIM));
    ws.refunds.push_back(
        Refund("R000000000004", "13800000001", "ctcc", "GD", REFUND_STATE_CLOSED_PAID));
    Commit(ws);
  }

 private:
  Backend backend_;
  std::unique_ptr<Store> store_;
};

TYPED_TEST_SUITE(StoreContractTest, Backends, BackendNames);

TYPED_TEST(StoreContractTest, NewStoreIsEmpty) {
  Store& store = this->store();
  EXPECT_EQ(store.GetNumber("13800000001").value(), std::nullopt);
  EXPECT_EQ(store.GetPort("P01").value(), std::nullopt);
  EXPECT_EQ(store.GetIdempotency("k").value(), std::nullopt);
  auto page = store.ListPorts(PortQuery()).value();
  EXPECT_THAT(page.ports, IsEmpty());
  EXPECT_FALSE(page.more);
  EXPECT_THAT(store.ReadFeed(0, 100).value(), IsEmpty());
  EXPECT_THAT(store.ReadHistory("13800000001", 0, 100).value(), IsEmpty());
  EXPECT_THAT(store.LoadTimers().value(), IsEmpty());
  EXPECT_THAT(store.LoadCounters().value(), EqualsProto(npd::store::v1::Counters()));
  EXPECT_THAT(store.LoadCursors().value(), IsEmpty());
}

TYPED_TEST(StoreContractTest, EveryRecordKindRoundTrips) {
  this->Commit(SampleWriteSet());
  ExpectSampleWriteSet(this->store());
}

TYPED_TEST(StoreContractTest, EmptyWriteSetCommitsAndChangesNothing) {
  WriteSet ws;
  EXPECT_TRUE(ws.empty());
  this->Commit(ws);
  EXPECT_THAT(this->store().LoadCounters().value(), EqualsProto(npd::store::v1::Counters()));

  WriteSet only_counters;
  only_counters.counters = npd::store::v1::Counters();
  EXPECT_FALSE(only_counters.empty());
  WriteSet only_removal;
  only_removal.timers_removed.push_back(Timer(TIMER_KIND_STALE, 1, "13800000001", "P01"));
  EXPECT_FALSE(only_removal.empty());
  WriteSet only_refund;
  only_refund.refunds.push_back(
      Refund("R000000000001", "13800000001", "cmcc", "GD", REFUND_STATE_OPENED));
  EXPECT_FALSE(only_refund.empty());
  WriteSet only_outbox_put;
  only_outbox_put.outbox_put.push_back(Outbox("R000000000001", REFUND_STEP_PAYOUT, 1));
  EXPECT_FALSE(only_outbox_put.empty());
  WriteSet only_outbox_removal;
  only_outbox_removal.outbox_removed.push_back("R000000000001");
  EXPECT_FALSE(only_outbox_removal.empty());
}

TYPED_TEST(StoreContractTest, LaterCommitsAndLaterEntriesOverwrite) {
  WriteSet first;
  first.numbers.push_back(Number("13800000001", "cmcc"));
  first.ports.push_back(Port("P01", "13800000001", "cmcc", "cucc", PORT_STATE_PENDING_DONOR));
  first.idempotency.emplace_back("key", Idempotency("Submit", "first"));
  this->Commit(first);

  WriteSet second;
  second.numbers.push_back(Number("13800000001", "ctcc"));
  second.numbers.push_back(Number("13800000001", "cucc"));  // the later entry wins
  second.ports.push_back(Port("P01", "13800000001", "cmcc", "cucc", PORT_STATE_SCHEDULED));
  second.idempotency.emplace_back("key", Idempotency("Submit", "second"));
  this->Commit(second);

  EXPECT_THAT(this->store().GetNumber("13800000001").value(),
              Optional(EqualsProto(Number("13800000001", "cucc"))));
  EXPECT_THAT(
      this->store().GetPort("P01").value(),
      Optional(EqualsProto(Port("P01", "13800000001", "cmcc", "cucc", PORT_STATE_SCHEDULED))));
  EXPECT_THAT(this->store().GetIdempotency("key").value(),
              Optional(EqualsProto(Idempotency("Submit", "second"))));
  // The msisdn index still lists the port once, in its new state.
  PortQuery query;
  query.msisdn = "13800000001";
  EXPECT_THAT(this->PortIds(query), ElementsAre("P01"));
  query.state = PORT_STATE_PENDING_DONOR;
  EXPECT_THAT(this->PortIds(query), IsEmpty());
  query.state = PORT_STATE_SCHEDULED;
  EXPECT_THAT(this->PortIds(query), ElementsAre("P01"));
}

TYPED_TEST(StoreContractTest, KeysWithBinaryBytesRoundTrip) {
  const std::string key("carrier\0request\xff", 16);
  WriteSet ws;
  ws.idempotency.emplace_back(key, Idempotency("Cancel", std::string("\0\1\2", 3)));
  this->Commit(ws);
  EXPECT_THAT(this->store().GetIdempotency(key).value(),
              Optional(EqualsProto(Idempotency("Cancel", std::string("\0\1\2", 3)))));
  EXPECT_EQ(this->store().GetIdempotency("carrier").value(), std::nullopt);
}

TYPED_TEST(StoreContractTest, ListPortsWithoutFilterIsAscendingPortId) {
  this->CommitPortFixture();
  bool more = true;
  EXPECT_THAT(this->PortIds(PortQuery(), &more), ElementsAre("P01", "P02", "P03", "P04", "P05"));
  EXPECT_FALSE(more);
}

TYPED_TEST(StoreContractTest, ListPortsFiltersByMsisdn) {
  this->CommitPortFixture();
  PortQuery query;
  query.msisdn = "13800000001";
  bool more = true;
  EXPECT_THAT(this->PortIds(query, &more), ElementsAre("P01", "P02", "P03"));
  EXPECT_FALSE(more);
  query.msisdn = "13800000003";
  EXPECT_THAT(this->PortIds(query), ElementsAre("P04"));
  query.msisdn = "13800000009";
  EXPECT_THAT(this->PortIds(query), IsEmpty());
}

TYPED_TEST(StoreContractTest, ListPortsByMsisdnDoesNotMatchPrefixes) {
  WriteSet ws;
  ws.ports.push_back(Port("P01", "1380000000", "cmcc", "cucc", PORT_STATE_PENDING_DONOR));
  ws.ports.push_back(Port("P02", "13800000001", "cmcc", "cucc", PORT_STATE_PENDING_DONOR));
  ws.ports.push_back(Port("P03", "138000000012", "cmcc", "cucc", PORT_STATE_PENDING_DONOR));
  this->Commit(ws);
  PortQuery query;
  query.msisdn = "13800000001";
  EXPECT_THAT(this->PortIds(query), ElementsAre("P02"));
  query.msisdn = "1380000000";
  EXPECT_THAT(this->PortIds(query), ElementsAre("P01"));
}

TYPED_TEST(StoreContractTest, ListPortsCarrierMatchesDonorOrRecipient) {
  this->CommitPortFixture();
  PortQuery query;
  query.carrier = "cmcc";  // donor of P01 and P04, recipient of P05
  EXPECT_THAT(this->PortIds(query), ElementsAre("P01", "P04", "P05"));
  query.carrier = "cucc";  // recipient of P01 and P03, donor of P02
  EXPECT_THAT(this->PortIds(query), ElementsAre("P01", "P02", "P03"));
  query.carrier = "none";
  EXPECT_THAT(this->PortIds(query), IsEmpty());
}

TYPED_TEST(StoreContractTest, ListPortsFiltersByStateAndCombines) {
  this->CommitPortFixture();
  PortQuery query;
  query.state = PORT_STATE_PENDING_DONOR;
  EXPECT_THAT(this->PortIds(query), ElementsAre("P03", "P05"));
  query.carrier = "cmcc";
  EXPECT_THAT(this->PortIds(query), ElementsAre("P05"));
  query.msisdn = "13800000001";
  EXPECT_THAT(this->PortIds(query), IsEmpty());
  query.carrier = "cucc";
  EXPECT_THAT(this->PortIds(query), ElementsAre("P03"));
}

TYPED_TEST(StoreContractTest, ListPortsPagesWithAfterPortIdAndMore) {
  this->CommitPortFixture();
  PortQuery query;
  query.limit = 2;
  bool more = false;
  EXPECT_THAT(this->PortIds(query, &more), ElementsAre("P01", "P02"));
  EXPECT_TRUE(more);
  query.after_port_id = "P02";
  EXPECT_THAT(this->PortIds(query, &more), ElementsAre("P03", "P04"));
  EXPECT_TRUE(more);
  query.after_port_id = "P04";
  EXPECT_THAT(this->PortIds(query, &more), ElementsAre("P05"));
  EXPECT_FALSE(more);
  query.after_port_id = "P05";
  EXPECT_THAT(this->PortIds(query, &more), IsEmpty());
  EXPECT_FALSE(more);

  // after_port_id need not exist, and is exclusive when it does.
  query.after_port_id = "P025";
  EXPECT_THAT(this->PortIds(query), ElementsAre("P03", "P04"));

  // Exactly `limit` ports left: nothing follows, so no more.
  query.after_port_id = "P03";
  EXPECT_THAT(this->PortIds(query, &more), ElementsAre("P04", "P05"));
  EXPECT_FALSE(more);
}

TYPED_TEST(StoreContractTest, ListPortsPagesWithinOneMsisdn) {
  this->CommitPortFixture();
  PortQuery query;
  query.msisdn = "13800000001";
  query.limit = 2;
  bool more = false;
  EXPECT_THAT(this->PortIds(query, &more), ElementsAre("P01", "P02"));
  EXPECT_TRUE(more);
  query.after_port_id = "P02";
  EXPECT_THAT(this->PortIds(query, &more), ElementsAre("P03"));
  EXPECT_FALSE(more);
}

TYPED_TEST(StoreContractTest, ListPortsPagesWithFilters) {
  this->CommitPortFixture();
  // Every page of a filtered listing, followed while `more`, yields exactly the filtered list.
  PortQuery query;
  query.carrier = "ctcc";
  query.limit = 1;
  std::vector<std::string> all;
  for (int guard = 0; guard < 10; ++guard) {
    bool more = false;
    auto ids = this->PortIds(query, &more);
    all.insert(all.end(), ids.begin(), ids.end());
    if (!more) break;
    ASSERT_FALSE(ids.empty());
    query.after_port_id = ids.back();
  }
  EXPECT_THAT(all, ElementsAre("P02", "P03", "P04", "P05"));

  // Fewer matches than the limit: the scan ran to the end, so nothing may follow.
  PortQuery few;
  few.state = PORT_STATE_COMPLETED;
  few.limit = 3;
  bool more = true;
  EXPECT_THAT(this->PortIds(few, &more), ElementsAre("P02"));
  EXPECT_FALSE(more);
}

TYPED_TEST(StoreContractTest, ReadFeedRangesAndMax) {
  WriteSet ws;
  for (uint64_t seq = 1; seq <= 10; ++seq) ws.feed.push_back(Change(seq));
  this->Commit(ws);
  auto sequences = [&](uint64_t from, size_t max) {
    std::vector<uint64_t> out;
    const auto feed = this->store().ReadFeed(from, max).value();
    for (const auto& change : feed) {
      out.push_back(change.sequence());
    }
    return out;
  };
  EXPECT_THAT(sequences(0, 100), ElementsAre(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
  EXPECT_THAT(sequences(1, 3), ElementsAre(1, 2, 3));
  EXPECT_THAT(sequences(4, 3), ElementsAre(4, 5, 6));
  EXPECT_THAT(sequences(9, 100), ElementsAre(9, 10));
  EXPECT_THAT(sequences(11, 100), IsEmpty());
  EXPECT_THAT(sequences(1, 0), IsEmpty());
  EXPECT_THAT(this->store().ReadFeed(7, 1).value(), ElementsAre(EqualsProto(Change(7))));
}

TYPED_TEST(StoreContractTest, ReadFeedOrdersLargeSequencesNumerically) {
  const std::vector<uint64_t> sequences = {65'537, 1, 256, 255, 65'536, 257, 1ull << 32, 65'535};
  WriteSet ws;
  for (uint64_t seq : sequences) ws.feed.push_back(Change(seq));
  this->Commit(ws);
  std::vector<uint64_t> read;
  const auto feed = this->store().ReadFeed(256, 100).value();
  for (const auto& change : feed) {
    read.push_back(change.sequence());
  }
  EXPECT_THAT(read, ElementsAre(256, 257, 65'535, 65'536, 65'537, 1ull << 32));
}

TYPED_TEST(StoreContractTest, ReadHistoryIsAscendingAcrossManySequences) {
  const std::string msisdn = "13800000001";
  std::vector<uint64_t> sequences;
  for (uint64_t seq = 1; seq <= 300; ++seq) sequences.push_back(seq);
  for (uint64_t seq : {65'535ull, 65'536ull, 65'537ull, 70'000ull, 1ull << 32, 1ull << 40}) {
    sequences.push_back(seq);
  }
  std::vector<uint64_t> shuffled = sequences;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(42));
  // Spread over several commits, interleaved with neighbours whose msisdn is a prefix or an
  // extension.
  for (size_t begin = 0; begin < shuffled.size(); begin += 50) {
    WriteSet ws;
    for (size_t i = begin; i < std::min(begin + 50, shuffled.size()); ++i) {
      ws.events.push_back(Event(msisdn, shuffled[i]));
      ws.events.push_back(Event("1380000000", shuffled[i]));
      ws.events.push_back(Event("138000000012", shuffled[i]));
    }
    this->Commit(ws);
  }

  auto history = this->store().ReadHistory(msisdn, 0, 1000).value();
  std::vector<uint64_t> read;
  for (const auto& event : history) {
    EXPECT_EQ(event.msisdn(), msisdn);
    read.push_back(event.sequence());
  }
  EXPECT_EQ(read, sequences);
  EXPECT_THAT(history[299], EqualsProto(Event(msisdn, 300)));

  auto first = this->store().ReadHistory(msisdn, 0, 3).value();
  EXPECT_THAT(first, ElementsAre(EqualsProto(Event(msisdn, 1)), EqualsProto(Event(msisdn, 2)),
                                 EqualsProto(Event(msisdn, 3))));
  EXPECT_THAT(this->store().ReadHistory(msisdn, 0, 0).value(), IsEmpty());
  EXPECT_THAT(this->store().ReadHistory("13800000009", 0, 10).value(), IsEmpty());
}

// Paging by after_sequence: exclusive, ascending, never spilling into a neighbouring number's
// events (whose msisdn is a prefix or an extension), whether the cursor is an event's own
// sequence, falls between two of them, or lies past the last.
TYPED_TEST(StoreContractTest, ReadHistoryAfterSequencePagesWithoutGapsOrRepeats) {
  const std::string msisdn = "13800000001";
  const std::vector<uint64_t> sequences = {3, 4, 9, 255, 256, 257, 65'536, 1ull << 32};
  WriteSet ws;
  for (uint64_t seq : sequences) {
    ws.events.push_back(Event(msisdn, seq));
    ws.events.push_back(Event("1380000000", seq + 1));
    ws.events.push_back(Event("138000000012", seq + 1));
  }
  this->Commit(ws);
  auto read = [&](uint64_t after, size_t max) {
    std::vector<uint64_t> out;
    const std::vector<npd::store::v1::EventRecord> events =
        this->store().ReadHistory(msisdn, after, max).value();
    for (const auto& event : events) {
      EXPECT_EQ(event.msisdn(), msisdn);
      out.push_back(event.sequence());
    }
    return out;
  };

  // Pages of three, each starting after the last sequence of the page before.
  std::vector<uint64_t> paged;
  uint64_t after = 0;
  while (true) {
    const std::vector<uint64_t> page = read(after, 3);
    paged.insert(paged.end(), page.begin(), page.end());
    if (page.size() < 3) break;
    after = page.back();
  }
  EXPECT_EQ(paged, sequences);

  EXPECT_THAT(read(4, 2), ElementsAre(9, 255)) << "exclusive of the cursor's own event";
  EXPECT_THAT(read(5, 2), ElementsAre(9, 255)) << "a cursor between two events";
  EXPECT_THAT(read(256, 10), ElementsAre(257, 65'536, 1ull << 32)) << "across a byte boundary";
  EXPECT_THAT(read(2, 1), ElementsAre(3));
  EXPECT_THAT(read(1ull << 32, 10), IsEmpty()) << "after the last event";
  EXPECT_THAT(read(UINT64_MAX, 10), IsEmpty());
  EXPECT_THAT(read(0, 0), IsEmpty());
  // The neighbours' events are theirs alone.
  EXPECT_THAT(
      this->store().ReadHistory("1380000000", 9, 2).value(),
      ElementsAre(EqualsProto(Event("1380000000", 10)), EqualsProto(Event("1380000000", 256))));
}

TYPED_TEST(StoreContractTest, TimersLoadInDueOrder) {
  const std::vector<TimerRecord> in_due_order = {
      Timer(TIMER_KIND_CUTOVER, -5, "13800000004", "P04"),  // negative due time clamps to the start
      Timer(TIMER_KIND_STALE, 0, "13800000003", "P03"),
      Timer(TIMER_KIND_AUTH_CODE_EXPIRY, 255, "13800000002", "", 1),
      Timer(TIMER_KIND_AUTH_CODE_EXPIRY, 256, "13800000002", "", 2),
      Timer(TIMER_KIND_DONOR_DEADLINE, 65'536, "13800000001", "P01"),
      Timer(TIMER_KIND_CUTOVER, 1'700'000'000, "13800000001", "P01"),
      Timer(TIMER_KIND_STALE, 1'700'000'000, "13800000001", "P01"),
      Timer(TIMER_KIND_DONOR_DEADLINE, 4'000'000'000, "13800000001", "P02"),
  };
  WriteSet ws;
  ws.timers_added = in_due_order;
  std::shuffle(ws.timers_added.begin(), ws.timers_added.end(), std::mt19937(7));
  this->Commit(ws);
  EXPECT_THAT(this->store().LoadTimers().value(), Pointwise(ProtoEq(), in_due_order));
}

TYPED_TEST(StoreContractTest, TimersAreRemovedByKey) {
  const TimerRecord expiry = Timer(TIMER_KIND_AUTH_CODE_EXPIRY, 100, "13800000001", "", 1);
  const TimerRecord deadline = Timer(TIMER_KIND_DONOR_DEADLINE, 200, "13800000001", "P01");
  const TimerRecord cutover = Timer(TIMER_KIND_CUTOVER, 300, "13800000001", "P01");
  WriteSet add;
  add.timers_added = {expiry, deadline, cutover};
  this->Commit(add);

  WriteSet remove;
  remove.timers_removed.push_back(deadline);
  // Same msisdn, kind and due time but another generation: another timer, nothing to remove.
  remove.timers_removed.push_back(Timer(TIMER_KIND_AUTH_CODE_EXPIRY, 100, "13800000001", "", 2));
  this->Commit(remove);
  EXPECT_THAT(this->store().LoadTimers().value(),
              ElementsAre(EqualsProto(expiry), EqualsProto(cutover)));

  // Removed and added in one WriteSet: additions apply after removals, so the timer stays.
  WriteSet both;
  both.timers_removed.push_back(cutover);
  both.timers_added.push_back(cutover);
  both.timers_removed.push_back(expiry);
  this->Commit(both);
  EXPECT_THAT(this->store().LoadTimers().value(), ElementsAre(EqualsProto(cutover)));
}

TYPED_TEST(StoreContractTest, CountersAndCursorsAreOverwritten) {
  WriteSet first;
  first.counters = MakeCounters(1, 2, 3);
  first.cursors = {Cursor("ctcc", 3), Cursor("cmcc", 1)};
  this->Commit(first);

  WriteSet second;
  second.counters = MakeCounters(4, 5, 6);
  second.cursors = {Cursor("cmcc", 2), Cursor("cucc", 6), Cursor("cmcc", 5)};
  this->Commit(second);

  WriteSet without_counters;
  without_counters.feed.push_back(Change(1));
  this->Commit(without_counters);  // leaves the counters as they are

  EXPECT_THAT(this->store().LoadCounters().value(), EqualsProto(MakeCounters(4, 5, 6)));
  EXPECT_THAT(this->store().LoadCursors().value(),
              ElementsAre(EqualsProto(Cursor("cmcc", 5)), EqualsProto(Cursor("ctcc", 3)),
                          EqualsProto(Cursor("cucc", 6))));
}

TYPED_TEST(StoreContractTest, AwaitingIndexReadsRangesAndForgetsRemovedEntries) {
  WriteSet first;
  first.awaiting_added = {
      {3, "P000000000003"}, {1, "P000000000001"}, {7, "P000000000007"}, {300, "P000000000300"}};
  this->Commit(first);
  EXPECT_THAT(this->store().ReadAwaiting(0, 7, 100).value(),
              ElementsAre(AwaitingEntry{1, "P000000000001"}, AwaitingEntry{3, "P000000000003"},
                          AwaitingEntry{7, "P000000000007"}));
  // `after` is exclusive, `up_to` inclusive, and max bounds the answer.
  EXPECT_THAT(this->store().ReadAwaiting(1, 300, 2).value(),
              ElementsAre(AwaitingEntry{3, "P000000000003"}, AwaitingEntry{7, "P000000000007"}));
  EXPECT_THAT(this->store().ReadAwaiting(7, 7, 100).value(), IsEmpty());

  WriteSet second;
  second.awaiting_removed = {3, 300, 999};  // 999 was never there
  second.awaiting_added = {{9, "P000000000009"}};
  this->Commit(second);
  EXPECT_THAT(this->store().ReadAwaiting(0, UINT64_MAX, 100).value(),
              ElementsAre(AwaitingEntry{1, "P000000000001"}, AwaitingEntry{7, "P000000000007"},
                          AwaitingEntry{9, "P000000000009"}));

  WriteSet both;  // removed and added in one batch: present afterwards
  both.awaiting_removed = {1};
  both.awaiting_added = {{1, "P000000000001"}};
  this->Commit(both);
  EXPECT_THAT(this->store().ReadAwaiting(0, 1, 100).value(),
              ElementsAre(AwaitingEntry{1, "P000000000001"}));
}

TYPED_TEST(StoreContractTest, RefundRoundTripsAndLaterWritesWin) {
  auto first = Refund("R000000000001", "13800000001", "cmcc", "GD", REFUND_STATE_OPENED);
  first.set_holder_identity_hash(std::string("\x00\x01hash", 6));
  WriteSet ws;
  ws.refunds.push_back(first);
  this->Commit(ws);
  EXPECT_THAT(this->store().GetRefund("R000000000001").value(), Optional(EqualsProto(first)));
  EXPECT_EQ(this->store().GetRefund("R000000000002").value(), std::nullopt);
  // A case is not its port: the port id reads nothing.
  EXPECT_EQ(this->store().GetRefund("P000000000001").value(), std::nullopt);
  EXPECT_EQ(this->store().GetPort("R000000000001").value(), std::nullopt);

  auto frozen = Refund("R000000000001", "13800000001", "cmcc", "GD", REFUND_STATE_STUCK);
  auto computed = Refund("R000000000001", "13800000001", "cmcc", "GD", REFUND_STATE_AWAIT_CLAIM);
  computed.mutable_refund()->set_refundable_fen(1'234);
  WriteSet later;
  later.refunds = {frozen, computed};  // the later entry wins
  this->Commit(later);
  EXPECT_THAT(this->store().GetRefund("R000000000001").value(), Optional(EqualsProto(computed)));
  EXPECT_THAT(this->RefundIds(RefundQuery()), ElementsAre("R000000000001"));
}

TYPED_TEST(StoreContractTest, ListRefundsWithoutFilterIsAscendingRefundId) {
  this->CommitRefundFixture();
  bool more = true;
  EXPECT_THAT(this->RefundIds(RefundQuery(), &more),
              ElementsAre("R000000000001", "R000000000002", "R000000000004", "R000000000005",
                          "R000000000006"));
  EXPECT_FALSE(more);
  auto page = this->store().ListRefunds(RefundQuery()).value();
  ASSERT_EQ(page.refunds.size(), 5u);
  EXPECT_THAT(page.refunds[0], EqualsProto(Refund("R000000000001", "13800000001", "cmcc", "GD",
                                                  REFUND_STATE_AWAIT_CLAIM)));
}

TYPED_TEST(StoreContractTest, ListRefundsByMsisdnReadsThroughThePortIndex) {
  this->CommitRefundFixture();
  RefundQuery query;
  query.msisdn = "13800000001";  // ports P1, P3, P4, P7; P3 and P7 have no case
  bool more = true;
  EXPECT_THAT(this->RefundIds(query, &more), ElementsAre("R000000000001", "R000000000004"));
  EXPECT_FALSE(more);
  query.msisdn = "138000000012";
  EXPECT_THAT(this->RefundIds(query), ElementsAre("R000000000006"));
  query.msisdn = "1380000000";  // a prefix of stored numbers, none itself
  EXPECT_THAT(this->RefundIds(query), IsEmpty());
  query.msisdn = "13800000009";
  EXPECT_THAT(this->RefundIds(query), IsEmpty());

  // The index is where the candidates come from: a case whose port was never stored is listed, but
  // not found by its number.
  WriteSet orphan;
  orphan.refunds.push_back(
      Refund("R000000000009", "13800000001", "cmcc", "GD", REFUND_STATE_OPENED));
  this->Commit(orphan);
  query.msisdn = "13800000001";
  EXPECT_THAT(this->RefundIds(query), ElementsAre("R000000000001", "R000000000004"));
  EXPECT_THAT(this->RefundIds(RefundQuery()),
              ElementsAre("R000000000001", "R000000000002", "R000000000004", "R000000000005",
                          "R000000000006", "R000000000009"));
}

TYPED_TEST(StoreContractTest, ListRefundsCarrierMatchesTheDonorOnly) {
  this->CommitRefundFixture();
  RefundQuery query;
  query.carrier = "cmcc";
  EXPECT_THAT(this->RefundIds(query),
              ElementsAre("R000000000001", "R000000000005", "R000000000006"));
  query.carrier = "ctcc";
  EXPECT_THAT(this->RefundIds(query), ElementsAre("R000000000002", "R000000000004"));
  query.carrier = "cucc";  // the recipient of every case, donor of none
  EXPECT_THAT(this->RefundIds(query), IsEmpty());
}

TYPED_TEST(StoreContractTest, ListRefundsFiltersByState) {
  this->CommitRefundFixture();
  RefundQuery query;
  query.state = REFUND_STATE_AWAIT_CLAIM;
  EXPECT_THAT(this->RefundIds(query), ElementsAre("R000000000001", "R000000000002"));
  query.state = REFUND_STATE_STUCK;
  EXPECT_THAT(this->RefundIds(query), ElementsAre("R000000000005"));
  query.state = REFUND_STATE_PAYOUT_REQUESTED;
  EXPECT_THAT(this->RefundIds(query), IsEmpty());
}

TYPED_TEST(StoreContractTest, ListRefundsFiltersByHomeProvinceAndCombines) {
  this->CommitRefundFixture();
  RefundQuery query;
  query.home_province = "GD";
  EXPECT_THAT(this->RefundIds(query),
              ElementsAre("R000000000001", "R000000000004", "R000000000006"));
  query.home_province = "BJ";
  EXPECT_THAT(this->RefundIds(query), ElementsAre("R000000000002", "R000000000005"));
  query.carrier = "cmcc";
  EXPECT_THAT(this->RefundIds(query), ElementsAre("R000000000005"));
  query.state = REFUND_STATE_AWAIT_CLAIM;
  EXPECT_THAT(this->RefundIds(query), IsEmpty());

  RefundQuery by_number;
  by_number.msisdn = "13800000001";
  by_number.home_province = "GD";
  by_number.carrier = "ctcc";
  EXPECT_THAT(this->RefundIds(by_number), ElementsAre("R000000000004"));
  by_number.state = REFUND_STATE_CLOSED_PAID;
  EXPECT_THAT(this->RefundIds(by_number), ElementsAre("R000000000004"));
  by_number.home_province = "BJ";
  EXPECT_THAT(this->RefundIds(by_number), IsEmpty());
}

TYPED_TEST(StoreContractTest, ListRefundsPagesWithAfterRefundIdAndMore) {
  this->CommitRefundFixture();
  RefundQuery query;
  query.limit = 2;
  bool more = false;
  EXPECT_THAT(this->RefundIds(query, &more), ElementsAre("R000000000001", "R000000000002"));
  EXPECT_TRUE(more);
  query.after_refund_id = "R000000000002";
  EXPECT_THAT(this->RefundIds(query, &more), ElementsAre("R000000000004", "R000000000005"));
  EXPECT_TRUE(more);
  query.after_refund_id = "R000000000005";
  EXPECT_THAT(this->RefundIds(query, &more), ElementsAre("R000000000006"));
  EXPECT_FALSE(more);
  query.after_refund_id = "R000000000006";
  EXPECT_THAT(this->RefundIds(query, &more), IsEmpty());
  EXPECT_FALSE(more);

  // after_refund_id need not exist, and is exclusive when it does.
  query.after_refund_id = "R000000000003";
  EXPECT_THAT(this->RefundIds(query), ElementsAre("R000000000004", "R000000000005"));

  // Exactly `limit` cases left: nothing follows, so no more.
  query.after_refund_id = "R000000000004";
  EXPECT_THAT(this->RefundIds(query, &more), ElementsAre("R000000000005", "R000000000006"));
  EXPECT_FALSE(more);

  // limit 1 with a filter: a full page with a case after it says more, though none of the rest
  // matches; the next page is then empty and says no more.
  RefundQuery filtered;
  filtered.state = REFUND_STATE_AWAIT_CLAIM;
  filtered.limit = 1;
  filtered.after_refund_id = "R000000000001";
  EXPECT_THAT(this->RefundIds(filtered, &more), ElementsAre("R000000000002"));
  EXPECT_TRUE(more);
  filtered.after_refund_id = "R000000000002";
  EXPECT_THAT(this->RefundIds(filtered, &more), IsEmpty());
  EXPECT_FALSE(more);
}

TYPED_TEST(StoreContractTest, ListRefundsPagesWithinOneMsisdn) {
  this->CommitRefundFixture();
  RefundQuery query;
  query.msisdn = "13800000001";
  query.limit = 1;
  bool more = false;
  EXPECT_THAT(this->RefundIds(query, &more), ElementsAre("R000000000001"));
  EXPECT_TRUE(more);
  query.after_refund_id = "R000000000001";
  // Only P000000000007 follows R000000000004 in the index, and it has no case: not a candidate, so
  // no more.
  EXPECT_THAT(this->RefundIds(query, &more), ElementsAre("R000000000004"));
  EXPECT_FALSE(more);
  query.after_refund_id = "R000000000004";
  EXPECT_THAT(this->RefundIds(query, &more), IsEmpty());
  EXPECT_FALSE(more);
}

TYPED_TEST(StoreContractTest, ListRefundsPagesWithFilters) {
  this->CommitRefundFixture();
  // Every page of a filtered listing, followed while `more`, yields exactly the filtered list.
  for (const std::string msisdn : {"", "13800000001"}) {
    RefundQuery query;
    query.msisdn = msisdn;
    query.home_province = "GD";
    query.limit = 1;
    std::vector<std::string> all;
    for (int guard = 0; guard < 10; ++guard) {
      bool more = false;
      auto ids = this->RefundIds(query, &more);
      all.insert(all.end(), ids.begin(), ids.end());
      if (!more) break;
      ASSERT_FALSE(ids.empty());
      query.after_refund_id = ids.back();
    }
    if (msisdn.empty()) {
      EXPECT_THAT(all, ElementsAre("R000000000001", "R000000000004", "R000000000006"));
    } else {
      EXPECT_THAT(all, ElementsAre("R000000000001", "R000000000004"));
    }
  }
}

TYPED_TEST(StoreContractTest, OutboxPutGetRemoveAndLoad) {
  const auto payout = Outbox("R000000000003", REFUND_STEP_PAYOUT, 4);
  const auto bill = Outbox("R000000000001", REFUND_STEP_FETCH_FINAL_BILL, 1);
  const auto close = Outbox("R000000000002", REFUND_STEP_CLOSE_ACCOUNT, 2);
  WriteSet put;
  put.outbox_put = {payout, bill, close};
  this->Commit(put);
  EXPECT_THAT(this->store().GetOutbox("R000000000003").value(), Optional(EqualsProto(payout)));
  EXPECT_EQ(this->store().GetOutbox("R000000000009").value(), std::nullopt);
  EXPECT_THAT(this->store().LoadOutbox().value(),
              ElementsAre(EqualsProto(bill), EqualsProto(close), EqualsProto(payout)));

  // A removal on its own is a commit too; an id never there is no error.
  WriteSet remove;
  remove.outbox_removed = {"R000000000002", "R000000000009"};
  this->Commit(remove);
  EXPECT_EQ(this->store().GetOutbox("R000000000002").value(), std::nullopt);
  EXPECT_THAT(this->store().LoadOutbox().value(),
              ElementsAre(EqualsProto(bill), EqualsProto(payout)));

  // A put of an existing id replaces the entry (the next attempt).
  auto retry = Outbox("R000000000003", REFUND_STEP_PAYOUT, 5);
  retry.set_query_first(true);
  WriteSet update;
  update.outbox_put.push_back(retry);
  this->Commit(update);
  EXPECT_THAT(this->store().LoadOutbox().value(),
              ElementsAre(EqualsProto(bill), EqualsProto(retry)));
}

TYPED_TEST(StoreContractTest, OutboxRemovedAndPutInOneBatchEndsPresent) {
  const auto freeze = Outbox("R000000000001", REFUND_STEP_FETCH_FINAL_BILL, 1);
  WriteSet first;
  first.outbox_put.push_back(freeze);
  first.outbox_put.push_back(Outbox("R000000000002", REFUND_STEP_PAYOUT, 1));
  this->Commit(first);

  // One step's result applied and the next step queued under the same case: removals apply before
  // puts, so the new entry is there. The other case's entry goes with the same commit, and the case
  // records land with it.
  const auto next = Outbox("R000000000001", REFUND_STEP_CLOSE_ACCOUNT, 2);
  WriteSet both;
  both.outbox_put.push_back(next);
  both.outbox_removed = {"R000000000001", "R000000000002"};
  both.refunds.push_back(
      Refund("R000000000001", "13800000001", "cmcc", "GD", REFUND_STATE_CLOSED_PAID));
  this->Commit(both);
  EXPECT_THAT(this->store().LoadOutbox().value(), ElementsAre(EqualsProto(next)));
  EXPECT_THAT(this->store().GetRefund("R000000000001").value(),
              Optional(EqualsProto(
                  Refund("R000000000001", "13800000001", "cmcc", "GD", REFUND_STATE_CLOSED_PAID))));
}

TYPED_TEST(StoreContractTest, JournalIsReadInSequenceOrderFromAPosition) {
  WriteSet ws;
  for (uint64_t seq : {3, 1, 2, 300}) {
    npd::store::v1::JournalEntry entry;
    entry.set_sequence(seq);
    entry.set_command(absl::StrCat("step", seq));
    ws.journal.push_back(entry);
  }
  EXPECT_FALSE(ws.empty());
  this->Commit(ws);
  auto all = this->store().ReadJournal(0, 10).value();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].sequence(), 1u);
  EXPECT_EQ(all[3].sequence(), 300u);  // numeric order, not text order
  auto page = this->store().ReadJournal(1, 2).value();
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].command(), "step2");
  EXPECT_EQ(page[1].command(), "step3");
  EXPECT_THAT(this->store().ReadJournal(300, 10).value(), IsEmpty());
}

TYPED_TEST(StoreContractTest, ScanTableVisitsStoredBytesInKeyOrderAndStopsOnError) {
  this->Commit(SampleWriteSet());
  std::vector<std::string> keys;
  ASSERT_TRUE(this->store()
                  .ScanTable("numbers",
                             [&](std::string_view key, std::string_view value) {
                               npd::store::v1::NumberRecord n;
                               EXPECT_TRUE(n.ParseFromArray(value.data(), value.size()));
                               EXPECT_EQ(n.msisdn(), key);
                               keys.emplace_back(key);
                               return absl::OkStatus();
                             })
                  .ok());
  EXPECT_FALSE(keys.empty());
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  int meta = 0;
  ASSERT_TRUE(this->store()
                  .ScanTable("meta",
                             [&](std::string_view key, std::string_view) {
                               if (key == "counters") ++meta;
                               return absl::OkStatus();
                             })
                  .ok());
  EXPECT_EQ(meta, 1);
  int visited = 0;
  absl::Status stopped = this->store().ScanTable("events", [&](std::string_view, std::string_view) {
    ++visited;
    return absl::CancelledError("enough");
  });
  EXPECT_TRUE(absl::IsCancelled(stopped));
  EXPECT_EQ(visited, 1);
  EXPECT_TRUE(absl::IsInvalidArgument(this->store().ScanTable(
      "nope", [](std::string_view, std::string_view) { return absl::OkStatus(); })));
}

TYPED_TEST(StoreContractTest, ConcurrentReadersSeeWholeCommits) {
  // Each commit advances the counters and appends the matching feed entry and event. A reader that
  // sees counters at N must find at least N feed entries and the port of commit N in the msisdn
  // index.
  constexpr uint64_t kCommits = 200;
  std::atomic<bool> done{false};
  std::atomic<int> violations{0};
  std::thread reader([&] {
    while (!done.load()) {
      auto counters = this->store().LoadCounters();
      if (!counters.ok()) {
        ++violations;
        continue;
      }
      const uint64_t head = counters->last_feed_sequence();
      auto feed = this->store().ReadFeed(1, kCommits + 1);
      if (!feed.ok() || feed->size() < head) ++violations;
      PortQuery query;
      query.msisdn = "13800000001";
      query.limit = kCommits + 1;
      auto page = this->store().ListPorts(query);
      if (!page.ok() || page->ports.size() < head) ++violations;
    }
  });
  for (uint64_t n = 1; n <= kCommits; ++n) {
    WriteSet ws;
    ws.feed.push_back(Change(n));
    ws.events.push_back(Event("13800000001", n));
    ws.ports.push_back(Port("P" + std::to_string(100'000 + n), "13800000001", "cmcc", "cucc",
                            PORT_STATE_PENDING_DONOR));
    ws.counters = MakeCounters(n, n, n);
    ASSERT_TRUE(this->store().Commit(ws).ok());
  }
  done = true;
  reader.join();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_EQ(this->store().ReadHistory("13800000001", 0, 1000).value().size(), kCommits);
}

TEST(RefundIdForPortTest, ReplacesTheLeadingP) {
  EXPECT_EQ(RefundIdForPort("P000000000123"), "R000000000123");
  EXPECT_EQ(RefundIdForPort("P01"), "R01");
  EXPECT_EQ(RefundIdForPort("P"), "R");
  // Only a leading "P" is a port id; anything else has no case.
  EXPECT_EQ(RefundIdForPort(""), "");
  EXPECT_EQ(RefundIdForPort("R000000000123"), "");
  EXPECT_EQ(RefundIdForPort("000000000123P"), "");
}

TEST(TimerKeyTest, OrdersByDueTimeThenKind) {
  const auto key = [](npd::store::v1::TimerKind kind, int64_t seconds, int32_t nanos) {
    TimerRecord timer = Timer(kind, seconds, "13800000001", "P01");
    *timer.mutable_due_at() = At(seconds, nanos);
    return TimerKey(timer);
  };
  EXPECT_LT(key(TIMER_KIND_STALE, 1, 0), key(TIMER_KIND_AUTH_CODE_EXPIRY, 1, 1'000));
  EXPECT_LT(key(TIMER_KIND_STALE, 255, 999'999'000), key(TIMER_KIND_AUTH_CODE_EXPIRY, 256, 0));
  EXPECT_LT(key(TIMER_KIND_AUTH_CODE_EXPIRY, 10, 0), key(TIMER_KIND_DONOR_DEADLINE, 10, 0));
  // Negative due times clamp to the epoch; they sort first, not last.
  EXPECT_EQ(key(TIMER_KIND_STALE, -100, 0), key(TIMER_KIND_STALE, 0, 0));
  EXPECT_LT(key(TIMER_KIND_STALE, -100, 0), key(TIMER_KIND_STALE, 0, 1'000));
  // Big-endian microseconds: 8 bytes of due time, then the kind byte.
  const std::string k = key(TIMER_KIND_CUTOVER, 1, 0);
  EXPECT_EQ(k.substr(0, 9), std::string("\0\0\0\0\0\x0f\x42\x40\x03", 9));
}

TEST(TimerKeyTest, DistinctTimersHaveDistinctKeys) {
  std::set<std::string> keys = {
      TimerKey(Timer(TIMER_KIND_CUTOVER, 5, "13800000001", "P01")),
      TimerKey(Timer(TIMER_KIND_CUTOVER, 5, "13800000001", "P02")),
      TimerKey(Timer(TIMER_KIND_CUTOVER, 5, "13800000002", "P01")),
      TimerKey(Timer(TIMER_KIND_STALE, 5, "13800000001", "P01")),
      TimerKey(Timer(TIMER_KIND_CUTOVER, 5, "13800000001", "P01", 1)),
      TimerKey(Timer(TIMER_KIND_CUTOVER, 5, "1380000000", "1P01")),
  };
  EXPECT_EQ(keys.size(), 6u);
  EXPECT_EQ(TimerKey(Timer(TIMER_KIND_CUTOVER, 5, "13800000001", "P01")),
            TimerKey(Timer(TIMER_KIND_CUTOVER, 5, "13800000001", "P01")));
}

}  // namespace
}  // namespace npd::storage
