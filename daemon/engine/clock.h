// Where the engine reads the time. Core never reads a clock; the engine passes `now` in.
#ifndef NPD_DAEMON_ENGINE_CLOCK_H_
#define NPD_DAEMON_ENGINE_CLOCK_H_

#include <atomic>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace npd::engine {

// Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The system's real-time clock.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// The real clock shifted by an offset the test can move forward, so timers due "in an hour" can be
// made due now without waiting. Thread-safe.
class OffsetClock final : public Clock {
 public:
  absl::Time Now() const override {
    return absl::Now() + absl::Microseconds(offset_us_.load(std::memory_order_relaxed));
  }
  void Advance(absl::Duration d) { offset_us_ += absl::ToInt64Microseconds(d); }

 private:
  std::atomic<int64_t> offset_us_{0};
};

}  // namespace npd::engine

#endif  // NPD_DAEMON_ENGINE_CLOCK_H_
