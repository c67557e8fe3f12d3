// npd's routing entries, as ExportSnapshot and the AuditService see them: one per number whose
// serving carrier differs from its range holder (the number plan's carrier of its block).
#ifndef NPD_DAEMON_SERVICE_ROUTING_ENTRIES_H_
#define NPD_DAEMON_SERVICE_ROUTING_ENTRIES_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/core/number_plan.h"
#include "npd/store/v1/records.pb.h"
#include "npd/v1/common.pb.h"
#include "storage/store.h"

namespace npd::service {

// The entry of `record` when its number is ported; nullopt when it serves from the range holder or
// the plan no longer covers it (logged: such a number cannot be routed by anyone).
std::optional<npd::v1::RoutingEntry> PortedEntry(const core::NumberPlan& plan,
                                                 const npd::store::v1::NumberRecord& record);

// One step of a scan: the last msisdn read (after_msisdn for the next step) and whether the scan
// reached the end of `prefix`.
struct ScanStep {
  std::string last_msisdn;
  bool done = false;
};

// Reads at most `max_records` number records of `snapshot` under `prefix` after `after_msisdn` and
// appends the ported ones to `out`, ascending. Errors from the store.
absl::StatusOr<ScanStep> ScanPortedEntries(storage::StoreSnapshot& snapshot,
                                           const core::NumberPlan& plan, std::string_view prefix,
                                           std::string_view after_msisdn, size_t max_records,
                                           std::vector<npd::v1::RoutingEntry>& out);

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_ROUTING_ENTRIES_H_
