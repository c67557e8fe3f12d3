// In-memory Store for tests: same contract as the RocksDB store, nothing on disk.
#ifndef NPD_STORAGE_MEMORY_STORE_H_
#define NPD_STORAGE_MEMORY_STORE_H_

#include "storage/store.h"

namespace npd::storage {

// Makes the next `count` Commit calls on a store from NewMemoryStore fail with UNAVAILABLE and
// write nothing (empty WriteSets count too). Replaces any earlier count; `count` <= 0 clears it.
// Thread-safe. `store` must come from NewMemoryStore: passing any other store is a programming
// error and aborts the process.
void FailNextCommits(Store& store, int count);

}  // namespace npd::storage

#endif  // NPD_STORAGE_MEMORY_STORE_H_
