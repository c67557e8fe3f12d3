// The Store: everything npd persists, behind one interface with two implementations (RocksDB on
// disk and an in-memory map for tests; a PostgreSQL one is planned, see architecture.md). Every
// multi-record change is a single Commit of a WriteSet, so a backend only has to make one call
// atomic and durable.
//
// Thread-safety: every method may be called from any thread. Commit is called by the engine's
// single writer; reads may run concurrently with it and see either all or none of a committed
// WriteSet. Errors: UNAVAILABLE for I/O failures (disk full, read-only), DATA_LOSS for corruption,
// INTERNAL for a record that does not parse. Not-found is an empty optional, not an error.
#ifndef NPD_STORAGE_STORE_H_
#define NPD_STORAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "npd/store/v1/journal.pb.h"
#include "npd/store/v1/records.pb.h"
#include "npd/v1/common.pb.h"
#include "npd/v1/refund.pb.h"

namespace npd::storage {

// An entry of the awaiting-confirmation index: a transaction whose routing change (at
// routing_sequence) is not yet confirmed by every carrier.
struct AwaitingEntry {
  uint64_t routing_sequence = 0;
  std::string port_id;

  bool operator==(const AwaitingEntry&) const = default;
};

// All the records one transition (or one batch of transitions) writes. Later entries of the same
// key in one WriteSet win.
struct WriteSet {
  std::vector<npd::store::v1::NumberRecord> numbers;  // keyed by msisdn
  std::vector<npd::store::v1::PortRecord> ports;  // keyed by port.port_id (also indexed by msisdn)
  std::vector<npd::store::v1::EventRecord> events;  // append; keyed by (msisdn, sequence)
  std::vector<npd::v1::RoutingChange> feed;         // append; keyed by sequence
  std::vector<npd::store::v1::TimerRecord> timers_added;
  std::vector<npd::store::v1::TimerRecord> timers_removed;  // matched by TimerKey
  std::vector<std::pair<std::string, npd::store::v1::IdempotencyRecord>>
      idempotency;                                   // key -> record
  std::vector<npd::store::v1::FeedCursor> cursors;   // keyed by carrier
  std::optional<npd::store::v1::Counters> counters;  // replaces the stored counters
  std::vector<uint64_t> awaiting_removed;            // awaiting index, by routing_sequence
  std::vector<AwaitingEntry> awaiting_added;
  std::vector<npd::store::v1::RefundRecord> refunds;     // keyed by refund.refund_id
  std::vector<npd::store::v1::OutboxRecord> outbox_put;  // keyed by refund_id
  std::vector<std::string> outbox_removed;               // refund ids
  // Feed pruning: when set, every feed entry with sequence < it is deleted in this commit (after
  // the feed entries above are added). The writer records the new first retained sequence in
  // counters.
  std::optional<uint64_t> prune_feed_below;
  std::vector<npd::store::v1::JournalEntry> journal;  // append; keyed by sequence

  bool empty() const;
};

// Filter for ListPorts. Empty fields match everything.
struct PortQuery {
  std::string msisdn;
  std::string carrier;  // donor or recipient
  npd::v1::PortState state = npd::v1::PORT_STATE_UNSPECIFIED;
  std::string after_port_id;  // exclusive start (paging)
  size_t limit = 100;
};

struct PortPage {
  std::vector<npd::store::v1::PortRecord> ports;  // ascending port_id
  // true when matching ports may follow the last one returned: the scan stopped at query.limit with
  // candidates left (they may all fail the filter, so the next page can be empty). false means none
  // do.
  bool more = false;
};

// Filter for ListRefunds. Empty fields match everything.
struct RefundQuery {
  std::string msisdn;
  std::string carrier;  // the donor
  npd::v1::RefundState state = npd::v1::REFUND_STATE_UNSPECIFIED;
  std::string home_province;
  std::string after_refund_id;  // exclusive start (paging)
  size_t limit = 100;
};

struct RefundPage {
  std::vector<npd::store::v1::RefundRecord> refunds;  // ascending refund_id
  bool more = false;                                  // as PortPage::more
};

// The id of the refund case of port `port_id`: the port id with its leading "P" replaced by "R"
// ("P000000000123" -> "R000000000123"). Empty when `port_id` does not start with "P" (no refund
// case can belong to it). Both stores read refund cases by msisdn through this mapping.
std::string RefundIdForPort(std::string_view port_id);

// The index key of a timer: due time (big-endian microseconds), kind, msisdn, port id, generation.
// Two timers with the same key are the same timer.
std::string TimerKey(const npd::store::v1::TimerRecord& timer);

// Receives one stored record of Store::ScanTable.
using TableVisitor = std::function<absl::Status(std::string_view key, std::string_view value)>;

// A consistent read view: everything committed before Store::Snapshot() returned and nothing
// committed after. Thread-compatible (one user at a time); must not outlive its Store. Errors as
// for Store reads.
class StoreSnapshot {
 public:
  virtual ~StoreSnapshot() = default;

  // The counters as of the snapshot (all zero in a new store).
  virtual const npd::store::v1::Counters& counters() const = 0;
  // Number records whose msisdn starts with `prefix` and is greater than `after_msisdn` (empty:
  // from the first), in ascending msisdn, at most `max`. Fewer than `max` means none follow.
  virtual absl::StatusOr<std::vector<npd::store::v1::NumberRecord>> ScanNumbers(
      std::string_view prefix, std::string_view after_msisdn, size_t max) = 0;
  // Calls `visit` with every event of the snapshot, in key order (by msisdn, then sequence; not in
  // global sequence or time order), and returns the first error `visit` returns, without visiting
  // further. This is a full scan of the history: its cost grows with every event ever stored, and
  // there is no index by time. `visit` may call the Store (not this snapshot). The memory store
  // copies its events when the snapshot is taken.
  virtual absl::Status ScanEvents(
      const std::function<absl::Status(const npd::store::v1::EventRecord&)>& visit) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual absl::StatusOr<std::optional<npd::store::v1::NumberRecord>> GetNumber(
      std::string_view msisdn) = 0;
  virtual absl::StatusOr<std::optional<npd::store::v1::PortRecord>> GetPort(
      std::string_view port_id) = 0;
  virtual absl::StatusOr<std::optional<npd::store::v1::IdempotencyRecord>> GetIdempotency(
      std::string_view key) = 0;

