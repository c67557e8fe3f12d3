#include "daemon/engine/feed_pruner.h"

#include <algorithm>
#include <memory>

#include "daemon/core/time_convert.h"
#include "daemon/engine/engine.h"
#include "daemon/engine/journal.h"
#include "spdlog/spdlog.h"

namespace npd::engine {
namespace {
constexpr size_t kReadChunk = 512;  // changes read from the store at a time
}  // namespace

absl::StatusOr<uint64_t> FeedPruneLimit(Txn& txn, const EngineContext& /*ctx*/,
                                        const FeedPruneOptions& options) {
  const absl::Time cutoff = txn.now() - options.retention;
  const uint64_t head = txn.FeedHead();
  uint64_t limit = txn.FirstRetainedFeedSequence();
  const uint64_t last = std::min(head, limit + options.max_per_run - 1);
  while (limit <= last) {
    auto changes = txn.ReadFeedRange(limit, std::min(last, limit + kReadChunk - 1));
    if (!changes.ok()) return changes.status();
    if (changes->empty()) break;
    for (const auto& change : *changes) {
      // A sequence missing from the range would be a gap: stop rather than prune past it.
      if (change.sequence() != limit) return limit;
      if (core::FromProto(change.effective_at()) > cutoff) return limit;
      ++limit;
    }
  }
  return limit;
}

absl::Status FeedPruneCommand::Execute(Txn& txn, const EngineContext& ctx) {
  auto limit = FeedPruneLimit(txn, ctx, options_);
  if (!limit.ok()) return limit.status();
  if (*limit > txn.FirstRetainedFeedSequence()) {
    txn.SetStep(FeedPruneStep(*limit));
    txn.PruneFeedBelow(*limit);
    pruned_below_ = *limit;
  }
  return absl::OkStatus();
}

void FeedPruneCommand::Finish(absl::Status status) {
  if (!status.ok()) {
    spdlog::warn("feed pruning failed, retrying at the next interval: {}", status.ToString());
  } else if (pruned_below_ > 0) {
    spdlog::info("feed pruned: first retained sequence is now {}", pruned_below_);
  }
}

void FeedPruner::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void FeedPruner::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void FeedPruner::Loop() {
  std::unique_lock lock(mu_);
  const auto interval = absl::ToChronoMilliseconds(options_.interval);
  while (!cv_.wait_for(lock, interval, [this] { return stop_; })) {
    engine_.Post(std::make_unique<FeedPruneCommand>(options_), Engine::Lane::kBackground);
  }
}

}  // namespace npd::engine
