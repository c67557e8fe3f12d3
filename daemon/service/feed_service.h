// RoutingFeedService: server-streaming delivery of the global routing-change feed, and
// confirmations.
//
// Each Subscribe is a FeedStream reactor that reads committed changes from the store in order and
// writes them one at a time; when it has caught up it waits to be woken by the FeedHub, which the
// engine calls after every commit that advanced the feed. Idle streams get a heartbeat with the
// head position.
#ifndef NPD_DAEMON_SERVICE_FEED_SERVICE_H_
#define NPD_DAEMON_SERVICE_FEED_SERVICE_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/engine/engine.h"
#include "daemon/service/gatekeeper.h"
#include "npd/v1/feed.grpc.pb.h"
#include "storage/store.h"

namespace npd::service {

class FeedStream;

// FAILED_PRECONDITION for a position below the first retained sequence, saying how to re-sync.
absl::Status FeedHistoryPruned(uint64_t from, uint64_t first_retained);

// Tracks the open streams. Thread-safe.
class FeedHub {
 public:
  // Heartbeats go to streams idle for `heartbeat_interval` (checked at that period).
  explicit FeedHub(absl::Duration heartbeat_interval);
  ~FeedHub();

  // The committed feed head moved to `head`: wakes every stream. Called by the engine's writer
  // after a commit advanced the feed (and once at start-up).
  void Advance(uint64_t head);
  // Ends every stream with UNAVAILABLE and refuses new ones (server shutdown).
  void Drain();

  void Register(FeedStream* stream);
  void Unregister(FeedStream* stream);
  bool draining() const;

 private:
  void HeartbeatLoop();

  const absl::Duration heartbeat_interval_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::set<FeedStream*> streams_;  // guarded by mu_
  bool draining_ = false;          // guarded by mu_
  bool stop_ = false;              // guarded by mu_
  uint64_t head_ = 0;              // guarded by mu_
  std::thread heartbeat_thread_;
};

class FeedService final : public npd::v1::RoutingFeedService::CallbackService {
 public:
  // Everything must outlive the service.
  FeedService(engine::Engine& engine, Gatekeeper& gatekeeper, storage::Store& store, FeedHub& hub)
      : engine_(engine), gatekeeper_(gatekeeper), store_(store), hub_(hub) {}

  grpc::ServerWriteReactor<npd::v1::SubscribeResponse>* Subscribe(
      grpc::CallbackServerContext* context, const npd::v1::SubscribeRequest* request) override;
  grpc::ServerUnaryReactor* Confirm(grpc::CallbackServerContext* context,
                                    const npd::v1::ConfirmRequest* request,
                                    npd::v1::ConfirmResponse* response) override;
  // A SnapshotStream over one StoreSnapshot (snapshot_stream.h).
  grpc::ServerWriteReactor<npd::v1::ExportSnapshotResponse>* ExportSnapshot(
      grpc::CallbackServerContext* context, const npd::v1::ExportSnapshotRequest* request) override;

 private:
  engine::Engine& engine_;
  Gatekeeper& gatekeeper_;
  storage::Store& store_;
  FeedHub& hub_;
};

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_FEED_SERVICE_H_
