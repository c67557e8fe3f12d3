// The carrier's local NP database: the routing entries of every ported number, the feed position
// they are consistent with, and a log of every change applied. Stored in SQLite (WAL,
// synchronous=FULL): each feed change, snapshot load or repair is one transaction, so a process
// killed at any moment leaves either the state before or the state after it, and the feed resumes
// at position() + 1 with neither a gap nor a duplicate.
//
// Schema (see README.md):
//   routing_entries(msisdn PK, serving_carrier, range_holder, routing_number, port_id, sequence)
//   meta(key PK, value)                                  -- "position": the applied feed position
//   applied_log(log_id PK autoincrement, kind, sequence, msisdn, serving_carrier, resend_of)
// An entry exists only while serving_carrier != range_holder.
#ifndef NPD_CLIENTS_CARRIER_SIM_LOCAL_NP_DB_H_
#define NPD_CLIENTS_CARRIER_SIM_LOCAL_NP_DB_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <sqlite3.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "npd/v1/common.pb.h"

namespace npd::carrier_sim {

// One row of routing_entries.
struct LocalEntry {
  std::string msisdn;
  std::string serving_carrier;
  std::string range_holder;
  std::string routing_number;
  std::string port_id;
  // Feed sequence of the change that set it; the snapshot's feed_sequence for an entry loaded by a
  // re-sync, the position at the time for an entry set by an audit repair.
  uint64_t sequence = 0;

  npd::v1::RoutingEntry ToRoutingEntry() const;
  bool operator==(const LocalEntry&) const = default;
};

// What an applied_log row records.
enum class LogKind {
  kPorted,    // a feed change that ported the number (or a resend of one)
  kReturned,  // a feed change that gave the number back to its range holder
  kResync,    // a snapshot load: the position was set to `sequence`; msisdn is empty
  kRepair,    // an audit repair of one entry outside the feed; `sequence` is the position then
};
// "PORTED", "RETURNED", "RESYNC", "REPAIR": the text stored in applied_log.kind.
std::string_view LogKindName(LogKind kind);

// One row of applied_log.
struct AppliedLogRow {
  int64_t log_id = 0;
  LogKind kind = LogKind::kPorted;
  uint64_t sequence = 0;
  std::string msisdn;
  // The carrier the change routed to (the range holder for a return; empty for kResync).
  std::string serving_carrier;
  uint64_t resend_of = 0;
};

// Thread-safe: every method takes the connection's lock. Several processes may open the same file
// (SQLite serialises writers; a busy writer waits up to 5 s, then the call fails UNAVAILABLE).
class LocalNpDb {
 public:
  // Opens (creating if needed) the database at `path`. INTERNAL when the file cannot be opened or
  // is not a database of this schema.
  static absl::StatusOr<std::unique_ptr<LocalNpDb>> Open(const std::string& path);
  ~LocalNpDb();
  LocalNpDb(const LocalNpDb&) = delete;
  LocalNpDb& operator=(const LocalNpDb&) = delete;

  // Applies one feed change, atomically with the new position and its applied_log row. The change
  // must be the next one: sequence == position() + 1; otherwise FAILED_PRECONDITION ("gap" or
  // "duplicate") and nothing changes. A resend (resend_of != 0) is applied like any change: it
  // upserts the same routing again. A RETURNED change, or any change whose serving carrier is the
  // range holder, deletes the entry. INVALID_ARGUMENT for a change without sequence, msisdn,
  // serving carrier or range holder.
  absl::Status Apply(const npd::v1::RoutingChange& change);

  // Replaces every entry with `entries` and sets the position to `feed_sequence`, in one
  // transaction, logging a kResync row. Entries whose serving carrier is their range holder are
  // skipped. INVALID_ARGUMENT for an entry without msisdn, or the same msisdn twice.
  absl::Status ReplaceFromSnapshot(uint64_t feed_sequence,
                                   const std::vector<npd::v1::RoutingEntry>& entries);

  // Sets each entry to npd's routing (deleting it when serving carrier == range holder), in one
  // transaction, logging a kRepair row each. The position does not change.
  absl::Status Repair(const std::vector<npd::v1::RoutingEntry>& correct);

  // The applied feed position (0 for a new database).
  absl::StatusOr<uint64_t> Position();
  // Entries whose msisdn starts with `prefix`, ascending by msisdn.
  absl::StatusOr<std::vector<LocalEntry>> Entries(std::string_view prefix = "");
  // The whole applied_log, oldest first.
  absl::StatusOr<std::vector<AppliedLogRow>> AppliedLog();

 private:
  explicit LocalNpDb(sqlite3* db) : db_(db) {}
  absl::StatusOr<uint64_t> PositionLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status SetPositionLocked(uint64_t position) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status LogLocked(LogKind kind, uint64_t sequence, std::string_view msisdn,
                         std::string_view serving_carrier, uint64_t resend_of)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status PutLocked(const npd::v1::RoutingEntry& entry, uint64_t sequence)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs `body` between BEGIN IMMEDIATE and COMMIT; rolls back when it fails.
  template <typename Body>
  absl::Status InTransaction(Body body) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  sqlite3* db_ ABSL_GUARDED_BY(mu_);
};

// Checks the gap-and-duplicate rule over an applied_log: every kPorted/kReturned row has sequence
// == the previous such row's sequence + 1, where a kResync row sets "previous" to its sequence and
// the first row follows 0. kRepair rows are not feed changes and are skipped. Returns OK, or
// FAILED_PRECONDITION naming the first offending row.
absl::Status VerifyAppliedLog(const std::vector<AppliedLogRow>& log);

}  // namespace npd::carrier_sim

#endif  // NPD_CLIENTS_CARRIER_SIM_LOCAL_NP_DB_H_
