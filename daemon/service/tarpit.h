// Answers refused calls after a pause. A refusal is cheap for npd to make but just as cheap for a
// client to provoke again: answered at once, a client over its limits (or without a usable
// identity) can send as fast as npd refuses, and the calls of everyone else queue behind its
// refusals. Held for `delay`, each refused call keeps one of its connection's few HTTP/2 streams
// busy, which bounds how fast one client can be refused at all. Thread-safe; one thread.
#ifndef NPD_DAEMON_SERVICE_TARPIT_H_
#define NPD_DAEMON_SERVICE_TARPIT_H_

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "absl/time/time.h"

namespace npd::service {

class Tarpit {
 public:
  Tarpit();
  // Drain().
  ~Tarpit();

  // Runs `answer` after `delay` (at once for a zero delay, or once draining), on the tarpit's
  // thread or the caller's. `answer` must not block.
  void After(absl::Duration delay, std::function<void()> answer);
  // Runs every held answer now, and every later one at once. For shutdown: gRPC waits for the
  // calls these answer.
  void Drain();
  // Answers held now.
  size_t held() const;

 private:
  void Run();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<absl::Time, std::function<void()>> held_;  // guarded by mu_
  bool draining_ = false;                                  // guarded by mu_
  std::thread thread_;
};

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_TARPIT_H_
