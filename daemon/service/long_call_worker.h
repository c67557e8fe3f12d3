// A thread for rpc bodies that take long (a report's full scan of the history, a store
// checkpoint), so that the reactors of the callback API never block on them. Jobs run one at a
// time in arrival order; at most `max_queued` wait, so a burst of such calls is refused
// (RESOURCE_EXHAUSTED at the service) rather than piling up.
#ifndef NPD_DAEMON_SERVICE_LONG_CALL_WORKER_H_
#define NPD_DAEMON_SERVICE_LONG_CALL_WORKER_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>

#include <grpcpp/support/server_callback.h>

#include "absl/status/status.h"

namespace npd::service {

// Thread-safe.
class LongCallWorker {
 public:
  explicit LongCallWorker(size_t max_queued);
  // Runs every job still queued, then joins the thread. A job that finishes an rpc must have been
  // run before the gRPC server's Wait() can return, so by then the queue is empty.
  ~LongCallWorker();

  LongCallWorker(const LongCallWorker&) = delete;
  LongCallWorker& operator=(const LongCallWorker&) = delete;

  // Queues `job`. False (and `job` dropped) when `max_queued` jobs are already waiting.
  bool Post(std::function<void()> job);

 private:
  void Loop();

  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;  // guarded by mu_
  bool stop_ = false;                       // guarded by mu_
  std::thread thread_;
};

// Runs `body` on `worker` and finishes `reactor` with its status; when `worker` has no room,
// finishes it at once with RESOURCE_EXHAUSTED "<what> are already waiting; try again later".
void FinishOnWorker(LongCallWorker& worker, grpc::ServerUnaryReactor* reactor,
                    std::function<absl::Status()> body, std::string_view what);

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_LONG_CALL_WORKER_H_
