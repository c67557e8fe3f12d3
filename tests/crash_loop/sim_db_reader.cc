#include "tests/crash_loop/sim_db_reader.h"

#include <filesystem>
#include <memory>

#include "clients/carrier_sim/sqlite_statement.h"

namespace npd::crash_loop {
namespace {

using carrier_sim::Exec;
using carrier_sim::LogKind;
using carrier_sim::Statement;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};

absl::StatusOr<LogKind> ParseKind(const std::string& text) {
  for (LogKind kind : {LogKind::kPorted, LogKind::kReturned, LogKind::kResync, LogKind::kRepair}) {
    if (carrier_sim::LogKindName(kind) == text) return kind;
  }
  return absl::InternalError("applied_log holds an unknown kind: " + text);
}

absl::Status ReadAll(sqlite3* db, SimDbSnapshot& out) {
  Statement position(db, "SELECT value FROM meta WHERE key = 'position'");
  if (!position.status().ok()) return position.status();
  if (position.Step()) out.position = static_cast<uint64_t>(position.Int(0));
  if (!position.status().ok()) return position.status();

  Statement entries(db,
                    "SELECT msisdn, serving_carrier, range_holder, routing_number, port_id, "
                    "sequence FROM routing_entries ORDER BY msisdn");
  if (!entries.status().ok()) return entries.status();
  while (entries.Step()) {
    out.entries.push_back({entries.Text(0), entries.Text(1), entries.Text(2), entries.Text(3),
                           entries.Text(4), static_cast<uint64_t>(entries.Int(5))});
  }
  if (!entries.status().ok()) return entries.status();

  Statement log(db,
                "SELECT log_id, kind, sequence, msisdn, serving_carrier, resend_of FROM "
                "applied_log ORDER BY log_id");
  if (!log.status().ok()) return log.status();
  while (log.Step()) {
    absl::StatusOr<LogKind> kind = ParseKind(log.Text(1));
    if (!kind.ok()) return kind.status();
    out.log.push_back({log.Int(0), *kind, static_cast<uint64_t>(log.Int(2)), log.Text(3),
                       log.Text(4), static_cast<uint64_t>(log.Int(5))});
  }
  return log.status();
}

}  // namespace

absl::StatusOr<SimDbSnapshot> ReadSimDb(const std::string& path) {
  if (!std::filesystem::exists(path)) return absl::NotFoundError(path + " does not exist yet");
  sqlite3* raw = nullptr;
  const int code = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, CloseDb> db(raw);
  if (code != SQLITE_OK) {
    return absl::InternalError("cannot open " + path + " read-only: " +
                               (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(code)));
  }
  sqlite3_busy_timeout(db.get(), 5000);
  if (absl::Status begin = Exec(db.get(), "BEGIN"); !begin.ok()) return begin;
  SimDbSnapshot snapshot;
  absl::Status read = ReadAll(db.get(), snapshot);
  Exec(db.get(), "COMMIT").IgnoreError();
  if (!read.ok()) return absl::InternalError(path + ": " + std::string(read.message()));
  return snapshot;
}

}  // namespace npd::crash_loop
