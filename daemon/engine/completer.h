// Completer: finishes commands off the writer thread. Once a batch is durable the writer hands its
// commands over and goes on with the next batch while this thread answers them (for client
// requests: serialising the response and writing it to the connection, about a fifth of the
// writer's time when it did this itself). One thread, so batches finish in commit order.
#ifndef NPD_DAEMON_ENGINE_COMPLETER_H_
#define NPD_DAEMON_ENGINE_COMPLETER_H_

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "daemon/engine/command.h"

namespace npd::engine {

class Completer {
 public:
  using Finished = std::vector<std::pair<std::unique_ptr<Command>, absl::Status>>;

  Completer() = default;
  Completer(const Completer&) = delete;
  Completer& operator=(const Completer&) = delete;
  ~Completer() { Stop(); }

  void Start();
  // Finishes everything handed over so far, then stops the thread. Idempotent.
  void Stop();
  // Calls Finish(status) on every command of `batch`, in order, on the completer's thread (or on
  // the caller's when the completer is not running).
  void Hand(Finished batch);

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Finished> queue_;  // guarded by mu_
  bool running_ = false;        // guarded by mu_
  std::thread thread_;
};

}  // namespace npd::engine

#endif  // NPD_DAEMON_ENGINE_COMPLETER_H_
