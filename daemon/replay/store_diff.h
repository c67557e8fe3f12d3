// Compares two stores record by record: the stored state of a live npd against the state its
// journal replays to. Every table is compared except `idempotency` (stored answers to requests, not
// state). Differences are named by number where a record belongs to one.
#ifndef NPD_DAEMON_REPLAY_STORE_DIFF_H_
#define NPD_DAEMON_REPLAY_STORE_DIFF_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace npd::replay {

struct Difference {
  std::string msisdn;  // the number the record belongs to; empty for global records
  std::string table;   // "ports", "events", ...
  std::string key;     // printable form of the record's key
  // What differs: "only in the stored state", "missing from the stored state", or the fields
  // that differ with the replayed and the stored values.
  std::string what;
};

// The tables CompareStores looks at, in order.
const std::vector<std::string>& ComparedTables();

// Differences between `stored` and `replayed`, ordered by number (global ones first), then table
// and key; at most `max` (the first found in table order, then sorted). Storage errors as they
// come.
absl::StatusOr<std::vector<Difference>> CompareStores(storage::Store& stored,
                                                      storage::Store& replayed, size_t max);

// "13800138000 ports P000000000001: port.state: PORT_STATE_CUTOVER (replayed) vs
// PORT_STATE_COMPLETED (stored)" style, one line.
std::string Describe(const Difference& difference);

}  // namespace npd::replay

#endif  // NPD_DAEMON_REPLAY_STORE_DIFF_H_
