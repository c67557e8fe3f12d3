// Feed retention: a maintenance command that deletes routing changes older than feed.retention, run
// by the single writer like any command, and a thread that posts it every feed.prune_interval.
//
// A carrier whose position falls below what is kept re-syncs from ExportSnapshot (feed.proto).
#ifndef NPD_DAEMON_ENGINE_FEED_PRUNER_H_
#define NPD_DAEMON_ENGINE_FEED_PRUNER_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/engine/command.h"
#include "daemon/engine/txn.h"

namespace npd::engine {

class Engine;

struct FeedPruneOptions {
  // feed.retention: changes whose effective_at is older than this are pruned. Default: 7 days.
  absl::Duration retention = absl::Hours(24 * 7);
  // feed.prune_interval: how often pruning runs. Default: 1 minute.
  absl::Duration interval = absl::Minutes(1);
  // Most changes one run examines (and so deletes), bounding the writer's pause. Default: 10000.
  size_t max_per_run = 10000;
};

// The prune limit: every feed entry below the returned sequence may be deleted now. Walks from the
// first retained sequence in order and stops at the first change still young (effective_at after
// now - retention) or after max_per_run changes; never beyond head + 1. This is the one place that
// decides how far pruning may go. Pruning does not wait for confirmations: a carrier left behind
// re-syncs from a snapshot, and its confirmation of the snapshot position completes what waited for
// it (Confirm walks the awaiting-confirmation index, not the feed). Errors only from storage.
absl::StatusOr<uint64_t> FeedPruneLimit(Txn& txn, const EngineContext& ctx,
                                        const FeedPruneOptions& options);

// Prunes the feed below FeedPruneLimit (nothing when the limit is the first retained sequence).
class FeedPruneCommand final : public Command {
 public:
  explicit FeedPruneCommand(FeedPruneOptions options) : options_(options) {}
  absl::Status Execute(Txn& txn, const EngineContext& ctx) override;
  // Logs a failure; the next run tries again.
  void Finish(absl::Status status) override;

 private:
  FeedPruneOptions options_;
  uint64_t pruned_below_ = 0;  // set by Execute when it pruned
};

// Posts a FeedPruneCommand to the engine every options.interval (the first one interval after
// Start). Start after the engine started; Stop (idempotent, also in the destructor) before it
// stops.
class FeedPruner {
 public:
  FeedPruner(Engine& engine, FeedPruneOptions options) : engine_(engine), options_(options) {}
  ~FeedPruner() { Stop(); }

  void Start();
  void Stop();

 private:
  void Loop();

  Engine& engine_;
  const FeedPruneOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace npd::engine

#endif  // NPD_DAEMON_ENGINE_FEED_PRUNER_H_
