#include "daemon/service/long_call_worker.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/core/string_view_compat.h"
#include "daemon/service/status.h"

namespace npd::service {

LongCallWorker::LongCallWorker(size_t max_queued)
    : max_queued_(max_queued), thread_([this] { Loop(); }) {}

LongCallWorker::~LongCallWorker() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

bool LongCallWorker::Post(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (jobs_.size() >= max_queued_) return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void LongCallWorker::Loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left to run
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

void FinishOnWorker(LongCallWorker& worker, grpc::ServerUnaryReactor* reactor,
                    std::function<absl::Status()> body, std::string_view what) {
  const bool queued =
      worker.Post([reactor, body = std::move(body)] { reactor->Finish(ToGrpcStatus(body())); });
  if (!queued) {
    reactor->Finish(ToGrpcStatus(absl::ResourceExhaustedError(
        absl::StrCat(core::AbslView(what), " are already waiting; try again later"))));
  }
}

}  // namespace npd::service
