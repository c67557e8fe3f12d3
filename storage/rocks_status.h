// The one place a rocksdb::Status becomes an absl::Status (internal to storage/).
#ifndef NPD_STORAGE_ROCKS_STATUS_H_
#define NPD_STORAGE_ROCKS_STATUS_H_

#include <string_view>

#include "absl/status/status.h"
#include "rocksdb/status.h"

namespace npd::storage {

// Maps `status` to the codes of store.h, prefixing the message with `context` (what was being done,
// e.g. "open /var/lib/npd" or "read ports \"P000000000001\""):
//   OK                                      -> OK
//   IOError on the LOCK file                -> UNAVAILABLE: the data dir is in use by another npd
//   IOError (incl. NoSpace, PathNotFound)   -> UNAVAILABLE
//   Busy, TimedOut, TryAgain                -> UNAVAILABLE
//   Corruption                              -> DATA_LOSS
//   anything else                           -> INTERNAL
absl::Status FromRocksStatus(const rocksdb::Status& status, std::string_view context);

}  // namespace npd::storage

#endif  // NPD_STORAGE_ROCKS_STATUS_H_
