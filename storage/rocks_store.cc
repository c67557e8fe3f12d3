#include "storage/rocks_store.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/slice.h"
#include "rocksdb/snapshot.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"
#include "storage/keys.h"
#include "storage/port_filter.h"
#include "storage/refund_filter.h"
#include "storage/rocks_status.h"
#include "storage/rocks_store_testing.h"

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

// Column families, one per record kind. The layout is in storage/README.md; keys are built by
// keys.h. Open creates any that a data dir written by an older npd lacks (refunds, outbox,
// journal).
enum Cf : size_t {
  kNumbers,        // msisdn -> NumberRecord
  kPorts,          // port_id -> PortRecord
  kPortsByMsisdn,  // msisdn '\0' port_id -> empty
  kEvents,         // msisdn '\0' sequence(8 BE) -> EventRecord
  kFeed,           // sequence(8 BE) -> RoutingChange
  kTimers,         // TimerKey -> TimerRecord
  kIdempotency,    // key -> IdempotencyRecord
  kMeta,           // "counters" -> Counters; "cursor/<carrier>" -> FeedCursor
  kAwaiting,       // routing_sequence(8 BE) -> port_id
  kRefunds,        // refund_id -> RefundRecord
  kOutbox,         // refund_id -> OutboxRecord
  kJournal,        // sequence(8 BE) -> JournalEntry
  kCfCount,
};

constexpr std::array<std::string_view, kCfCount> kCfNames = {
    "numbers",     "ports", "ports_by_msisdn", "events",  "feed",   "timers",
    "idempotency", "meta",  "awaiting",        "refunds", "outbox", "journal"};

// Column families read by exact key get a bloom filter; the others are only scanned.
bool HasPointLookups(Cf cf) {
  return cf == kNumbers || cf == kPorts || cf == kIdempotency || cf == kRefunds;
}

rocksdb::ColumnFamilyOptions CfOptions(Cf cf, const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  // Partitioned index and filters: a table of millions of numbers has a filter of megabytes, larger
  // than one shard of the block cache, so unpartitioned it was never kept and every point read
  // loaded it again (10M numbers, 64 MB cache: 545 lookups/s at 3 ms of CPU each). Partitions of
  // metadata_block_size are cached like data blocks; only the small top level is pinned.
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.metadata_block_size = 4096;
  table.pin_top_level_index_and_filter = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  if (HasPointLookups(cf)) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.partition_filters = true;
  }
  rocksdb::ColumnFamilyOptions options;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Records are small and writes frequent: modest memtables, level compaction with dynamic level
  // sizes.
  options.write_buffer_size = 16u << 20;
  options.level_compaction_dynamic_level_bytes = true;
  return options;
}

rocksdb::DBOptions DbOptions(int max_open_files) {
  rocksdb::DBOptions options;
  options.max_open_files = max_open_files;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.max_background_jobs = 2;
  options.bytes_per_sync = 1u << 20;
  // Bounds recovery time: column families with old data in the WAL are flushed past this size.
  options.max_total_wal_size = 256u << 20;
  options.keep_log_file_num = 5;
  options.max_log_file_size = 16u << 20;
  return options;
}

template <typename Record>
absl::StatusOr<Record> ParseRecord(Cf cf, std::string_view key, std::string_view bytes) {
  Record record;
  if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InternalError(absl::StrCat("storage: cannot parse ", Record::descriptor()->name(),
                                            " in column family ", keys::ToAbsl(kCfNames[cf]),
                                            " at key ", keys::Describe(key)));
  }
  return record;
}

std::string_view View(const rocksdb::Slice& slice) { return {slice.data(), slice.size()}; }

// A pinned RocksDB snapshot; every read goes through ReadOptions.snapshot. Released on destruction.
class RocksSnapshot final : public StoreSnapshot {
 public:
  RocksSnapshot(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* numbers,
                rocksdb::ColumnFamilyHandle* events, rocksdb::ColumnFamilyHandle* meta)
      : db_(db), numbers_(numbers), events_(events), meta_(meta), snapshot_(db->GetSnapshot()) {
    read_options_.snapshot = snapshot_;
  }
  ~RocksSnapshot() override { db_->ReleaseSnapshot(snapshot_); }

