// The feed follower: keeps the local NP database in step with npd's routing change feed. It
// subscribes from the database's position + 1, applies each change in its own transaction, and
// confirms the applied position in batches; on any stream end it reconnects with capped exponential
// backoff and resumes from the database, so no change is skipped or applied twice.
#ifndef NPD_CLIENTS_CARRIER_SIM_FEED_FOLLOWER_H_
#define NPD_CLIENTS_CARRIER_SIM_FEED_FOLLOWER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "clients/carrier_sim/local_np_db.h"

namespace npd::carrier_sim {

struct FeedOptions {
  // Confirm once this many applied changes are unconfirmed. Default: 100.
  uint64_t confirm_every = 100;
  // Confirm at the latest this long after a change was applied. Default: 200 ms.
  std::chrono::milliseconds confirm_interval{200};
  // First reconnect delay; doubled after each attempt that received nothing. Default: 100 ms.
  std::chrono::milliseconds backoff_initial{100};
  // Cap of the reconnect delay. Default: 5 s.
  std::chrono::milliseconds backoff_max{5000};
  // Re-sync from ExportSnapshot when npd no longer keeps the history after the database's position
  // (Subscribe fails FAILED_PRECONDITION). Default: false (Run returns FAILED_PRECONDITION).
  bool auto_resync = false;
  // Deadline of each Confirm. Default: 10 s.
  std::chrono::milliseconds rpc_timeout{10000};
  // Deadline of a whole snapshot stream. Default: 5 min.
  std::chrono::milliseconds snapshot_timeout{300000};
};

// Counters since construction.
struct FeedStats {
  uint64_t applied = 0;        // changes applied to the database
  uint64_t confirmations = 0;  // successful Confirm calls
  uint64_t reconnects = 0;     // subscriptions after the first
  uint64_t resyncs = 0;        // snapshot re-syncs
  uint64_t position = 0;       // the database's position as last known
  uint64_t confirmed = 0;      // the highest position npd acknowledged
};

class FeedFollower {
 public:
  // Follows the feed as `carrier` into `db`, which must outlive this object.
  FeedFollower(std::shared_ptr<grpc::Channel> channel, std::string carrier, LocalNpDb& db,
               FeedOptions options);
  ~FeedFollower();
  FeedFollower(const FeedFollower&) = delete;
  FeedFollower& operator=(const FeedFollower&) = delete;

  // Follows until Stop(), then confirms the applied position (best effort) and returns OK. Returns
  // early with FAILED_PRECONDITION when npd no longer keeps the history after the database's
  // position and auto_resync is off (the message says to re-sync); with a failed re-sync's error;
  // with INVALID_ARGUMENT when the database is ahead of npd's feed; with PERMISSION_DENIED or
  // UNAUTHENTICATED when npd refuses the carrier; or with a database error other than a refused
  // change. npd being unreachable is never an error: it is retried until Stop(). Call once.
  absl::Status Run();

  // Makes Run() return soon: cancels the stream and any backoff wait. Thread-safe; idempotent.
  void Stop();

  // Thread-safe.
  FeedStats stats() const;

 private:
  // How one subscription ended.
  enum class StreamEnd { kStopped, kRetry, kResync, kFatal };

  StreamEnd FollowOnce(bool& received, absl::Status& fatal);
  void ConfirmLoop();
  // Wakes ConfirmLoop now; with `force`, it confirms even a position it confirmed before.
  void KickConfirm(bool force);
  void ConfirmApplied(bool force);
  // Waits `delay` unless Stop() comes first. Returns false when stopped.
  bool WaitUnlessStopped(std::chrono::milliseconds delay);

  const std::shared_ptr<grpc::Channel> channel_;
  const std::string carrier_;
  LocalNpDb& db_;
  const FeedOptions options_;

  // Only the confirming thread (and Run, after joining it) touches this: whether the last Confirm
  // failed, so that an outage is logged once rather than every interval.
  bool confirm_failing_ = false;

  mutable absl::Mutex mu_;
  // Signalled on Stop, on a kick of the confirmer and when the confirmer must end.
  absl::CondVar cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool confirm_kicked_ ABSL_GUARDED_BY(mu_) = false;
  bool confirm_forced_ ABSL_GUARDED_BY(mu_) = false;
  bool confirmer_done_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* stream_context_ ABSL_GUARDED_BY(mu_) = nullptr;
  FeedStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace npd::carrier_sim

#endif  // NPD_CLIENTS_CARRIER_SIM_FEED_FOLLOWER_H_
