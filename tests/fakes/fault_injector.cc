#include "tests/fakes/fault_injector.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"

namespace npd::fakes {
namespace {

absl::Status CheckRate(std::string_view name, double p) {
  if (!(p >= 0 && p <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("fault rate ", std::string(name), " must be in [0, 1], got ", p));
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view FaultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kError:
      return "error";
    case FaultKind::kTimeout:
      return "timeout";
    case FaultKind::kSlow:
      return "slow";
    case FaultKind::kCrashAfterEffect:
      return "crash_after_effect";
    case FaultKind::kDuplicateCallback:
      return "duplicate_callback";
    case FaultKind::kOutOfOrderCallback:
      return "out_of_order_callback";
  }
  return "unknown";
}

grpc::Status InjectedError() {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "injected fault: unavailable");
}

grpc::Status CrashedAfter(std::string_view effect) {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      absl::StrCat("crashed after ", std::string(effect)));
}

FaultPlan FaultPlan::Uniform(double rate) {
  FaultPlan plan;
  plan.error = plan.timeout = plan.slow = plan.crash_after_effect = plan.duplicate_callback =
      plan.out_of_order_callback = rate;
  return plan;
}

absl::Status FaultPlan::Validate() const {
  for (auto [name, p] : {std::pair<std::string_view, double>{"error", error},
                         {"timeout", timeout},
                         {"slow", slow},
                         {"crash_after_effect", crash_after_effect},
                         {"duplicate_callback", duplicate_callback},
                         {"out_of_order_callback", out_of_order_callback}}) {
    if (absl::Status s = CheckRate(name, p); !s.ok()) return s;
  }
  if (timeout_delay < absl::ZeroDuration() || slow_delay < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("fault delays must not be negative");
  }
  return absl::OkStatus();
}

FaultInjector::FaultInjector(FaultPlan plan, uint64_t seed, const absl::Notification* stopping)
    : plan_(plan), rng_(seed), stopping_(stopping) {}

FaultDraw FaultInjector::Draw(bool has_effect) {
  absl::MutexLock lock(&mu_);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  // Always six draws, in FaultKind order: the sequence must not depend on earlier outcomes.
  const double u[kFaultKindCount] = {unit(rng_), unit(rng_), unit(rng_),
                                     unit(rng_), unit(rng_), unit(rng_)};
  FaultDraw d;
  if (u[0] < plan_.error) {
    d.error = true;
    ++counts_[static_cast<int>(FaultKind::kError)];
    return d;
  }
  d.crash_after_effect = has_effect && u[3] < plan_.crash_after_effect;
  d.timeout = !d.crash_after_effect && u[1] < plan_.timeout;
  d.slow = u[2] < plan_.slow;
  d.duplicate_callback = u[4] < plan_.duplicate_callback;
  d.out_of_order_callback = u[5] < plan_.out_of_order_callback;
  if (d.timeout) ++counts_[static_cast<int>(FaultKind::kTimeout)];
  if (d.slow) ++counts_[static_cast<int>(FaultKind::kSlow)];
  if (d.crash_after_effect) ++counts_[static_cast<int>(FaultKind::kCrashAfterEffect)];
  return d;
}

bool FaultInjector::Chance(double p) {
  absl::MutexLock lock(&mu_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p;
}

void FaultInjector::CountInjected(FaultKind kind) {
  absl::MutexLock lock(&mu_);
  ++counts_[static_cast<int>(kind)];
}

void FaultInjector::SetPlan(FaultPlan plan) {
  absl::MutexLock lock(&mu_);
  plan_ = plan;
}

FaultPlan FaultInjector::plan() const {
  absl::MutexLock lock(&mu_);
  return plan_;
}

FaultCounts FaultInjector::counts() const {
  absl::MutexLock lock(&mu_);
  return counts_;
}

void FaultInjector::Sleep(grpc::ServerContext* context, absl::Duration delay) const {
  const absl::Time until = absl::Now() + delay;
  for (absl::Time now = absl::Now(); now < until; now = absl::Now()) {
    if (context != nullptr && context->IsCancelled()) return;
    if (stopping_->WaitForNotificationWithTimeout(std::min(until - now, absl::Milliseconds(20)))) {
      return;
    }
  }
}

}  // namespace npd::fakes
