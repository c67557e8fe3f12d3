#include "clients/carrier_sim/local_np_db.h"

#include <set>
#include <utility>

#include "clients/carrier_sim/sqlite_statement.h"

namespace npd::carrier_sim {
namespace {

// Applied on every open. synchronous=FULL makes each COMMIT durable before it returns, WAL lets an
// audit or dump read while the follower writes.
constexpr char kSetup[] = R"sql(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
CREATE TABLE IF NOT EXISTS routing_entries (
  msisdn          TEXT PRIMARY KEY,
  serving_carrier TEXT NOT NULL,
  range_holder    TEXT NOT NULL,
  routing_number  TEXT NOT NULL DEFAULT '',
  port_id         TEXT NOT NULL DEFAULT '',
  sequence        INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta(key, value) VALUES ('position', 0), ('schema_version', 1);
CREATE TABLE IF NOT EXISTS applied_log (
  log_id          INTEGER PRIMARY KEY AUTOINCREMENT,
  kind            TEXT NOT NULL,
  sequence        INTEGER NOT NULL,
  msisdn          TEXT NOT NULL,
  serving_carrier TEXT NOT NULL,
  resend_of       INTEGER NOT NULL DEFAULT 0
);
)sql";

constexpr int kBusyTimeoutMs = 5000;

absl::StatusOr<LogKind> ParseLogKind(std::string_view text) {
  for (LogKind kind : {LogKind::kPorted, LogKind::kReturned, LogKind::kResync, LogKind::kRepair}) {
    if (LogKindName(kind) == text) return kind;
  }
  return absl::InternalError("applied_log holds an unknown kind: " + std::string(text));
}

absl::Status ValidEntry(const npd::v1::RoutingEntry& entry) {
  if (entry.msisdn().empty() || entry.serving_carrier().empty() || entry.range_holder().empty()) {
    return absl::InvalidArgumentError(
        "routing entry without msisdn, serving carrier or range "
        "holder: '" +
        entry.msisdn() + "'");
  }
  return absl::OkStatus();
}

}  // namespace

npd::v1::RoutingEntry LocalEntry::ToRoutingEntry() const {
  npd::v1::RoutingEntry entry;
  entry.set_msisdn(msisdn);
  entry.set_serving_carrier(serving_carrier);
  entry.set_range_holder(range_holder);
  entry.set_routing_number(routing_number);
  entry.set_port_id(port_id);
  return entry;
}

std::string_view LogKindName(LogKind kind) {
  switch (kind) {
    case LogKind::kPorted:
      return "PORTED";
    case LogKind::kReturned:
      return "RETURNED";
    case LogKind::kResync:
      return "RESYNC";
    case LogKind::kRepair:
      return "REPAIR";
  }
  return "?";
}

absl::StatusOr<std::unique_ptr<LocalNpDb>> LocalNpDb::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int code =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (code != SQLITE_OK) {
    const std::string message =
        "cannot open " + path + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code));
    sqlite3_close(db);
    return absl::InternalError(message);
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  if (absl::Status setup = Exec(db, kSetup); !setup.ok()) {
    sqlite3_close(db);
    return absl::InternalError("cannot set up " + path + ": " + std::string(setup.message()));
  }
  return std::unique_ptr<LocalNpDb>(new LocalNpDb(db));
}

LocalNpDb::~LocalNpDb() {
  absl::MutexLock lock(&mu_);
  sqlite3_close(db_);
}

template <typename Body>
absl::Status LocalNpDb::InTransaction(Body body) {
  if (absl::Status begin = Exec(db_, "BEGIN IMMEDIATE"); !begin.ok()) return begin;
  absl::Status status = body();
  if (status.ok()) status = Exec(db_, "COMMIT");
  if (!status.ok()) Exec(db_, "ROLLBACK").IgnoreError();
  return status;
}

