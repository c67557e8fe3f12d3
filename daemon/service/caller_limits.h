// Per-principal limits: a request rate (token bucket), unary calls in progress, and streams held
// open. One principal that floods npd is refused with RESOURCE_EXHAUSTED and a delay after which
// a retry can succeed, while every other principal keeps its own budget. Thread-safe.
#ifndef NPD_DAEMON_SERVICE_CALLER_LIMITS_H_
#define NPD_DAEMON_SERVICE_CALLER_LIMITS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace npd::service {

struct CallerLimitOptions {
  // limits.requests_per_second: sustained calls per principal (unary calls and stream opens).
  // Default: 5000.
  double requests_per_second = 5000;
  // limits.burst: calls a principal may make at once after being idle. Default: 10000.
  double burst = 10000;
  // limits.max_in_flight: unary calls of one principal in progress at once. Default: 1024.
  int max_in_flight = 1024;
  // limits.max_streams: Subscribe and ExportSnapshot streams one principal holds open. Default: 16.
  int max_streams = 16;
};

class CallerLimits {
 public:
  // Releases the call's in-flight or stream slot when destroyed. Movable.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept { *this = std::move(other); }
    Slot& operator=(Slot&& other) noexcept;
    ~Slot() { Release(); }
    void Release();

   private:
    friend class CallerLimits;
    Slot(CallerLimits* owner, std::string key, bool stream)
        : owner_(owner), key_(std::move(key)), stream_(stream) {}
    CallerLimits* owner_ = nullptr;
    std::string key_;
    bool stream_ = false;
  };

  // `now` is a monotonic clock (tests pass their own). Default: std::chrono::steady_clock.
  explicit CallerLimits(CallerLimitOptions options, std::function<absl::Duration()> now = nullptr);

  // Takes one request token and an in-flight (or, for `stream`, a stream) slot for principal
  // `key`. RESOURCE_EXHAUSTED saying which limit was hit; `retry_after` is then set to when a retry
  // may succeed (the next token for the rate; a short pause for in-flight and stream caps).
  absl::StatusOr<Slot> Acquire(const std::string& key, bool stream, absl::Duration& retry_after);

  // Calls in progress and streams open of `key` (for tests and metrics).
  int InFlight(const std::string& key) const;
  int Streams(const std::string& key) const;

 private:
  struct Bucket {
    double tokens = 0;
    absl::Duration refilled_at;
    int in_flight = 0;
    int streams = 0;
  };
  void Free(const std::string& key, bool stream);
  void ForgetIdleLocked(absl::Duration now);

  const CallerLimitOptions options_;
  const std::function<absl::Duration()> now_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_CALLER_LIMITS_H_