  // Reads the counters through the snapshot; called once by RocksStore::Snapshot.
  absl::Status LoadCounters() {
    rocksdb::PinnableSlice value;
    rocksdb::Status status = db_->Get(read_options_, meta_, keys::kCounters, &value);
    if (status.IsNotFound()) return absl::OkStatus();
    if (!status.ok()) return FromRocksStatus(status, "read meta counters");
    auto counters = ParseRecord<Counters>(kMeta, keys::kCounters, View(value));
    if (!counters.ok()) return counters.status();
    counters_ = std::move(*counters);
    return absl::OkStatus();
  }

  const Counters& counters() const override { return counters_; }

  absl::StatusOr<std::vector<NumberRecord>> ScanNumbers(std::string_view prefix,
                                                        std::string_view after_msisdn,
                                                        size_t max) override {
    std::vector<NumberRecord> out;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options_, numbers_));
    const bool after = !after_msisdn.empty() && after_msisdn >= prefix;
    it->Seek(after ? after_msisdn : prefix);
    if (after && it->Valid() && View(it->key()) == after_msisdn) it->Next();
    for (; it->Valid() && out.size() < max; it->Next()) {
      const std::string_view key = View(it->key());
      if (!key.starts_with(prefix)) break;
      auto record = ParseRecord<NumberRecord>(kNumbers, key, View(it->value()));
      if (!record.ok()) return record.status();
      out.push_back(std::move(*record));
    }
    absl::Status status = FromRocksStatus(it->status(), "scan numbers");
    if (!status.ok()) return status;
    return out;
  }

  absl::Status ScanEvents(const std::function<absl::Status(const EventRecord&)>& visit) override {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options_, events_));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto event = ParseRecord<EventRecord>(kEvents, View(it->key()), View(it->value()));
      if (!event.ok()) return event.status();
      if (absl::Status s = visit(*event); !s.ok()) return s;
    }
    return FromRocksStatus(it->status(), "scan events");
  }

 private:
  rocksdb::DB* const db_;
  rocksdb::ColumnFamilyHandle* const numbers_;
  rocksdb::ColumnFamilyHandle* const events_;
  rocksdb::ColumnFamilyHandle* const meta_;
  const rocksdb::Snapshot* const snapshot_;
  rocksdb::ReadOptions read_options_;
  Counters counters_;
};

// Thread-safe because rocksdb::DB is: point reads go straight to the DB, scans read one iterator's
// implicit snapshot, ListPorts by msisdn reads an explicit snapshot, and Commit is one WriteBatch.
class RocksStore final : public Store {
 public:
  static absl::StatusOr<std::unique_ptr<Store>> Open(const RocksOptions& options);

