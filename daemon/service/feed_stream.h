// One Subscribe stream. Deletes itself when gRPC is done with it.
#ifndef NPD_DAEMON_SERVICE_FEED_STREAM_H_
#define NPD_DAEMON_SERVICE_FEED_STREAM_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include <grpcpp/support/server_callback.h>

#include "absl/time/time.h"
#include "daemon/service/caller_limits.h"
#include "daemon/service/feed_service.h"
#include "npd/v1/feed.pb.h"
#include "storage/store.h"

namespace npd::service {

class FeedStream final : public grpc::ServerWriteReactor<npd::v1::SubscribeResponse> {
 public:
  // Streams changes from `next` on to `caller` (a carrier or the operator); `head` is the
  // committed head when the stream opens. `engine` supplies the positions heartbeats report.
  // `slot` is the caller's stream slot (gatekeeper.h), released when the stream is done.
  FeedStream(storage::Store& store, FeedHub& hub, const engine::Engine& engine, std::string caller,
             uint64_t next, uint64_t head, std::shared_ptr<CallerLimits::Slot> slot);

  // Registers with the hub and starts writing. Call once, right after construction.
  void Begin();

  // The committed head moved to `head`. Any thread.
  void Wake(uint64_t head);
  // Sends a heartbeat when nothing was written for `idle`. Any thread.
  void HeartbeatIfIdle(uint64_t head, absl::Duration idle);
  // Ends the stream with UNAVAILABLE (server shutting down). Any thread.
  void EndForShutdown();

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  void Pump();                    // requires mu_
  void End(grpc::Status status);  // requires mu_

  storage::Store& store_;
  FeedHub& hub_;
  const engine::Engine& engine_;
  const std::string caller_;
  const std::shared_ptr<CallerLimits::Slot> slot_;
  std::mutex mu_;
  uint64_t next_;  // next sequence to read from the store
  uint64_t head_;  // highest committed sequence known
  std::deque<npd::v1::SubscribeResponse> buffered_;
  npd::v1::SubscribeResponse in_flight_;
  bool writing_ = false;
  bool ended_ = false;  // End was called
  bool finish_after_write_ = false;
  grpc::Status final_status_;
  absl::Time last_write_ = absl::Now();
};

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_FEED_STREAM_H_
