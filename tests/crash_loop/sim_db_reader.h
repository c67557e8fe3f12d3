// Reads a carrier simulator's local NP database (clients/carrier_sim/local_np_db.h) read-only and
// consistently: position, entries and applied_log come from one SQLite read transaction, so they
// agree with each other even while the simulator keeps applying changes (WAL mode).
#ifndef NPD_TESTS_CRASH_LOOP_SIM_DB_READER_H_
#define NPD_TESTS_CRASH_LOOP_SIM_DB_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/carrier_sim/local_np_db.h"

namespace npd::crash_loop {

struct SimDbSnapshot {
  uint64_t position = 0;
  std::vector<carrier_sim::LocalEntry> entries;   // ascending msisdn
  std::vector<carrier_sim::AppliedLogRow> log;    // oldest first
};

// NOT_FOUND while the simulator has not created the file yet; INTERNAL for any SQLite failure.
absl::StatusOr<SimDbSnapshot> ReadSimDb(const std::string& path);

}  // namespace npd::crash_loop

#endif  // NPD_TESTS_CRASH_LOOP_SIM_DB_READER_H_