  ~RocksStore() override {
    for (rocksdb::ColumnFamilyHandle* handle : all_handles_) {
      db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
    db_->Close().PermitUncheckedError();
  }

  absl::StatusOr<std::optional<NumberRecord>> GetNumber(std::string_view msisdn) override {
    return GetRecord<NumberRecord>(kNumbers, msisdn, rocksdb::ReadOptions());
  }

  absl::StatusOr<std::optional<PortRecord>> GetPort(std::string_view port_id) override {
    return GetRecord<PortRecord>(kPorts, port_id, rocksdb::ReadOptions());
  }

  absl::StatusOr<std::optional<IdempotencyRecord>> GetIdempotency(std::string_view key) override {
    return GetRecord<IdempotencyRecord>(kIdempotency, key, rocksdb::ReadOptions());
  }

  absl::StatusOr<PortPage> ListPorts(const PortQuery& query) override;

  absl::StatusOr<std::vector<RoutingChange>> ReadFeed(uint64_t from, size_t max) override {
    std::vector<RoutingChange> out;
    absl::Status status = Scan<RoutingChange>(kFeed, keys::BigEndian64(from), "", max, out);
    if (!status.ok()) return status;
    return out;
  }

  absl::StatusOr<std::vector<EventRecord>> ReadHistory(std::string_view msisdn,
                                                       uint64_t after_sequence,
                                                       size_t max) override {
    std::vector<EventRecord> out;
    if (after_sequence == UINT64_MAX) return out;
    const std::string prefix = keys::EventPrefix(msisdn);
    absl::Status status =
        Scan<EventRecord>(kEvents, keys::EventKey(msisdn, after_sequence + 1), prefix, max, out);
    if (!status.ok()) return status;
    return out;
  }

  absl::StatusOr<std::optional<RefundRecord>> GetRefund(std::string_view refund_id) override {
    return GetRecord<RefundRecord>(kRefunds, refund_id, rocksdb::ReadOptions());
  }

  absl::StatusOr<RefundPage> ListRefunds(const RefundQuery& query) override;

  absl::StatusOr<std::optional<OutboxRecord>> GetOutbox(std::string_view refund_id) override {
    return GetRecord<OutboxRecord>(kOutbox, refund_id, rocksdb::ReadOptions());
  }

  absl::StatusOr<std::vector<OutboxRecord>> LoadOutbox() override {
    std::vector<OutboxRecord> out;
    absl::Status status = Scan<OutboxRecord>(kOutbox, "", "", SIZE_MAX, out);
    if (!status.ok()) return status;
    return out;
  }

  absl::StatusOr<std::vector<JournalEntry>> ReadJournal(uint64_t after, size_t max) override {
    std::vector<JournalEntry> out;
    absl::Status status = Scan<JournalEntry>(kJournal, keys::BigEndian64(after + 1), "", max, out);
    if (!status.ok()) return status;
    return out;
  }

  absl::Status ScanTable(std::string_view table, const TableVisitor& visit) override {
    const auto found = std::find(kCfNames.begin(), kCfNames.end(), table);
    if (found == kCfNames.end()) {
      return absl::InvalidArgumentError(absl::StrCat("storage: no table ", keys::ToAbsl(table)));
    }
    const Cf cf = static_cast<Cf>(found - kCfNames.begin());
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[cf]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (absl::Status s = visit(View(it->key()), View(it->value())); !s.ok()) return s;
    }
    return FromRocksStatus(it->status(), absl::StrCat("scan ", keys::ToAbsl(table)));
  }

  absl::StatusOr<std::vector<TimerRecord>> LoadTimers() override {
    std::vector<TimerRecord> out;
    absl::Status status = Scan<TimerRecord>(kTimers, "", "", SIZE_MAX, out);
    if (!status.ok()) return status;
    return out;
  }

  absl::StatusOr<Counters> LoadCounters() override {
    auto counters = GetRecord<Counters>(kMeta, keys::kCounters, rocksdb::ReadOptions());
    if (!counters.ok()) return counters.status();
    return counters->value_or(Counters());
  }

  absl::StatusOr<std::vector<FeedCursor>> LoadCursors() override {
    std::vector<FeedCursor> out;
    absl::Status status =
        Scan<FeedCursor>(kMeta, keys::kCursorPrefix, keys::kCursorPrefix, SIZE_MAX, out);
    if (!status.ok()) return status;
    return out;
  }

