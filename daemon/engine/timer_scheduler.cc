#include "daemon/engine/timer_scheduler.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "daemon/core/time_convert.h"
#include "storage/store.h"

namespace npd::engine {
namespace {
// The longest sleep between checks of the clock, so that a clock that jumps (or a test clock that
// is advanced) is noticed promptly.
constexpr auto kMaxSleep = std::chrono::milliseconds(200);
}  // namespace

TimerScheduler::TimerScheduler(const Clock& clock, FireFn fire)
    : clock_(clock), fire_(std::move(fire)), wakeup_(io_) {}

TimerScheduler::~TimerScheduler() { Stop(); }

void TimerScheduler::Start() {
  boost::asio::post(io_, [this] { Rearm(); });
  thread_ = std::thread([this] {
    auto guard = boost::asio::make_work_guard(io_);
    io_.run();
  });
}

void TimerScheduler::Stop() {
  if (!thread_.joinable()) return;
  io_.stop();
  thread_.join();
}

void TimerScheduler::Add(std::vector<npd::store::v1::TimerRecord> timers) {
  boost::asio::post(io_, [this, timers = std::move(timers)] {
    for (const auto& t : timers) pending_[storage::TimerKey(t)] = t;
    Rearm();
  });
}

void TimerScheduler::Remove(std::vector<npd::store::v1::TimerRecord> timers) {
  boost::asio::post(io_, [this, timers = std::move(timers)] {
    for (const auto& t : timers) pending_.erase(storage::TimerKey(t));
    Rearm();
  });
}

void TimerScheduler::RetryLater(npd::store::v1::TimerRecord timer, absl::Duration delay) {
  auto retry = std::make_shared<boost::asio::steady_timer>(io_, absl::ToChronoMicroseconds(delay));
  retry->async_wait([this, retry, timer = std::move(timer)](const boost::system::error_code& ec) {
    if (ec) return;
    pending_[storage::TimerKey(timer)] = timer;
    Rearm();
  });
}

void TimerScheduler::Rearm() {
  FireDue();
  auto sleep = std::chrono::duration_cast<std::chrono::steady_clock::duration>(kMaxSleep);
  if (!pending_.empty()) {
    const absl::Duration until = core::FromProto(pending_.begin()->second.due_at()) - clock_.Now();
    sleep = std::min(sleep, std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                absl::ToChronoMicroseconds(std::max(until, absl::ZeroDuration()))));
  }
  wakeup_.expires_after(sleep);
  wakeup_.async_wait([this](const boost::system::error_code& ec) {
    if (ec == boost::asio::error::operation_aborted) return;
    Rearm();
  });
}

void TimerScheduler::FireDue() {
  const absl::Time now = clock_.Now();
  while (!pending_.empty() && core::FromProto(pending_.begin()->second.due_at()) <= now) {
    npd::store::v1::TimerRecord timer = std::move(pending_.begin()->second);
    pending_.erase(pending_.begin());
    fire_(timer);
  }
}

}  // namespace npd::engine
