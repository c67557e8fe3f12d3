#include "tests/fakes/delayed_tasks.h"

#include <algorithm>

namespace npd::fakes {

DelayedTasks::DelayedTasks(int workers) {
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { Work(); });
}

DelayedTasks::~DelayedTasks() { Stop(); }

void DelayedTasks::RunAfter(absl::Duration delay, std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return;
  queue_.emplace(std::make_pair(absl::Now() + delay, sequence_++), std::move(task));
}

void DelayedTasks::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    queue_.clear();
  }
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
}

size_t DelayedTasks::queued() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

void DelayedTasks::Work() {
  absl::MutexLock lock(&mu_);
  while (true) {
    // Wakes on a new task or stop, or when the earliest task may be due; a short cap keeps a task
    // queued earlier than the current head from waiting long.
    const absl::Time wake = queue_.empty() ? absl::Now() + absl::Milliseconds(50)
                                           : std::min(queue_.begin()->first.first,
                                                      absl::Now() + absl::Milliseconds(50));
    auto ready = [this] {
      mu_.AssertHeld();
      return stopping_ || (!queue_.empty() && queue_.begin()->first.first <= absl::Now());
    };
    mu_.AwaitWithDeadline(absl::Condition(&ready), wake);
    if (stopping_) return;
    if (queue_.empty() || queue_.begin()->first.first > absl::Now()) continue;
    std::function<void()> task = std::move(queue_.begin()->second);
    queue_.erase(queue_.begin());
    mu_.Unlock();
    task();
    mu_.Lock();
  }
}

}  // namespace npd::fakes
