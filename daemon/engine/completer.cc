#include "daemon/engine/completer.h"

#include <pthread.h>

namespace npd::engine {

void Completer::Start() {
  std::lock_guard lock(mu_);
  if (running_) return;
  running_ = true;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "npd-completer");
    Loop();
  });
}

void Completer::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!running_) return;
    running_ = false;
  }
  cv_.notify_all();
  thread_.join();
}

void Completer::Hand(Finished batch) {
  {
    std::lock_guard lock(mu_);
    if (running_) {
      queue_.push_back(std::move(batch));
      cv_.notify_one();
      return;
    }
  }
  for (auto& [command, status] : batch) command->Finish(std::move(status));
}

void Completer::Loop() {
  for (;;) {
    Finished batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return !queue_.empty() || !running_; });
      if (queue_.empty()) return;  // stopped and drained
      batch = std::move(queue_.front());
      queue_.pop_front();
    }
    for (auto& [command, status] : batch) command->Finish(std::move(status));
  }
}

}  // namespace npd::engine
