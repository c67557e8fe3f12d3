#include "daemon/service/tarpit.h"

#include <utility>
#include <vector>

#include "absl/time/clock.h"

namespace npd::service {

Tarpit::Tarpit() : thread_([this] { Run(); }) {}

Tarpit::~Tarpit() {
  Drain();
  thread_.join();
}

void Tarpit::After(absl::Duration delay, std::function<void()> answer) {
  {
    std::lock_guard lock(mu_);
    if (!draining_ && delay > absl::ZeroDuration()) {
      held_.emplace(absl::Now() + delay, std::move(answer));
      cv_.notify_one();
      return;
    }
  }
  answer();
}

void Tarpit::Drain() {
  std::multimap<absl::Time, std::function<void()>> now;
  {
    std::lock_guard lock(mu_);
    draining_ = true;
    now.swap(held_);
    cv_.notify_one();
  }
  for (auto& [at, answer] : now) answer();
}

size_t Tarpit::held() const {
  std::lock_guard lock(mu_);
  return held_.size();
}

void Tarpit::Run() {
  std::unique_lock lock(mu_);
  while (!draining_ || !held_.empty()) {
    if (held_.empty()) {
      if (draining_) break;
      cv_.wait(lock);
      continue;
    }
    const absl::Time first = held_.begin()->first;
    if (absl::Now() < first && !draining_) {
      cv_.wait_for(lock, absl::ToChronoNanoseconds(first - absl::Now()));
      continue;
    }
    std::vector<std::function<void()>> due;
    const absl::Time now = absl::Now();
    while (!held_.empty() && (draining_ || held_.begin()->first <= now)) {
      due.push_back(std::move(held_.begin()->second));
      held_.erase(held_.begin());
    }
    lock.unlock();
    for (auto& answer : due) answer();
    lock.lock();
  }
}

}  // namespace npd::service