absl::Status LocalNpDb::Apply(const npd::v1::RoutingChange& change) {
  if (change.sequence() == 0 || change.msisdn().empty() || change.serving_carrier().empty() ||
      change.range_holder().empty()) {
    return absl::InvalidArgumentError("incomplete routing change #" +
                                      std::to_string(change.sequence()));
  }
  const bool returned = change.kind() == npd::v1::ROUTING_CHANGE_KIND_RETURNED ||
                        change.serving_carrier() == change.range_holder();
  absl::MutexLock lock(&mu_);
  return InTransaction([&]() -> absl::Status {
    absl::StatusOr<uint64_t> position = PositionLocked();
    if (!position.ok()) return position.status();
    if (change.sequence() != *position + 1) {
      return absl::FailedPreconditionError(
          std::string(change.sequence() <= *position ? "duplicate" : "gap") + ": change #" +
          std::to_string(change.sequence()) + " but the database is at position " +
          std::to_string(*position));
    }
    if (returned) {
      Statement erase(db_, "DELETE FROM routing_entries WHERE msisdn = ?");
      if (absl::Status s = erase.Bind(1, change.msisdn()).Run(); !s.ok()) return s;
    } else {
      npd::v1::RoutingEntry entry;
      entry.set_msisdn(change.msisdn());
      entry.set_serving_carrier(change.serving_carrier());
      entry.set_range_holder(change.range_holder());
      entry.set_routing_number(change.routing_number());
      entry.set_port_id(change.port_id());
      if (absl::Status s = PutLocked(entry, change.sequence()); !s.ok()) return s;
    }
    if (absl::Status s =
            LogLocked(returned ? LogKind::kReturned : LogKind::kPorted, change.sequence(),
                      change.msisdn(), change.serving_carrier(), change.resend_of());
        !s.ok()) {
      return s;
    }
    return SetPositionLocked(change.sequence());
  });
}

absl::Status LocalNpDb::ReplaceFromSnapshot(uint64_t feed_sequence,
                                            const std::vector<npd::v1::RoutingEntry>& entries) {
  std::set<std::string> seen;
  for (const auto& entry : entries) {
    if (absl::Status s = ValidEntry(entry); !s.ok()) return s;
    if (!seen.insert(entry.msisdn()).second) {
      return absl::InvalidArgumentError("snapshot holds " + entry.msisdn() + " twice");
    }
  }
  absl::MutexLock lock(&mu_);
  return InTransaction([&]() -> absl::Status {
    if (absl::Status s = Exec(db_, "DELETE FROM routing_entries"); !s.ok()) return s;
    for (const auto& entry : entries) {
      if (entry.serving_carrier() == entry.range_holder()) continue;
      if (absl::Status s = PutLocked(entry, feed_sequence); !s.ok()) return s;
    }
    if (absl::Status s = LogLocked(LogKind::kResync, feed_sequence, "", "", 0); !s.ok()) return s;
    return SetPositionLocked(feed_sequence);
  });
}

