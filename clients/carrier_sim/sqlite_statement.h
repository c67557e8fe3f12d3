// The few SQLite calls the local NP database needs, wrapped so that every failure becomes an
// absl::Status carrying SQLite's message, and every statement is finalized.
#ifndef NPD_CLIENTS_CARRIER_SIM_SQLITE_STATEMENT_H_
#define NPD_CLIENTS_CARRIER_SIM_SQLITE_STATEMENT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "absl/status/status.h"

namespace npd::carrier_sim {

// Runs `sql` (one or more statements without results) on `db`. INTERNAL with SQLite's message on
// failure (UNAVAILABLE when the database stayed busy past its busy timeout).
absl::Status Exec(sqlite3* db, const std::string& sql);

// One prepared statement. Not thread-safe; use it under the connection's lock.
class Statement {
 public:
  // Prepares `sql`; check status() before use.
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // OK once prepared; the preparation error otherwise.
  const absl::Status& status() const { return status_; }

  // Bind parameters by 1-based index. Text is copied.
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);

  // Steps once. Returns true when a row is available, false when done; sets status() on error
  // (and returns false).
  bool Step();
  // Steps to the end (for statements without results). Returns status().
  absl::Status Run();

  // Columns of the current row, 0-based.
  int64_t Int(int column) const;
  std::string Text(int column) const;

 private:
  absl::Status Error(int code) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  absl::Status status_;
};

}  // namespace npd::carrier_sim

#endif  // NPD_CLIENTS_CARRIER_SIM_SQLITE_STATEMENT_H_
