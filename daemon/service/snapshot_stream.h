// One ExportSnapshot stream: header (the snapshot's feed position), chunks of routing entries in
// ascending msisdn, trailer (entry count). Every read goes through one StoreSnapshot, so the header
// and the entries agree. Each write's completion reads the next chunk (a bounded scan), so the
// reactor never blocks longer than one chunk read. Deletes itself when gRPC is done with it.
#ifndef NPD_DAEMON_SERVICE_SNAPSHOT_STREAM_H_
#define NPD_DAEMON_SERVICE_SNAPSHOT_STREAM_H_

#include <cstdint>
#include <memory>
#include <string>

#include <grpcpp/support/server_callback.h>

#include "daemon/core/number_plan.h"
#include "daemon/service/caller_limits.h"
#include "npd/v1/feed.pb.h"
#include "storage/store.h"

namespace npd::service {

class SnapshotStream final : public grpc::ServerWriteReactor<npd::v1::ExportSnapshotResponse> {
 public:
  // Most entries per chunk.
  static constexpr size_t kChunkEntries = 500;

  // `plan` must outlive the stream.
  // `slot` is the caller's stream slot, released when the stream is done.
  SnapshotStream(std::unique_ptr<storage::StoreSnapshot> snapshot, const core::NumberPlan& plan,
                 std::shared_ptr<CallerLimits::Slot> slot);

  // Writes the header. Call once, right after construction.
  void Begin();

  void OnWriteDone(bool ok) override;
  void OnDone() override { delete this; }

 private:
  // Reads and writes the next chunk, or the trailer, or finishes.
  void WriteNext();

  // Only one write is outstanding at a time and every member is touched only by Begin and
  // OnWriteDone, which gRPC never runs concurrently for one stream: no lock needed.
  std::unique_ptr<storage::StoreSnapshot> snapshot_;
  const core::NumberPlan& plan_;
  const std::shared_ptr<CallerLimits::Slot> slot_;
  npd::v1::ExportSnapshotResponse message_;
  std::string last_msisdn_;  // last number read
  uint64_t sent_ = 0;        // entries written
  bool scanned_all_ = false;
  bool trailer_sent_ = false;
};

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_SNAPSHOT_STREAM_H_