absl::Status LocalNpDb::Repair(const std::vector<npd::v1::RoutingEntry>& correct) {
  for (const auto& entry : correct) {
    if (absl::Status s = ValidEntry(entry); !s.ok()) return s;
  }
  absl::MutexLock lock(&mu_);
  return InTransaction([&]() -> absl::Status {
    absl::StatusOr<uint64_t> position = PositionLocked();
    if (!position.ok()) return position.status();
    for (const auto& entry : correct) {
      if (entry.serving_carrier() == entry.range_holder()) {
        Statement erase(db_, "DELETE FROM routing_entries WHERE msisdn = ?");
        if (absl::Status s = erase.Bind(1, entry.msisdn()).Run(); !s.ok()) return s;
      } else if (absl::Status s = PutLocked(entry, *position); !s.ok()) {
        return s;
      }
      if (absl::Status s =
              LogLocked(LogKind::kRepair, *position, entry.msisdn(), entry.serving_carrier(), 0);
          !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<uint64_t> LocalNpDb::Position() {
  absl::MutexLock lock(&mu_);
  return PositionLocked();
}

absl::StatusOr<std::vector<LocalEntry>> LocalNpDb::Entries(std::string_view prefix) {
  absl::MutexLock lock(&mu_);
  // substr() instead of LIKE: msisdns are digits, but a prefix must never act as a pattern.
  Statement select(db_,
                   "SELECT msisdn, serving_carrier, range_holder, routing_number, port_id, "
                   "sequence FROM routing_entries WHERE substr(msisdn, 1, length(?1)) = ?1 "
                   "ORDER BY msisdn");
  select.Bind(1, prefix);
  std::vector<LocalEntry> entries;
  while (select.Step()) {
    entries.push_back({select.Text(0), select.Text(1), select.Text(2), select.Text(3),
                       select.Text(4), static_cast<uint64_t>(select.Int(5))});
  }
  if (!select.status().ok()) return select.status();
  return entries;
}

absl::StatusOr<std::vector<AppliedLogRow>> LocalNpDb::AppliedLog() {
  absl::MutexLock lock(&mu_);
  Statement select(db_,
                   "SELECT log_id, kind, sequence, msisdn, serving_carrier, resend_of "
                   "FROM applied_log ORDER BY log_id");
  std::vector<AppliedLogRow> log;
  while (select.Step()) {
    absl::StatusOr<LogKind> kind = ParseLogKind(select.Text(1));
    if (!kind.ok()) return kind.status();
    log.push_back({select.Int(0), *kind, static_cast<uint64_t>(select.Int(2)), select.Text(3),
                   select.Text(4), static_cast<uint64_t>(select.Int(5))});
  }
  if (!select.status().ok()) return select.status();
  return log;
}

absl::StatusOr<uint64_t> LocalNpDb::PositionLocked() {
  Statement select(db_, "SELECT value FROM meta WHERE key = 'position'");
  if (select.Step()) return static_cast<uint64_t>(select.Int(0));
  if (!select.status().ok()) return select.status();
  return absl::InternalError("meta has no position row");
}

absl::Status LocalNpDb::SetPositionLocked(uint64_t position) {
  Statement update(db_, "UPDATE meta SET value = ? WHERE key = 'position'");
  return update.Bind(1, static_cast<int64_t>(position)).Run();
}

absl::Status LocalNpDb::LogLocked(LogKind kind, uint64_t sequence, std::string_view msisdn,
                                  std::string_view serving_carrier, uint64_t resend_of) {
  Statement insert(db_,
                   "INSERT INTO applied_log(kind, sequence, msisdn, serving_carrier, resend_of) "
                   "VALUES (?, ?, ?, ?, ?)");
  return insert.Bind(1, LogKindName(kind))
      .Bind(2, static_cast<int64_t>(sequence))
      .Bind(3, msisdn)
      .Bind(4, serving_carrier)
      .Bind(5, static_cast<int64_t>(resend_of))
      .Run();
}

absl::Status LocalNpDb::PutLocked(const npd::v1::RoutingEntry& entry, uint64_t sequence) {
  Statement upsert(db_,
                   "INSERT OR REPLACE INTO routing_entries(msisdn, serving_carrier, range_holder, "
                   "routing_number, port_id, sequence) VALUES (?, ?, ?, ?, ?, ?)");
  return upsert.Bind(1, entry.msisdn())
      .Bind(2, entry.serving_carrier())
      .Bind(3, entry.range_holder())
      .Bind(4, entry.routing_number())
      .Bind(5, entry.port_id())
      .Bind(6, static_cast<int64_t>(sequence))
      .Run();
}

absl::Status VerifyAppliedLog(const std::vector<AppliedLogRow>& log) {
  uint64_t previous = 0;
  for (const AppliedLogRow& row : log) {
    switch (row.kind) {
      case LogKind::kRepair:
        continue;
      case LogKind::kResync:
        previous = row.sequence;
        continue;
      case LogKind::kPorted:
      case LogKind::kReturned:
        if (row.sequence != previous + 1) {
          return absl::FailedPreconditionError(
              std::string(row.sequence <= previous ? "duplicate" : "gap") + " at applied_log row " +
              std::to_string(row.log_id) + ": change #" + std::to_string(row.sequence) +
              " after #" + std::to_string(previous));
        }
        previous = row.sequence;
    }
  }
  return absl::OkStatus();
}

}  // namespace npd::carrier_sim
