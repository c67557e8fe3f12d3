// Work the fakes do later, off the rpc's thread: callbacks sent after the answer, their retries,
// and PENDING payouts becoming final.
#ifndef NPD_TESTS_FAKES_DELAYED_TASKS_H_
#define NPD_TESTS_FAKES_DELAYED_TASKS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace npd::fakes {

// A few worker threads running tasks at or after their due time, earliest first. Thread-safe.
class DelayedTasks {
 public:
  explicit DelayedTasks(int workers);
  // Stop().
  ~DelayedTasks();
  DelayedTasks(const DelayedTasks&) = delete;
  DelayedTasks& operator=(const DelayedTasks&) = delete;

  // Runs `task` on a worker no earlier than `delay` from now. After Stop() the task is dropped.
  void RunAfter(absl::Duration delay, std::function<void()> task);
  // Drops the tasks not started, waits for the running ones. Idempotent.
  void Stop();
  // Tasks queued and not started.
  size_t queued() const;

 private:
  void Work();

  mutable absl::Mutex mu_;
  // Keyed by (due, sequence) so that equal due times keep their order.
  std::map<std::pair<absl::Time, uint64_t>, std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  uint64_t sequence_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace npd::fakes

#endif  // NPD_TESTS_FAKES_DELAYED_TASKS_H_
