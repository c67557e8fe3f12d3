// Test-only access to the RocksDB store's raw bytes (internal to storage/ and tests/storage/). Lets
// a test plant a record that does not parse, which the Store interface cannot write.
#ifndef NPD_STORAGE_ROCKS_STORE_TESTING_H_
#define NPD_STORAGE_ROCKS_STORE_TESTING_H_

#include <string_view>

#include "absl/status/status.h"
#include "storage/store.h"

namespace npd::storage {

// Writes `value` under `key` in the column family named `column_family` ("numbers", "ports", ...)
// of `store`, bypassing serialisation. INVALID_ARGUMENT when `store` does not come from
// OpenRocksStore or the column family is unknown; otherwise the status of the write.
absl::Status PutRawForTesting(Store& store, std::string_view column_family, std::string_view key,
                              std::string_view value);

}  // namespace npd::storage

#endif  // NPD_STORAGE_ROCKS_STORE_TESTING_H_
