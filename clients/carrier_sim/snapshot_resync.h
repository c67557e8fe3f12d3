// Re-sync of the local NP database from npd's snapshot (feed.proto, ExportSnapshot): what a carrier
// does when its position is older than the feed history npd keeps, or when it lost its database.
#ifndef NPD_CLIENTS_CARRIER_SIM_SNAPSHOT_RESYNC_H_
#define NPD_CLIENTS_CARRIER_SIM_SNAPSHOT_RESYNC_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "absl/status/statusor.h"
#include "clients/carrier_sim/local_np_db.h"

namespace npd::carrier_sim {

// What a re-sync did.
struct ResyncResult {
  // The snapshot's position: the database's position now; the feed resumes at feed_sequence + 1.
  uint64_t feed_sequence = 0;
  // Entries loaded.
  uint64_t entries = 0;
  // The Confirm(feed_sequence) that followed the load. Not OK when it failed: the database is
  // loaded all the same, and the next confirmation of a later position covers it.
  absl::Status confirm;
};

// Streams ExportSnapshot as `carrier` and checks it (a header first, a trailer last whose
// entry_count matches the entries received), then replaces the database's entries and sets its
// position to the snapshot's feed_sequence in one transaction (a RESYNC row in applied_log), then
// confirms feed_sequence with a fresh request id. Returns the rpc error (its code, message
// prefixed) when the stream fails, DATA_LOSS when the stream is malformed or incomplete (the
// database is then untouched), or the database's error. `timeout` bounds the whole stream.
// Thread-safe with respect to other users of `db`.
absl::StatusOr<ResyncResult> ResyncFromSnapshot(const std::shared_ptr<grpc::Channel>& channel,
                                                const std::string& carrier, LocalNpDb& db,
                                                std::chrono::milliseconds timeout);

// Confirms `sequence` as `carrier` with a fresh request id. The rpc error, prefixed, on failure.
absl::Status ConfirmPosition(const std::shared_ptr<grpc::Channel>& channel,
                             const std::string& carrier, uint64_t sequence,
                             std::chrono::milliseconds timeout);

}  // namespace npd::carrier_sim

#endif  // NPD_CLIENTS_CARRIER_SIM_SNAPSHOT_RESYNC_H_
