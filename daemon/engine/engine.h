// Engine: the single writer. Commands from any thread queue up; the writer thread takes everything
// queued (up to max_batch), executes each against a Txn, writes the whole batch as one durable
// Store::Commit, and only then tells each command its outcome (application-level group commit:
// every command that arrives while an fsync runs goes into the next batch). After a commit it arms
// new timers and tells the feed listener about new routing changes.
#ifndef NPD_DAEMON_ENGINE_ENGINE_H_
#define NPD_DAEMON_ENGINE_ENGINE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "daemon/engine/clock.h"
#include "daemon/engine/command.h"
#include "daemon/engine/completer.h"
#include "daemon/engine/timer_scheduler.h"
#include "storage/store.h"

namespace npd::engine {

struct EngineOptions {
  // Most commands written in one batch. Default: 512.
  size_t max_batch = 512;
  // Most commands waiting for the writer; more are refused with RESOURCE_EXHAUSTED. Default:
  // 100000.
  size_t queue_limit = 100000;
  // Delay before a timer whose application failed (storage error) is tried again. Default: 1 s.
  absl::Duration timer_retry = absl::Seconds(1);
};

class Engine {
 public:
  // `store`, `clock` and the pointers in `context` must outlive the engine.
  Engine(storage::Store& store, EngineContext context, EngineOptions options, const Clock& clock);
  ~Engine();

  // Loads counters, cursors and the timer index, journals the configuration when it changed
  // (RecordSetup), then starts the writer and timer threads. Timers
  // already due fire at once. Errors from the store are returned and nothing is started.
  absl::Status Start();
  // Refuses new commands (UNAVAILABLE), finishes everything queued, stops timers, joins the
  // threads.
  void Stop();

  // Which queue a command waits in. The writer fills each batch from the foreground queue first
  // (client requests, timers: ports and their cutovers), and from the background queue (refund
  // saga results, feed pruning: work nobody waits on) after it; at least an eighth of every batch
  // is kept for background commands waiting, so they slow down under a burst but never stop.
  enum class Lane { kForeground, kBackground };

  // Queues a command. Thread-safe, never blocks on I/O. When the queues hold queue_limit commands
  // (RESOURCE_EXHAUSTED) or the engine is stopping (UNAVAILABLE) the command is finished at once
  // with that status.
  void Post(std::unique_ptr<Command> command, Lane lane = Lane::kForeground);

  // Highest committed feed sequence. Thread-safe.
  uint64_t FeedHead() const { return feed_head_.load(std::memory_order_acquire); }
  // Oldest committed feed sequence still kept (1 when nothing was pruned; head + 1 when all was).
  // Thread-safe.
  uint64_t FirstRetainedSequence() const { return first_retained_.load(std::memory_order_acquire); }
  // A carrier's committed confirmed position (0 when none). Thread-safe.
  uint64_t ConfirmedPosition(const std::string& carrier) const;
  // Called on the writer thread after every commit that advanced the feed, with the new head. Set
  // before Start.
  void SetFeedListener(std::function<void(uint64_t head)> listener) { feed_listener_ = listener; }
  // Called on the writer thread after every commit that changed outbox entries: the entries put and
  // the refund ids whose entry was removed. Set before Start. Must not block.
  using OutboxListener = std::function<void(std::vector<npd::store::v1::OutboxRecord> put,
                                            std::vector<std::string> removed)>;
  void SetOutboxListener(OutboxListener listener) { outbox_listener_ = std::move(listener); }

  const EngineContext& context() const { return context_; }

 private:
  // Journals the configuration (policies, carriers, number plan) when it differs from the last one
  // recorded, so that replay runs later steps under it. Called by Start before the writer runs.
  absl::Status RecordSetup();
  void WriterLoop();
  void RunBatch(std::deque<std::unique_ptr<Command>>& commands);
  void OnTimerDue(const npd::store::v1::TimerRecord& timer);

  storage::Store& store_;
  const EngineContext context_;
  const EngineOptions options_;
  const Clock& clock_;
  TimerScheduler timers_;
  std::function<void(uint64_t)> feed_listener_;
  OutboxListener outbox_listener_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<std::unique_ptr<Command>> queue_;       // guarded by queue_mu_
  std::deque<std::unique_ptr<Command>> background_;  // guarded by queue_mu_
  bool accepting_ = false;                           // guarded by queue_mu_
  bool stop_writer_ = false;                         // guarded by queue_mu_

  // Written only by the writer thread; cursors_ read under cursors_mu_ from other threads.
  npd::store::v1::Counters counters_;
  mutable std::mutex cursors_mu_;
  std::map<std::string, uint64_t> cursors_;
  std::atomic<uint64_t> feed_head_{0};
  std::atomic<uint64_t> first_retained_{1};
  std::thread writer_;
  Completer completer_;  // answers committed batches off the writer thread
};

}  // namespace npd::engine

#endif  // NPD_DAEMON_ENGINE_ENGINE_H_
