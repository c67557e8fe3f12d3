// OutboxDispatcher: executes the outbox, at least once per entry. It mirrors the durable outbox in
// memory (loaded at Start, then kept current by the engine's outbox listener), and on a Boost.Asio
// io_context thread calls the outside system of every entry whose time has come, at most
// max_in_flight at once and one per case. Each result goes back through the engine as a command
// (core decides: next step, retry with backoff, STUCK), so nothing about a case changes except in
// the single writer's commits.
//
// A payout is special: before Pay is sent, a BeginPayout command must be durable (the entry then
// says query_first), so that after a crash the payout is queried by its key, never paid blindly.
#ifndef NPD_DAEMON_OUTBOX_OUTBOX_DISPATCHER_H_
#define NPD_DAEMON_OUTBOX_OUTBOX_DISPATCHER_H_

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/engine/clock.h"
#include "daemon/engine/engine.h"
#include "daemon/outbox/outside_systems.h"
#include "storage/store.h"

namespace npd::outbox {

struct DispatcherOptions {
  // Most calls to outside systems at once (refund.max_in_flight). Default: 64.
  size_t max_in_flight = 64;
  // Delay before an entry is dispatched again when its result could not be written (storage
  // error, engine stopping). Default: 1 s.
  absl::Duration write_retry = absl::Seconds(1);
};

// Counters for tests and logs. Thread-safe snapshot via stats().
struct DispatcherStats {
  uint64_t calls = 0;         // calls made to outside systems
  uint64_t results = 0;       // results the engine applied
  uint64_t stale = 0;         // results dropped as stale
  uint64_t write_failed = 0;  // results or payout begins that could not be written
};

class OutboxDispatcher {
 public:
  // Everything passed in must outlive the dispatcher. Call engine.SetOutboxListener(Listener())
  // before the engine starts.
  OutboxDispatcher(storage::Store& store, engine::Engine& engine, OutsideSystems& systems,
                   const engine::Clock& clock, DispatcherOptions options);
  ~OutboxDispatcher();

  // The listener to give the engine.
  engine::Engine::OutboxListener Listener();

  // Loads the stored outbox and starts dispatching. Errors from the store start nothing.
  absl::Status Start();
  // Stops dispatching and waits for calls in flight to finish (at most the call timeout). Entries
  // not done stay in the store and are dispatched again at the next start.
  void Stop();

  DispatcherStats stats() const;

 private:
  void OnCommitted(std::vector<npd::store::v1::OutboxRecord> put,
                   std::vector<std::string> removed);                 // io thread
  void Schedule(npd::store::v1::OutboxRecord entry, absl::Time due);  // io thread
  void Unschedule(const std::string& refund_id);                      // io thread
  void Pump();                                                        // io thread
  void Dispatch(const npd::store::v1::OutboxRecord& entry);           // io thread
  void CallOutside(const npd::store::v1::RefundRecord& refund, npd::store::v1::OutboxRecord entry,
                   bool pay);                                         // io thread
  void Complete(const std::string& refund_id, absl::Status written);  // io thread
  // Posts an InternalCommand to the engine, counted so Stop can wait for its Finish.
  void PostCommand(engine::InternalCommand::Apply apply, engine::InternalCommand::Done done);

  storage::Store& store_;
  engine::Engine& engine_;
  OutsideSystems& systems_;
  const engine::Clock& clock_;
  const DispatcherOptions options_;

  boost::asio::io_context io_;
  boost::asio::steady_timer wakeup_;
  std::thread thread_;
  bool stopping_ = false;  // io thread

  // io thread only:
  std::map<std::string, std::pair<npd::store::v1::OutboxRecord, absl::Time>> entries_;
  std::set<std::pair<absl::Time, std::string>> due_;  // (when, refund id) of entries not in flight
  std::map<std::string, int64_t> in_flight_;          // refund id -> entry version being attempted
  std::mt19937_64 rng_{std::random_device{}()};

  std::mutex commands_mu_;
  std::condition_variable commands_done_;
  int commands_pending_ = 0;  // guarded by commands_mu_

  mutable std::mutex stats_mu_;
  DispatcherStats stats_;  // guarded by stats_mu_
};

}  // namespace npd::outbox

#endif  // NPD_DAEMON_OUTBOX_OUTBOX_DISPATCHER_H_
