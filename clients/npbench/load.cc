#include "clients/npbench/load.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace npd::bench {
namespace {

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::OK:
      return "OK";
    case grpc::CANCELLED:
      return "CANCELLED";
    case grpc::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::INTERNAL:
      return "INTERNAL";
    default:
      return "OTHER";
  }
}

// Collects outcomes from completion threads.
class Recorder {
 public:
  // Must be the last thing a completion does: once the last call is recorded, RunLoad may return.
  void Record(const grpc::Status& status, int64_t us) {
    std::lock_guard lock(mu_);
    ++report_.completed;
    ++report_.by_code[status.error_code()];
    report_.latencies_us.push_back(us);
    --outstanding_;
    cv_.notify_all();
  }
  void Start() {
    std::lock_guard lock(mu_);
    ++outstanding_;
  }
  // A started call that was not made after all.
  void Abandon() {
    std::lock_guard lock(mu_);
    --outstanding_;
    cv_.notify_all();
  }
  // False when `limit` calls are already outstanding.
  bool TryStart(int limit) {
    std::lock_guard lock(mu_);
    if (outstanding_ >= limit) {
      ++report_.dropped;
      return false;
    }
    ++outstanding_;
    return true;
  }
  void WaitDrained() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return outstanding_ == 0; });
  }
  LoadReport Take() {
    std::lock_guard lock(mu_);
    std::sort(report_.latencies_us.begin(), report_.latencies_us.end());
    return std::move(report_);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int outstanding_ = 0;
  LoadReport report_;
};

}  // namespace

double LoadReport::Throughput() const {
  const double s = absl::ToDoubleSeconds(elapsed);
  return s > 0 ? static_cast<double>(completed) / s : 0;
}

int64_t LoadReport::Percentile(double q) const {
  if (latencies_us.empty()) return 0;
  const size_t i = std::min(latencies_us.size() - 1,
                            static_cast<size_t>(q * static_cast<double>(latencies_us.size())));
  return latencies_us[i];
}

std::string LoadReport::CodesText() const {
  std::string out;
  for (const auto& [code, count] : by_code) {
    absl::StrAppend(&out, out.empty() ? "" : " ", CodeName(code), "=", count);
  }
  return out;
}

LoadReport RunLoad(Workload& workload, const LoadOptions& options) {
  Recorder recorder;
  const absl::Time start = absl::Now();
  const absl::Time end = start + options.duration;
  std::atomic<uint64_t> started{0};
  // Reserves the next call; false once max_calls were started.
  auto reserve = [&] { return options.max_calls == 0 || started.fetch_add(1) < options.max_calls; };
  // Closed loop: each lane starts its next call when the previous one finished, until `end`, the
  // call limit or the workload's end. Declared at function scope: completions call it until the
  // last one has been recorded.
  std::atomic<int> lanes{options.rate <= 0 ? options.concurrency : 0};
  std::function<void(int)> next;
  if (options.rate <= 0) {
    next = [&](int slot) {
      if (absl::Now() >= end || !reserve()) {
        --lanes;
        return;
      }
      recorder.Start();
      const absl::Time sent = absl::Now();
      const bool issued = workload.Issue(slot, [&, slot, sent](const grpc::Status& s) {
        const int64_t us = absl::ToInt64Microseconds(absl::Now() - sent);
        next(slot);
        recorder.Record(s, us);
      });
      if (!issued) {
        --lanes;
        recorder.Abandon();
      }
    };
    for (int slot = 0; slot < options.concurrency; ++slot) next(slot);
  } else {
    // Open loop: call i is due at start + i / rate whatever happened to earlier calls.
    const absl::Duration gap = absl::Seconds(1) / options.rate;
    std::atomic<int> slot{0};
    for (int64_t i = 0;; ++i) {
      const absl::Time intended = start + gap * i;
      if (intended >= end || !reserve()) break;
      const absl::Duration wait = intended - absl::Now();
      if (wait > absl::ZeroDuration()) absl::SleepFor(wait);
      if (!recorder.TryStart(options.concurrency)) continue;
      const bool issued = workload.Issue(
          slot++ % options.concurrency, [&recorder, intended](const grpc::Status& s) {
            recorder.Record(s, absl::ToInt64Microseconds(absl::Now() - intended));
          });
      if (!issued) {
        recorder.Abandon();
        break;
      }
    }
  }
  // Closed-loop lanes stop at `end` (or their limit); wait for every outstanding call.
  while (absl::Now() < end && lanes.load() > 0) absl::SleepFor(absl::Milliseconds(5));
  recorder.WaitDrained();
  LoadReport report = recorder.Take();
  report.elapsed = absl::Now() - start;
  return report;
}

}  // namespace npd::bench
