#include "tests/fuzz/support/store_driver.h"

#include <algorithm>
#include <utility>

#include "daemon/core/time_convert.h"
#include "daemon/engine/handlers.h"
#include "daemon/engine/journal.h"
#include "tests/fuzz/support/fuzz_world.h"

namespace npd::fuzz {
namespace {

// Most timers one FireDueTimers call runs: a handler that re-armed its own timer at the same
// moment would otherwise loop for ever (and is reported instead).
constexpr int kMaxTimersPerAdvance = 256;

}  // namespace

StoreDriver::StoreDriver(const engine::EngineContext& context,
                         const std::vector<storage::WriteSet>& history, absl::Time now)
    : context_(context), store_(storage::NewMemoryStore()), now_(now) {
  for (const storage::WriteSet& commit : history) {
    if (absl::Status s = store_->Commit(commit); !s.ok()) {
      Violation("replaying the scenario into a memory store failed: " + s.ToString());
    }
  }
  LoadState();
}

StoreDriver::StoreDriver(const engine::EngineContext& context,
                         std::unique_ptr<storage::Store> store, absl::Time now)
    : context_(context), store_(std::move(store)), now_(now) {
  LoadState();
}

void StoreDriver::LoadState() {
  auto counters = store_->LoadCounters();
  if (!counters.ok()) Violation("LoadCounters: " + counters.status().ToString());
  counters_ = *counters;
  auto cursors = store_->LoadCursors();
  if (!cursors.ok()) Violation("LoadCursors: " + cursors.status().ToString());
  cursors_.clear();
  for (const auto& c : *cursors) cursors_[c.carrier()] = c.confirmed_sequence();
}

absl::Status StoreDriver::Execute(const Body& body) {
  engine::Staged staged;
  staged.counters = counters_;
  engine::Txn txn(*store_, staged, cursors_, now_);
  absl::Status status = body(txn, context_);
  if (!status.ok()) return status;
  if (txn.WroteWithoutStep()) {
    Violation("a command staged writes without declaring its journal step");
  }
  std::move(txn).MergeInto(staged);
  if (!staged.HasWrites()) return status;
  storage::WriteSet writes = staged.ToWriteSet();
  if (absl::Status s = store_->Commit(writes); !s.ok()) {
    Violation("the memory store refused a commit: " + s.ToString());
  }
  ++commits_;
  if (recorded_ != nullptr) recorded_->push_back(std::move(writes));
  counters_ = staged.counters;
  for (const auto& [carrier, sequence] : staged.cursors) cursors_[carrier] = sequence;
  return status;
}

int StoreDriver::FireDueTimers() {
  int fired = 0;
  while (true) {
    auto timers = store_->LoadTimers();
    if (!timers.ok()) Violation("LoadTimers: " + timers.status().ToString());
    if (timers->empty() || core::FromProto(timers->front().due_at()) > now_) return fired;
    if (++fired > kMaxTimersPerAdvance) {
      Violation("more than 256 timers due at one moment: a timer keeps re-arming itself");
    }
    const npd::store::v1::TimerRecord timer = timers->front();
    absl::Status s = Execute([&](engine::Txn& txn, const engine::EngineContext& ctx) {
      txn.SetStep(engine::TimerStep(timer));
      return engine::HandleTimer(txn, ctx, timer);
    });
    if (!s.ok()) {
      // HandleTimer's contract: errors only for storage failures, and the memory store has none.
      Violation("timer " + npd::store::v1::TimerKind_Name(timer.kind()) + " of " + timer.port_id() +
                " failed: " + s.ToString());
    }
  }
}

int StoreDriver::AdvanceTo(absl::Time target) {
  int fired = 0;
  while (true) {
    auto timers = store_->LoadTimers();
    if (!timers.ok()) Violation("LoadTimers: " + timers.status().ToString());
    if (timers->empty()) break;
    const absl::Time due = core::FromProto(timers->front().due_at());
    if (due > target) break;
    const absl::Time at =
        absl::UnixEpoch() + absl::Ceil(due - absl::UnixEpoch(), absl::Microseconds(1));
    now_ = std::max(now_, at);
    fired += FireDueTimers();
    if (fired > kMaxTimersPerAdvance) {
      Violation("more than 256 timers fired in one advance of the clock");
    }
  }
  now_ = std::max(now_, target);
  return fired;
}

}  // namespace npd::fuzz
