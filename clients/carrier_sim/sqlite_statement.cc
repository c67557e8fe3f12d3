#include "clients/carrier_sim/sqlite_statement.h"

namespace npd::carrier_sim {
namespace {

absl::Status SqliteError(sqlite3* db, int code, std::string_view what) {
  std::string message = std::string(what) + ": " + sqlite3_errmsg(db);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

}  // namespace

absl::Status Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  const int code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  if (code == SQLITE_OK) return absl::OkStatus();
  std::string message = error != nullptr ? error : sqlite3_errstr(code);
  sqlite3_free(error);
  message = "sqlite: " + message + " (in: " + sql.substr(0, 60) + ")";
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  const int code =
      sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (code != SQLITE_OK) status_ = SqliteError(db, code, "sqlite prepare");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, std::string_view text) {
  if (!status_.ok()) return *this;
  const int code =
      sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (code != SQLITE_OK) status_ = Error(code);
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  if (!status_.ok()) return *this;
  const int code = sqlite3_bind_int64(stmt_, index, value);
  if (code != SQLITE_OK) status_ = Error(code);
  return *this;
}

bool Statement::Step() {
  if (!status_.ok()) return false;
  const int code = sqlite3_step(stmt_);
  if (code == SQLITE_ROW) return true;
  if (code != SQLITE_DONE) status_ = Error(code);
  return false;
}

absl::Status Statement::Run() {
  while (Step()) {
  }
  return status_;
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

absl::Status Statement::Error(int code) const { return SqliteError(db_, code, "sqlite"); }

}  // namespace npd::carrier_sim
