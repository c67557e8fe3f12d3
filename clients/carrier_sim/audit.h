// The audit of the local NP database against npd (audit.proto): CompareBlocks with every block's
// (count, digest), then DiffBlock for each block that differs, and optionally a repair that writes
// npd's routing into the local database.
#ifndef NPD_CLIENTS_CARRIER_SIM_AUDIT_H_
#define NPD_CLIENTS_CARRIER_SIM_AUDIT_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/channel.h>

#include "absl/status/statusor.h"
#include "clients/carrier_sim/local_np_db.h"
#include "npd/v1/audit.pb.h"

namespace npd::carrier_sim {

// What an audit found.
struct AuditReport {
  // The local database's position when its entries were read.
  uint64_t local_position = 0;
  // The feed position npd's answer is consistent with (the highest one npd reported).
  uint64_t npd_feed_sequence = 0;
  // Non-empty blocks compared on either side.
  uint64_t blocks_compared = 0;
  // Blocks whose count or digest differ, ascending.
  std::vector<npd::v1::BlockMismatch> mismatches;
  // Numbers whose routing differs, ascending, with npd's routing.
  std::vector<npd::v1::RoutingDifference> differences;
  // Whether the differences were written into the local database.
  bool repaired = false;

  bool clean() const { return mismatches.empty() && differences.empty(); }
};

// Audits `db` as `carrier`. With `repair`, applies each difference's correct routing to `db` in one
// transaction (REPAIR rows in applied_log). When npd's feed_sequence differs from the local
// position, the differences include changes one side has not applied yet; the report shows both
// positions. Returns the first rpc error (code kept, message prefixed) or the database's error.
// CompareBlocks is split by scope prefix so that no request carries more than `max_blocks` blocks.
absl::StatusOr<AuditReport> RunAudit(const std::shared_ptr<grpc::Channel>& channel,
                                     const std::string& carrier, LocalNpDb& db, bool repair,
                                     std::chrono::milliseconds timeout, size_t max_blocks = 100000);

// "13800138000  local cucc  npd ctcc (range holder cmcc, port P000000000001)"; "local -" when the
// carrier has no entry; "npd -" when the entry must go (the number routes to its range holder).
std::string DifferenceLine(const npd::v1::RoutingDifference& difference);

}  // namespace npd::carrier_sim

#endif  // NPD_CLIENTS_CARRIER_SIM_AUDIT_H_