  absl::StatusOr<std::vector<AwaitingEntry>> ReadAwaiting(uint64_t after, uint64_t up_to,
                                                          size_t max) override {
    std::vector<AwaitingEntry> out;
    if (after >= up_to) return out;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), handles_[kAwaiting]));
    for (it->Seek(keys::BigEndian64(after + 1)); it->Valid() && out.size() < max; it->Next()) {
      const std::string_view key = View(it->key());
      if (key.size() != 8) {
        return absl::InternalError(
            absl::StrCat("storage: bad key in awaiting: ", keys::Describe(key)));
      }
      const uint64_t sequence = keys::ReadBigEndian64(key);
      if (sequence > up_to) break;
      out.push_back(AwaitingEntry{sequence, std::string(View(it->value()))});
    }
    absl::Status status = FromRocksStatus(it->status(), "scan awaiting");
    if (!status.ok()) return status;
    return out;
  }

  absl::Status Commit(const WriteSet& batch) override;

  absl::StatusOr<std::unique_ptr<StoreSnapshot>> Snapshot() override {
    auto snapshot = std::make_unique<RocksSnapshot>(db_.get(), handles_[kNumbers],
                                                    handles_[kEvents], handles_[kMeta]);
    if (absl::Status s = snapshot->LoadCounters(); !s.ok()) return s;
    return std::unique_ptr<StoreSnapshot>(std::move(snapshot));
  }

  absl::StatusOr<Counters> CreateCheckpoint(const std::string& dir) override;

  // For PutRawForTesting: `value` under `key` in the named column family, bypassing serialisation.
  absl::Status PutRaw(std::string_view column_family, std::string_view key,
                      std::string_view value) {
    for (size_t cf = 0; cf < kCfCount; ++cf) {
      if (kCfNames[cf] != column_family) continue;
      rocksdb::WriteOptions options;
      options.sync = true;
      return FromRocksStatus(
          db_->Put(options, handles_[cf], key, value),
          absl::StrCat("put raw ", keys::ToAbsl(column_family), " ", keys::Describe(key)));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("unknown column family ", keys::ToAbsl(column_family)));
  }

 private:
  RocksStore(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> all_handles,
             std::array<rocksdb::ColumnFamilyHandle*, kCfCount> handles,
             std::shared_ptr<rocksdb::Cache> cache, bool sync_writes)
      : db_(std::move(db)),
        all_handles_(std::move(all_handles)),
        handles_(handles),
        cache_(std::move(cache)) {
    write_options_.sync = sync_writes;
  }

  // The record at `key`, nullopt when absent.
  template <typename Record>
  absl::StatusOr<std::optional<Record>> GetRecord(Cf cf, std::string_view key,
                                                  const rocksdb::ReadOptions& read_options) {
    rocksdb::PinnableSlice value;
    rocksdb::Status status = db_->Get(read_options, handles_[cf], key, &value);
    if (status.IsNotFound()) return std::nullopt;
    if (!status.ok()) {
      return FromRocksStatus(
          status, absl::StrCat("read ", keys::ToAbsl(kCfNames[cf]), " ", keys::Describe(key)));
    }
    auto record = ParseRecord<Record>(cf, key, View(value));
    if (!record.ok()) return record.status();
    return std::move(*record);
  }

  // Appends to `out` the records from `start` on whose keys begin with `prefix`, in key order, at
  // most `max`. An iterator reads one consistent snapshot.
  template <typename Record>
  absl::Status Scan(Cf cf, std::string_view start, std::string_view prefix, size_t max,
                    std::vector<Record>& out) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[cf]));
    for (it->Seek(start); it->Valid() && out.size() < max; it->Next()) {
      const std::string_view key = View(it->key());
      if (!key.starts_with(prefix)) break;
      auto record = ParseRecord<Record>(cf, key, View(it->value()));
      if (!record.ok()) return record.status();
      out.push_back(std::move(*record));
    }
    return FromRocksStatus(it->status(), absl::StrCat("scan ", keys::ToAbsl(kCfNames[cf])));
  }

  std::unique_ptr<rocksdb::DB> db_;
  // Every handle Open returned (ours, "default", and any column family a later version added);
  // destroyed before the DB closes.
  std::vector<rocksdb::ColumnFamilyHandle*> all_handles_;
  std::array<rocksdb::ColumnFamilyHandle*, kCfCount> handles_;  // indexed by Cf
  std::shared_ptr<rocksdb::Cache> cache_;                       // shared by every column family
  rocksdb::WriteOptions write_options_;
};

