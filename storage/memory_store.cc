#include "storage/memory_store.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "storage/port_filter.h"
#include "storage/refund_filter.h"

namespace npd::storage {
namespace {

using npd::store::v1::Counters;
using npd::store::v1::EventRecord;
using npd::store::v1::FeedCursor;
using npd::store::v1::IdempotencyRecord;
using npd::store::v1::JournalEntry;
using npd::store::v1::NumberRecord;
using npd::store::v1::OutboxRecord;
using npd::store::v1::PortRecord;
using npd::store::v1::RefundRecord;
using npd::store::v1::TimerRecord;
using npd::v1::RoutingChange;

// The memory store's snapshot: a copy of the numbers, events and counters taken under the store's
// lock.
class MemorySnapshot final : public StoreSnapshot {
 public:
  MemorySnapshot(std::map<std::string, NumberRecord, std::less<>> numbers,
                 std::map<std::string, EventRecord> events, Counters counters)
      : numbers_(std::move(numbers)), events_(std::move(events)), counters_(std::move(counters)) {}

  const Counters& counters() const override { return counters_; }

  absl::StatusOr<std::vector<NumberRecord>> ScanNumbers(std::string_view prefix,
                                                        std::string_view after_msisdn,
                                                        size_t max) override {
    std::vector<NumberRecord> out;
    auto it = !after_msisdn.empty() && after_msisdn >= prefix ? numbers_.upper_bound(after_msisdn)
                                                              : numbers_.lower_bound(prefix);
    for (; it != numbers_.end() && it->first.starts_with(prefix) && out.size() < max; ++it) {
      out.push_back(it->second);
    }
    return out;
  }

