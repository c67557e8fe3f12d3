#include "daemon/service/caller_limits.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"

namespace npd::service {
namespace {

// Buckets of principals that are idle and full are forgotten once this many are kept (principals
// are bounded by the certificates issued; the development header is not).
constexpr size_t kForgetAbove = 10000;
// How long a caller over its in-flight or stream cap is asked to wait.
constexpr absl::Duration kBusyRetry = absl::Milliseconds(100);

absl::Duration SteadyNow() {
  return absl::FromChrono(std::chrono::steady_clock::now().time_since_epoch());
}

}  // namespace

CallerLimits::Slot& CallerLimits::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = std::exchange(other.owner_, nullptr);
    key_ = std::move(other.key_);
    stream_ = other.stream_;
  }
  return *this;
}

void CallerLimits::Slot::Release() {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->Free(key_, stream_);
}

CallerLimits::CallerLimits(CallerLimitOptions options, std::function<absl::Duration()> now)
    : options_(options), now_(now ? std::move(now) : SteadyNow) {}

absl::StatusOr<CallerLimits::Slot> CallerLimits::Acquire(const std::string& key, bool stream,
                                                         absl::Duration& retry_after) {
  const absl::Duration now = now_();
  std::lock_guard lock(mu_);
  if (buckets_.size() > kForgetAbove) ForgetIdleLocked(now);
  auto [it, fresh] = buckets_.try_emplace(key);
  Bucket& b = it->second;
  if (fresh) {
    b.tokens = options_.burst;
    b.refilled_at = now;
  } else {
    const double elapsed = absl::ToDoubleSeconds(now - b.refilled_at);
    b.tokens = std::min(options_.burst, b.tokens + elapsed * options_.requests_per_second);
    b.refilled_at = now;
  }
  if (b.tokens < 1) {
    retry_after = absl::Seconds((1 - b.tokens) / options_.requests_per_second);
    return absl::ResourceExhaustedError(absl::StrCat(
        "rate limit: at most ", options_.requests_per_second, " requests per second (burst ",
        options_.burst, ") per principal; retry after ",
        absl::FormatDuration(absl::Ceil(retry_after, absl::Milliseconds(1)))));
  }
  if (stream && b.streams >= options_.max_streams) {
    retry_after = kBusyRetry;
    return absl::ResourceExhaustedError(absl::StrCat(
        "at most ", options_.max_streams, " open streams per principal; close one first"));
  }
  if (!stream && b.in_flight >= options_.max_in_flight) {
    retry_after = kBusyRetry;
    return absl::ResourceExhaustedError(absl::StrCat(
        "at most ", options_.max_in_flight, " calls in progress per principal; retry after ",
        absl::FormatDuration(kBusyRetry)));
  }
  b.tokens -= 1;
  ++(stream ? b.streams : b.in_flight);
  return Slot(this, key, stream);
}

void CallerLimits::Free(const std::string& key, bool stream) {
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) return;
  --(stream ? it->second.streams : it->second.in_flight);
}

void CallerLimits::ForgetIdleLocked(absl::Duration now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const Bucket& b = it->second;
    const double refilled =
        b.tokens + absl::ToDoubleSeconds(now - b.refilled_at) * options_.requests_per_second;
    if (b.in_flight == 0 && b.streams == 0 && refilled >= options_.burst) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

int CallerLimits::InFlight(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  return it == buckets_.end() ? 0 : it->second.in_flight;
}

int CallerLimits::Streams(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  return it == buckets_.end() ? 0 : it->second.streams;
}

}  // namespace npd::service