absl::StatusOr<std::unique_ptr<Store>> RocksStore::Open(const RocksOptions& options) {
  if (options.path.empty())
    return absl::InvalidArgumentError("storage: RocksOptions.path is empty");
  std::error_code error;
  std::filesystem::create_directories(options.path, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("storage: cannot create data dir ", options.path, ": ", error.message()));
  }

  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (size_t cf = 0; cf < kCfCount; ++cf) {
    descriptors.emplace_back(std::string(kCfNames[cf]), CfOptions(static_cast<Cf>(cf), cache));
  }
  // RocksDB refuses to open a database without naming all of its column families: add "default" and
  // any this version does not know (written by a newer npd), with default options.
  const rocksdb::DBOptions db_options = DbOptions(options.max_open_files);
  std::vector<std::string> existing;
  std::set<std::string> names(kCfNames.begin(), kCfNames.end());
  // Fails when the database does not exist yet; DB::Open reports any real problem.
  rocksdb::DB::ListColumnFamilies(db_options, options.path, &existing).PermitUncheckedError();
  existing.push_back(rocksdb::kDefaultColumnFamilyName);
  for (const std::string& name : existing) {
    if (names.insert(name).second) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }

  std::vector<rocksdb::ColumnFamilyHandle*> all_handles;
  rocksdb::DB* raw = nullptr;
  absl::Status status =
      FromRocksStatus(rocksdb::DB::Open(db_options, options.path, descriptors, &all_handles, &raw),
                      absl::StrCat("open ", options.path));
  if (!status.ok()) return status;
  std::array<rocksdb::ColumnFamilyHandle*, kCfCount> handles;
  for (size_t cf = 0; cf < kCfCount; ++cf) handles[cf] = all_handles[cf];
  return std::unique_ptr<Store>(new RocksStore(std::unique_ptr<rocksdb::DB>(raw),
                                               std::move(all_handles), handles, std::move(cache),
                                               options.sync_writes));
}

// Candidates in port_id order come from the msisdn index when a number is given, else from the
// ports column family; one snapshot serves the index scan and the port reads, so a concurrent
// Commit is seen whole or not at all.
absl::StatusOr<PortPage> RocksStore::ListPorts(const PortQuery& query) {
  rocksdb::ManagedSnapshot snapshot(db_.get());
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot.snapshot();

  const bool by_msisdn = !query.msisdn.empty();
  const Cf cf = by_msisdn ? kPortsByMsisdn : kPorts;
  const std::string prefix = by_msisdn ? keys::PortIndexPrefix(query.msisdn) : "";
  const std::string start =
      by_msisdn ? keys::PortIndexKey(query.msisdn, query.after_port_id) : query.after_port_id;

  PortPage page;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, handles_[cf]));
  it->Seek(start);
  if (it->Valid() && View(it->key()) == start) it->Next();  // after_port_id is exclusive
  for (; it->Valid(); it->Next()) {
    const std::string_view key = View(it->key());
    if (!key.starts_with(prefix)) break;
    if (page.ports.size() >= query.limit) {
      page.more = true;
      break;
    }
    std::optional<PortRecord> port;
    if (by_msisdn) {
      auto stored = GetRecord<PortRecord>(kPorts, key.substr(prefix.size()), read_options);
      if (!stored.ok()) return stored.status();
      port = std::move(*stored);
    } else {
      auto parsed = ParseRecord<PortRecord>(kPorts, key, View(it->value()));
      if (!parsed.ok()) return parsed.status();
      port = std::move(*parsed);
    }
    if (port.has_value() && PortMatches(query, *port)) page.ports.push_back(std::move(*port));
  }
  absl::Status status =
      FromRocksStatus(it->status(), absl::StrCat("scan ", keys::ToAbsl(kCfNames[cf])));
  if (!status.ok()) return status;
  return page;
}