  absl::Status ScanEvents(const std::function<absl::Status(const EventRecord&)>& visit) override {
    for (const auto& [key, event] : events_) {
      if (absl::Status s = visit(event); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  const std::map<std::string, NumberRecord, std::less<>> numbers_;
  const std::map<std::string, EventRecord> events_;  // keys::EventKey
  const Counters counters_;
};

// One std::map per column family of the RocksDB store, keyed by the same bytes (storage/keys.h), so
// iteration order and paging behave identically. One mutex makes every call atomic with respect to
// Commit. It is a std::mutex rather than absl::Mutex because Debian's abseil is not built for
// ThreadSanitizer, which then cannot see absl::Mutex ordering and reports false races.
class MemoryStore final : public Store {
 public:
  absl::StatusOr<std::optional<NumberRecord>> GetNumber(std::string_view msisdn) override {
    std::lock_guard lock(mu_);
    return Find(numbers_, msisdn);
  }

  absl::StatusOr<std::optional<PortRecord>> GetPort(std::string_view port_id) override {
    std::lock_guard lock(mu_);
    return Find(ports_, port_id);
  }

  absl::StatusOr<std::optional<IdempotencyRecord>> GetIdempotency(std::string_view key) override {
    std::lock_guard lock(mu_);
    return Find(idempotency_, key);
  }

  absl::StatusOr<PortPage> ListPorts(const PortQuery& query) override {
    std::lock_guard lock(mu_);
    PortPage page;
    // Candidates in port_id order: the msisdn index when a number is given, else every port. `more`
    // is true when the limit was reached and a candidate follows, exactly as the RocksDB store does
    // it.
    if (!query.msisdn.empty()) {
      const std::string prefix = keys::PortIndexPrefix(query.msisdn);
      auto it = port_index_.upper_bound(keys::PortIndexKey(query.msisdn, query.after_port_id));
      for (; it != port_index_.end() && it->starts_with(prefix); ++it) {
        if (page.ports.size() >= query.limit) {
          page.more = true;
          break;
        }
        auto port = ports_.find(it->substr(prefix.size()));
        if (port != ports_.end() && PortMatches(query, port->second)) {
          page.ports.push_back(port->second);
        }
      }
    } else {
      for (auto it = ports_.upper_bound(query.after_port_id); it != ports_.end(); ++it) {
        if (page.ports.size() >= query.limit) {
          page.more = true;
          break;
        }
        if (PortMatches(query, it->second)) page.ports.push_back(it->second);
      }
    }
    return page;
  }

  absl::StatusOr<std::vector<RoutingChange>> ReadFeed(uint64_t from, size_t max) override {
    std::lock_guard lock(mu_);
    std::vector<RoutingChange> out;
    for (auto it = feed_.lower_bound(from); it != feed_.end() && out.size() < max; ++it) {
      out.push_back(it->second);
    }
    return out;
  }

  absl::StatusOr<std::vector<EventRecord>> ReadHistory(std::string_view msisdn,
                                                       uint64_t after_sequence,
                                                       size_t max) override {
    std::lock_guard lock(mu_);
    std::vector<EventRecord> out;
    if (after_sequence == UINT64_MAX) return out;
    const std::string prefix = keys::EventPrefix(msisdn);
    for (auto it = events_.lower_bound(keys::EventKey(msisdn, after_sequence + 1));
         it != events_.end() && it->first.starts_with(prefix) && out.size() < max; ++it) {
      out.push_back(it->second);
    }
    return out;
  }

  absl::StatusOr<std::vector<AwaitingEntry>> ReadAwaiting(uint64_t after, uint64_t up_to,
                                                          size_t max) override {
    std::lock_guard lock(mu_);
    std::vector<AwaitingEntry> out;
    for (auto it = awaiting_.upper_bound(after);
         it != awaiting_.end() && it->first <= up_to && out.size() < max; ++it) {
      out.push_back(AwaitingEntry{it->first, it->second});
    }
    return out;
  }

  absl::StatusOr<std::optional<RefundRecord>> GetRefund(std::string_view refund_id) override {
    std::lock_guard lock(mu_);
    return Find(refunds_, refund_id);
  }

  absl::StatusOr<RefundPage> ListRefunds(const RefundQuery& query) override {
    std::lock_guard lock(mu_);
    RefundPage page;
    // Candidates are stored cases in refund_id order: with a number, the cases of its ports (the
    // msisdn index, mapped by RefundIdForPort, keeps port_id order, hence refund_id order); else
    // every case. `more` is true when the limit was reached and a candidate follows, exactly as
    // the RocksDB store does it. Returns false once the page is full.
    auto add = [&](const RefundRecord& record) {
      if (page.refunds.size() >= query.limit) {
        page.more = true;
        return false;
      }
      if (RefundMatches(query, record)) page.refunds.push_back(record);
      return true;
    };
    if (!query.msisdn.empty()) {
      // A number has few ports, so its whole index range is read and ids up to after_refund_id
      // skipped.
      const std::string prefix = keys::PortIndexPrefix(query.msisdn);
      for (auto it = port_index_.lower_bound(prefix);
           it != port_index_.end() && it->starts_with(prefix); ++it) {
        const std::string refund_id = RefundIdForPort(std::string_view(*it).substr(prefix.size()));
        if (refund_id.empty() || refund_id <= query.after_refund_id) continue;
        auto refund = refunds_.find(refund_id);
        if (refund != refunds_.end() && !add(refund->second)) break;
      }
    } else {
      for (auto it = refunds_.upper_bound(query.after_refund_id); it != refunds_.end(); ++it) {
        if (!add(it->second)) break;
      }
    }
    return page;
  }

  absl::StatusOr<std::optional<OutboxRecord>> GetOutbox(std::string_view refund_id) override {
    std::lock_guard lock(mu_);
    return Find(outbox_, refund_id);
  }

  absl::StatusOr<std::vector<OutboxRecord>> LoadOutbox() override {
    std::lock_guard lock(mu_);
    std::vector<OutboxRecord> out;
    out.reserve(outbox_.size());
    for (const auto& [refund_id, entry] : outbox_) out.push_back(entry);
    return out;
  }

  absl::StatusOr<std::vector<TimerRecord>> LoadTimers() override {
    std::lock_guard lock(mu_);
    std::vector<TimerRecord> out;
    out.reserve(timers_.size());
    for (const auto& [key, timer] : timers_) out.push_back(timer);
    return out;
  }

  absl::StatusOr<std::vector<JournalEntry>> ReadJournal(uint64_t after, size_t max) override {
    std::lock_guard lock(mu_);
    std::vector<JournalEntry> out;
    for (auto it = journal_.upper_bound(after); it != journal_.end() && out.size() < max; ++it) {
      out.push_back(it->second);
    }
    return out;
  }

  // Copies the table as (key, serialised value) under the lock, then visits the copy.
  absl::Status ScanTable(std::string_view table, const TableVisitor& visit) override {
    std::vector<std::pair<std::string, std::string>> rows;
    {
      std::lock_guard lock(mu_);
      auto add = [&rows](std::string key, const google::protobuf::Message& value) {
        rows.emplace_back(std::move(key), value.SerializeAsString());
      };
      if (table == "numbers") {
        for (const auto& [k, v] : numbers_) add(k, v);
      } else if (table == "ports") {
        for (const auto& [k, v] : ports_) add(k, v);
      } else if (table == "ports_by_msisdn") {
        for (const auto& k : port_index_) rows.emplace_back(k, "");
      } else if (table == "events") {
        for (const auto& [k, v] : events_) add(k, v);
      } else if (table == "feed") {
        for (const auto& [k, v] : feed_) add(keys::BigEndian64(k), v);
      } else if (table == "timers") {
        for (const auto& [k, v] : timers_) add(k, v);
      } else if (table == "idempotency") {
        for (const auto& [k, v] : idempotency_) add(k, v);
      } else if (table == "meta") {
        // Same keys as the RocksDB store; "counters" sorts before "cursor/".
        if (counters_.ByteSizeLong() > 0) add(std::string(keys::kCounters), counters_);
        for (const auto& [k, v] : cursors_) add(keys::CursorKey(k), v);
      } else if (table == "awaiting") {
        for (const auto& [k, v] : awaiting_) rows.emplace_back(keys::BigEndian64(k), v);
      } else if (table == "refunds") {
        for (const auto& [k, v] : refunds_) add(k, v);
      } else if (table == "outbox") {
        for (const auto& [k, v] : outbox_) add(k, v);
      } else if (table == "journal") {
        for (const auto& [k, v] : journal_) add(keys::BigEndian64(k), v);
      } else {
        return absl::InvalidArgumentError(absl::StrCat("storage: no table ", keys::ToAbsl(table)));
      }
    }
    for (const auto& [key, value] : rows) {
      if (absl::Status s = visit(key, value); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Counters> LoadCounters() override {
    std::lock_guard lock(mu_);
    return counters_;
  }

  absl::StatusOr<std::vector<FeedCursor>> LoadCursors() override {
    std::lock_guard lock(mu_);
    std::vector<FeedCursor> out;
    out.reserve(cursors_.size());
    for (const auto& [carrier, cursor] : cursors_) out.push_back(cursor);
    return out;
  }

  // Same order as the RocksDB store (see rocks_store.cc): numbers, ports (+index), events, feed,
  // feed pruning, timers_removed, timers_added, idempotency, cursors, counters, awaiting_removed,
  // awaiting_added, refunds, outbox_removed, outbox_put, journal. Nothing below can fail once the
  // injected failure is checked, so the WriteSet is applied whole or not at all.
  absl::Status Commit(const WriteSet& batch) override {
    std::lock_guard lock(mu_);
    if (failures_left_ > 0) {
      --failures_left_;
      return absl::UnavailableError("memory store: commit failed by FailNextCommits");
    }
    for (const auto& number : batch.numbers) numbers_[number.msisdn()] = number;
    for (const auto& port : batch.ports) {
      ports_[port.port().port_id()] = port;
      port_index_.insert(keys::PortIndexKey(port.port().msisdn(), port.port().port_id()));
    }
    for (const auto& event : batch.events) {
      events_[keys::EventKey(event.msisdn(), event.sequence())] = event;
    }
    for (const auto& change : batch.feed) feed_[change.sequence()] = change;
    if (batch.prune_feed_below.has_value()) {
      feed_.erase(feed_.begin(), feed_.lower_bound(*batch.prune_feed_below));
    }
    for (const auto& timer : batch.timers_removed) timers_.erase(TimerKey(timer));
    for (const auto& timer : batch.timers_added) timers_[TimerKey(timer)] = timer;
    for (const auto& [key, record] : batch.idempotency) idempotency_[key] = record;
    for (const auto& cursor : batch.cursors) cursors_[cursor.carrier()] = cursor;
    if (batch.counters.has_value()) counters_ = *batch.counters;
    for (uint64_t sequence : batch.awaiting_removed) awaiting_.erase(sequence);
    for (const auto& entry : batch.awaiting_added)
      awaiting_[entry.routing_sequence] = entry.port_id;
    for (const auto& refund : batch.refunds) refunds_[refund.refund().refund_id()] = refund;
    for (const auto& refund_id : batch.outbox_removed) outbox_.erase(refund_id);
    for (const auto& entry : batch.outbox_put) outbox_[entry.refund_id()] = entry;
    for (const auto& entry : batch.journal) journal_[entry.sequence()] = entry;
    return absl::OkStatus();
  }

  absl::StatusOr<std::unique_ptr<StoreSnapshot>> Snapshot() override {
    std::lock_guard lock(mu_);
    return std::make_unique<MemorySnapshot>(numbers_, events_, counters_);
  }

  absl::StatusOr<Counters> CreateCheckpoint(const std::string& dir) override {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot checkpoint into ", dir, ": the in-memory store has nothing on disk"));
  }

  void FailNextCommits(int count) {
    std::lock_guard lock(mu_);
    failures_left_ = std::max(count, 0);
  }

 private:
  template <typename Map>
  static std::optional<typename Map::mapped_type> Find(const Map& map, std::string_view key) {
    auto it = map.find(key);
    if (it == map.end()) return std::nullopt;
    return it->second;
  }

  std::mutex mu_;  // guards every member below
  std::map<std::string, NumberRecord, std::less<>> numbers_;
  std::map<std::string, PortRecord, std::less<>> ports_;
  std::set<std::string> port_index_;           // keys::PortIndexKey
  std::map<std::string, EventRecord> events_;  // keys::EventKey
  std::map<uint64_t, RoutingChange> feed_;
  std::map<std::string, TimerRecord> timers_;  // TimerKey
  std::map<std::string, IdempotencyRecord, std::less<>> idempotency_;
  std::map<std::string, FeedCursor> cursors_;                 // by carrier
  std::map<uint64_t, std::string> awaiting_;                  // routing_sequence -> port_id
  std::map<std::string, RefundRecord, std::less<>> refunds_;  // by refund_id
  std::map<std::string, OutboxRecord, std::less<>> outbox_;   // by refund_id
  std::map<uint64_t, JournalEntry> journal_;
  Counters counters_;
  int failures_left_ = 0;
};

}  // namespace

std::unique_ptr<Store> NewMemoryStore() { return std::make_unique<MemoryStore>(); }

void FailNextCommits(Store& store, int count) {
  auto* memory = dynamic_cast<MemoryStore*>(&store);
  if (memory == nullptr) {
    // Calling this on any other store is a bug in the test, not a condition to handle.
    std::fprintf(stderr, "FailNextCommits: the store does not come from NewMemoryStore\n");
    std::abort();
  }
  memory->FailNextCommits(count);
}

}  // namespace npd::storage