  // Matching ports in ascending port_id after query.after_port_id, at most query.limit. With
  // query.msisdn set only that number's ports are scanned; otherwise every port from after_port_id
  // on.
  virtual absl::StatusOr<PortPage> ListPorts(const PortQuery& query) = 0;

  // Feed entries with sequence >= from, ascending, at most max. A pruned `from` (below the first
  // retained sequence) simply yields entries from the first one kept.
  virtual absl::StatusOr<std::vector<npd::v1::RoutingChange>> ReadFeed(uint64_t from,
                                                                       size_t max) = 0;

  // Events of one number with sequence > after_sequence (0: from the first), ascending, at most
  // max. Fewer than max means none follow.
  virtual absl::StatusOr<std::vector<npd::store::v1::EventRecord>> ReadHistory(
      std::string_view msisdn, uint64_t after_sequence, size_t max) = 0;

  // Entries of the awaiting-confirmation index with after < routing_sequence <= up_to, ascending,
  // at most max.
  virtual absl::StatusOr<std::vector<AwaitingEntry>> ReadAwaiting(uint64_t after, uint64_t up_to,
                                                                  size_t max) = 0;

  virtual absl::StatusOr<std::optional<npd::store::v1::RefundRecord>> GetRefund(
      std::string_view refund_id) = 0;
  // Matching refund cases in ascending refund_id after query.after_refund_id, at most query.limit.
  // With query.msisdn set only that number's cases are read (through the ports-by-msisdn index: a
  // case's id is its port's id with "R" for "P"); otherwise every case from after_refund_id on.
  virtual absl::StatusOr<RefundPage> ListRefunds(const RefundQuery& query) = 0;
  // The outbox entry of one case, if any.
  virtual absl::StatusOr<std::optional<npd::store::v1::OutboxRecord>> GetOutbox(
      std::string_view refund_id) = 0;
  // Every outbox entry, in refund_id order. Used once at start-up.
  virtual absl::StatusOr<std::vector<npd::store::v1::OutboxRecord>> LoadOutbox() = 0;

  // Every timer in the index, ascending due time. Used once at start-up.
  virtual absl::StatusOr<std::vector<npd::store::v1::TimerRecord>> LoadTimers() = 0;
  // Journal entries with sequence > after, ascending, at most max.
  virtual absl::StatusOr<std::vector<npd::store::v1::JournalEntry>> ReadJournal(uint64_t after,
                                                                                size_t max) = 0;
  // Visits every record of one table ("numbers", "ports", "ports_by_msisdn", "events", "feed",
  // "timers", "idempotency", "meta", "awaiting", "refunds", "outbox", "journal": the RocksDB
  // column families) in key order, as the stored key and serialised value. Stops at the first
  // error `visit` returns and returns it. For offline verification (daemon/replay), not for the
  // request path: it is a full scan. INVALID_ARGUMENT for an unknown table.
  virtual absl::Status ScanTable(std::string_view table, const TableVisitor& visit) = 0;
  // The counters; all zero in a new store.
  virtual absl::StatusOr<npd::store::v1::Counters> LoadCounters() = 0;
  // Every carrier's confirmed position; empty in a new store.
  virtual absl::StatusOr<std::vector<npd::store::v1::FeedCursor>> LoadCursors() = 0;

  // Writes everything in `batch` atomically and durably (on disk before it returns, for the RocksDB
  // store). On error nothing of the batch is visible. Kinds are applied in this order, a later
  // write of the same key winning: numbers, ports, events, feed, prune_feed_below, timers_removed,
  // timers_added, idempotency, cursors, counters, awaiting_removed, awaiting_added, refunds,
  // outbox_removed, outbox_put; so a timer (or awaiting or outbox entry) both removed and added in
  // one batch ends up present.
  // A port's msisdn must never change (the msisdn index is only ever added to).
  virtual absl::Status Commit(const WriteSet& batch) = 0;

  // A consistent read view of the current state (see StoreSnapshot). Cheap: RocksDB pins a
  // sequence number; the memory store copies its numbers and events. Errors when the counters do
  // not read.
  virtual absl::StatusOr<std::unique_ptr<StoreSnapshot>> Snapshot() = 0;

  // Writes a consistent copy of the whole store, as of one moment, into the new directory `dir`
  // (which must not exist; its parent must) while commits go on, and returns the counters the copy
  // holds (its last event sequence and feed head). The RocksDB store takes a rocksdb::Checkpoint:
  // it flushes the memtables, hard-links the table files (copies them across filesystems) and
  // copies the live write-ahead log, consistently across column families; the copy opens as a
  // store of its own with OpenRocksStore. FAILED_PRECONDITION for a store that cannot (the memory
  // store); ALREADY_EXISTS when `dir` exists; UNAVAILABLE for an I/O error, after which nothing is
  // left at `dir`.
  virtual absl::StatusOr<npd::store::v1::Counters> CreateCheckpoint(const std::string& dir) = 0;
};

// A store in memory, for tests (memory_store.h can make its commits fail).
std::unique_ptr<Store> NewMemoryStore();

}  // namespace npd::storage

#endif  // NPD_STORAGE_STORE_H_