// Candidates are stored cases in refund_id order: with a number, the cases of its ports (the msisdn
// index, mapped by RefundIdForPort, keeps port_id order, hence refund_id order), each read by key;
// else the refunds column family from after_refund_id on. One snapshot serves the index scan and
// the case reads. `more` is true when the page is full and another stored case follows.
absl::StatusOr<RefundPage> RocksStore::ListRefunds(const RefundQuery& query) {
  rocksdb::ManagedSnapshot snapshot(db_.get());
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot.snapshot();

  RefundPage page;
  // Called with a candidate in hand: true (and `more` set) when it does not fit on the page.
  auto page_full = [&] {
    if (page.refunds.size() < query.limit) return false;
    page.more = true;
    return true;
  };

  const bool by_msisdn = !query.msisdn.empty();
  const Cf cf = by_msisdn ? kPortsByMsisdn : kRefunds;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, handles_[cf]));
  if (by_msisdn) {
    // A number has few ports, so its whole index range is read and ids up to after_refund_id
    // skipped.
    const std::string prefix = keys::PortIndexPrefix(query.msisdn);
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      const std::string_view key = View(it->key());
      if (!key.starts_with(prefix)) break;
      const std::string refund_id = RefundIdForPort(key.substr(prefix.size()));
      if (refund_id.empty() || refund_id <= query.after_refund_id) continue;
      auto refund = GetRecord<RefundRecord>(kRefunds, refund_id, read_options);
      if (!refund.ok()) return refund.status();
      if (!refund->has_value()) continue;  // that port has no refund case
      if (page_full()) break;
      if (RefundMatches(query, **refund)) page.refunds.push_back(std::move(**refund));
    }
  } else {
    it->Seek(query.after_refund_id);
    if (it->Valid() && View(it->key()) == query.after_refund_id) it->Next();  // exclusive
    for (; it->Valid(); it->Next()) {
      if (page_full()) break;
      auto refund = ParseRecord<RefundRecord>(kRefunds, View(it->key()), View(it->value()));
      if (!refund.ok()) return refund.status();
      if (RefundMatches(query, *refund)) page.refunds.push_back(std::move(*refund));
    }
  }
  absl::Status status =
      FromRocksStatus(it->status(), absl::StrCat("scan ", keys::ToAbsl(kCfNames[cf])));
  if (!status.ok()) return status;
  return page;
}

// One WriteBatch over every column family, written with sync = RocksOptions.sync_writes. Puts are
// applied in this order, and a later put or delete of the same key wins: numbers, ports (+ msisdn
// index), events, feed, feed pruning (one DeleteRange), timers_removed, timers_added, idempotency,
// cursors, counters, awaiting_removed, awaiting_added, refunds, outbox_removed, outbox_put,
// journal. So a timer (or awaiting or outbox entry) that is both removed and added in one WriteSet
// ends up present. An empty WriteSet writes nothing.
absl::Status RocksStore::Commit(const WriteSet& batch) {
  if (batch.empty()) return absl::OkStatus();
  rocksdb::WriteBatch wb;
  rocksdb::Status status;
  auto put = [&](Cf cf, std::string_view key, std::string_view value) {
    if (status.ok()) status = wb.Put(handles_[cf], key, value);
  };
  for (const auto& number : batch.numbers) {
    put(kNumbers, number.msisdn(), number.SerializeAsString());
  }
  for (const auto& port : batch.ports) {
    put(kPorts, port.port().port_id(), port.SerializeAsString());
    put(kPortsByMsisdn, keys::PortIndexKey(port.port().msisdn(), port.port().port_id()), "");
  }
  for (const auto& event : batch.events) {
    put(kEvents, keys::EventKey(event.msisdn(), event.sequence()), event.SerializeAsString());
  }
  for (const auto& change : batch.feed) {
    put(kFeed, keys::BigEndian64(change.sequence()), change.SerializeAsString());
  }
  if (batch.prune_feed_below.has_value() && status.ok()) {
    status = wb.DeleteRange(handles_[kFeed], keys::BigEndian64(0),
                            keys::BigEndian64(*batch.prune_feed_below));
  }
  for (const auto& timer : batch.timers_removed) {
    if (status.ok()) status = wb.Delete(handles_[kTimers], TimerKey(timer));
  }
  for (const auto& timer : batch.timers_added)
    put(kTimers, TimerKey(timer), timer.SerializeAsString());
  for (const auto& [key, record] : batch.idempotency) {
    put(kIdempotency, key, record.SerializeAsString());
  }
  for (const auto& cursor : batch.cursors) {
    put(kMeta, keys::CursorKey(cursor.carrier()), cursor.SerializeAsString());
  }
  if (batch.counters.has_value()) put(kMeta, keys::kCounters, batch.counters->SerializeAsString());
  for (uint64_t sequence : batch.awaiting_removed) {
    if (status.ok()) status = wb.Delete(handles_[kAwaiting], keys::BigEndian64(sequence));
  }
  for (const auto& entry : batch.awaiting_added) {
    put(kAwaiting, keys::BigEndian64(entry.routing_sequence), entry.port_id);
  }
  for (const auto& refund : batch.refunds) {
    put(kRefunds, refund.refund().refund_id(), refund.SerializeAsString());
  }
  for (const auto& refund_id : batch.outbox_removed) {
    if (status.ok()) status = wb.Delete(handles_[kOutbox], refund_id);
  }
  for (const auto& entry : batch.outbox_put) {
    put(kOutbox, entry.refund_id(), entry.SerializeAsString());
  }
  for (const auto& entry : batch.journal) {
    put(kJournal, keys::BigEndian64(entry.sequence()), entry.SerializeAsString());
  }
  if (!status.ok()) return FromRocksStatus(status, "build commit batch");
  return FromRocksStatus(db_->Write(write_options_, &wb), "commit");
}

