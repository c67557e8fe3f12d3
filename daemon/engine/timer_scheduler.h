// TimerScheduler: holds the absolute due times of the timer index in memory and, on a Boost.Asio
// io_context thread, hands each timer to a callback once the clock reaches it. The durable index is
// in the store; this is its in-memory mirror, rebuilt from the store at start-up (so timers survive
// any crash and fire late rather than never).
#ifndef NPD_DAEMON_ENGINE_TIMER_SCHEDULER_H_
#define NPD_DAEMON_ENGINE_TIMER_SCHEDULER_H_

#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "absl/time/time.h"
#include "daemon/engine/clock.h"
#include "npd/store/v1/records.pb.h"

namespace npd::engine {

// Thread-safe: Add/Remove/RetryLater may be called from any thread; they post to the io thread.
class TimerScheduler {
 public:
  using FireFn = std::function<void(const npd::store::v1::TimerRecord&)>;

  // `fire` runs on the scheduler's thread, once per due timer, and must not block.
  TimerScheduler(const Clock& clock, FireFn fire);
  ~TimerScheduler();

  void Start();
  // Stops the thread; timers not yet fired stay in the store and are re-armed at the next start.
  void Stop();

  void Add(std::vector<npd::store::v1::TimerRecord> timers);
  void Remove(std::vector<npd::store::v1::TimerRecord> timers);
  // Fires `timer` again after `delay` (used when applying it failed).
  void RetryLater(npd::store::v1::TimerRecord timer, absl::Duration delay);

 private:
  void Rearm();    // io thread only
  void FireDue();  // io thread only

  const Clock& clock_;
  FireFn fire_;
  boost::asio::io_context io_;
  boost::asio::steady_timer wakeup_;
  std::map<std::string, npd::store::v1::TimerRecord> pending_;  // TimerKey order = due order
  std::thread thread_;
};

}  // namespace npd::engine

#endif  // NPD_DAEMON_ENGINE_TIMER_SCHEDULER_H_
