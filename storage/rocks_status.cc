#include "storage/rocks_status.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "storage/keys.h"

namespace npd::storage {
namespace {

// RocksDB reports a held lock as an IOError naming the LOCK file: "While lock file: <dir>/LOCK:
// Resource temporarily unavailable" from another process, "lock hold by current process ..." from
// this one.
bool IsLockHeld(const rocksdb::Status& status, std::string_view message) {
  return status.IsIOError() && (message.find("/LOCK") != std::string_view::npos ||
                                message.find("lock hold by") != std::string_view::npos);
}

}  // namespace

absl::Status FromRocksStatus(const rocksdb::Status& status, std::string_view context) {
  if (status.ok()) return absl::OkStatus();
  const std::string message = status.ToString();
  const std::string detail = absl::StrCat("storage: ", keys::ToAbsl(context), ": ", message);
  if (IsLockHeld(status, message)) {
    return absl::UnavailableError(absl::StrCat("storage: ", keys::ToAbsl(context),
                                               ": the data dir is in use by another npd (", message,
                                               ")"));
  }
  if (status.IsNoSpace()) {
    return absl::UnavailableError(
        absl::StrCat("storage: ", keys::ToAbsl(context), ": disk full: ", message));
  }
  if (status.IsIOError() || status.IsBusy() || status.IsTimedOut() || status.IsTryAgain()) {
    return absl::UnavailableError(detail);
  }
  if (status.IsCorruption()) return absl::DataLossError(detail);
  return absl::InternalError(detail);
}

}  // namespace npd::storage
