// The RocksDB implementation of Store: one column family per record kind, every Commit one
// WriteBatch written with sync=true (RocksOptions.sync_writes). Layout: storage/README.md.
#ifndef NPD_STORAGE_ROCKS_STORE_H_
#define NPD_STORAGE_ROCKS_STORE_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace npd::storage {

struct RocksOptions {
  // Directory of the database; created if missing. Required.
  std::string path;
  // Shared block cache for reads, in bytes. Default: 64 MiB.
  size_t block_cache_bytes = 64u << 20;
  // fsync the WAL on every Commit. Default: true. Only benchmarks of the storage anchor turn it
  // off.
  bool sync_writes = true;
  // Table files kept open at once (part of npd's open-file budget). Default: 1024.
  int max_open_files = 1024;
};

// The database inside an npd data directory (storage.data_dir): `data_dir`/db. A checkpoint
// (AdminService.Checkpoint) has the same layout, so it can be used as a data directory as it is.
std::string DatabaseDirOf(const std::string& data_dir);

// Opens (creating if needed, with any missing parent directories and column families) the database
// at options.path. INVALID_ARGUMENT when options.path is empty; UNAVAILABLE when the directory
// cannot be used or is locked by another process (or already open in this one); DATA_LOSS when it
// is corrupt. Thread-safe as store.h says. Destroying the returned store closes the database; no
// call on it may still be running then.
absl::StatusOr<std::unique_ptr<Store>> OpenRocksStore(const RocksOptions& options);

}  // namespace npd::storage

#endif  // NPD_STORAGE_ROCKS_STORE_H_