// The counters of the database at `path`, opened read-only with every column family it has (a
// read-only open replays the write-ahead log into memory and writes nothing).
absl::StatusOr<Counters> ReadCounters(const std::string& path) {
  rocksdb::DBOptions options;
  std::vector<std::string> names;
  absl::Status status = FromRocksStatus(rocksdb::DB::ListColumnFamilies(options, path, &names),
                                        absl::StrCat("list ", path));
  if (!status.ok()) return status;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names)
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  status = FromRocksStatus(rocksdb::DB::OpenForReadOnly(options, path, descriptors, &handles, &raw),
                           absl::StrCat("open ", path, " read-only"));
  if (!status.ok()) return status;
  std::unique_ptr<rocksdb::DB> db(raw);
  absl::StatusOr<Counters> counters = Counters();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] != kCfNames[kMeta]) continue;
    rocksdb::PinnableSlice value;
    rocksdb::Status read = db->Get(rocksdb::ReadOptions(), handles[i], keys::kCounters, &value);
    if (read.ok()) {
      counters = ParseRecord<Counters>(kMeta, keys::kCounters, View(value));
    } else if (!read.IsNotFound()) {
      counters = FromRocksStatus(read, absl::StrCat("read counters of ", path));
    }
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  db->Close().PermitUncheckedError();
  return counters;
}

// rocksdb::Checkpoint with a flush first (log_size_for_flush = 0), so the table files hold nearly
// everything and the copied WAL only what was committed during the flush; the checkpoint covers
// every column family as of one sequence number. The counters are then read back from the copy
// itself, so they are exactly what it holds, whatever the writer committed meanwhile.
absl::StatusOr<Counters> RocksStore::CreateCheckpoint(const std::string& dir) {
  const std::filesystem::path path(dir);
  std::error_code error;
  if (std::filesystem::exists(path, error)) {
    return absl::AlreadyExistsError(absl::StrCat("checkpoint directory ", dir, " already exists"));
  }
  if (!std::filesystem::is_directory(path.parent_path(), error)) {
    return absl::FailedPreconditionError(absl::StrCat("the parent of checkpoint directory ", dir,
                                                      " does not exist or is not a directory"));
  }
  rocksdb::Checkpoint* raw = nullptr;
  absl::Status status =
      FromRocksStatus(rocksdb::Checkpoint::Create(db_.get(), &raw), "create checkpoint");
  if (!status.ok()) return status;
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // On failure RocksDB removes what it staged; `dir` is only created (renamed into place) last.
  status = FromRocksStatus(checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0),
                           absl::StrCat("checkpoint into ", dir));
  if (!status.ok()) return status;
  absl::StatusOr<Counters> counters = ReadCounters(dir);
  if (!counters.ok()) std::filesystem::remove_all(path, error);
  return counters;
}

}  // namespace

std::string DatabaseDirOf(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "db").string();
}

absl::StatusOr<std::unique_ptr<Store>> OpenRocksStore(const RocksOptions& options) {
  return RocksStore::Open(options);
}

absl::Status PutRawForTesting(Store& store, std::string_view column_family, std::string_view key,
                              std::string_view value) {
  auto* rocks = dynamic_cast<RocksStore*>(&store);
  if (rocks == nullptr) return absl::InvalidArgumentError("not a store from OpenRocksStore");
  return rocks->PutRaw(column_family, key, value);
}

}  // namespace npd::storage
