#include "daemon/service/feed_stream.h"

#include <algorithm>
#include <utility>

#include "daemon/core/port_machine.h"
#include "daemon/core/time_convert.h"
#include "daemon/service/status.h"
#include "spdlog/spdlog.h"

namespace npd::service {
namespace {
constexpr size_t kReadChunk = 256;  // changes read from the store at a time
}  // namespace

FeedStream::FeedStream(storage::Store& store, FeedHub& hub, const engine::Engine& engine,
                       std::string caller, uint64_t next, uint64_t head,
                       std::shared_ptr<CallerLimits::Slot> slot)
    : store_(store),
      hub_(hub),
      engine_(engine),
      caller_(std::move(caller)),
      slot_(std::move(slot)),
      next_(next),
      head_(head) {}

void FeedStream::Begin() {
  hub_.Register(this);
  std::lock_guard lock(mu_);
  Pump();
}

void FeedStream::Wake(uint64_t head) {
  std::lock_guard lock(mu_);
  head_ = std::max(head_, head);
  Pump();
}

void FeedStream::HeartbeatIfIdle(uint64_t head, absl::Duration idle) {
  std::lock_guard lock(mu_);
  head_ = std::max(head_, head);
  if (ended_ || writing_ || !buffered_.empty() || next_ <= head_) return;
  if (absl::Now() - last_write_ < idle) return;
  auto& beat = *buffered_.emplace_back().mutable_heartbeat();
  beat.set_head_sequence(head_);
  *beat.mutable_sent_at() = core::ToProto(absl::Now());
  beat.set_delivered_sequence(next_ - 1);
  beat.set_confirmed_sequence(caller_ == core::kOperatorActor ? 0
                                                              : engine_.ConfirmedPosition(caller_));
  beat.set_first_retained_sequence(engine_.FirstRetainedSequence());
  Pump();
}

void FeedStream::EndForShutdown() {
  std::lock_guard lock(mu_);
  End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "npd is shutting down; resubscribe"));
}

void FeedStream::Pump() {
  if (ended_ || writing_) return;
  if (buffered_.empty() && next_ <= head_) {
    auto changes = store_.ReadFeed(next_, kReadChunk);
    if (!changes.ok()) {
      spdlog::error("feed read at {} failed: {}", next_, changes.status().ToString());
      End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "feed storage unavailable; resubscribe"));
      return;
    }
    // The feed has no gaps, so a missing next_ was pruned while this stream fell behind.
    const uint64_t found = changes->empty() ? head_ + 1 : changes->front().sequence();
    if (found != next_ && engine_.FirstRetainedSequence() > next_) {
      End(ToGrpcStatus(FeedHistoryPruned(next_, engine_.FirstRetainedSequence())));
      return;
    }
    for (auto& change : *changes) {
      if (change.sequence() != next_) {
        spdlog::error("feed gap: expected {} found {}", next_, change.sequence());
        End(grpc::Status(grpc::StatusCode::INTERNAL, "feed gap detected"));
        return;
      }
      ++next_;
      *buffered_.emplace_back().mutable_change() = std::move(change);
    }
  }
  if (buffered_.empty()) return;
  in_flight_ = std::move(buffered_.front());
  buffered_.pop_front();
  writing_ = true;
  last_write_ = absl::Now();
  StartWrite(&in_flight_);
}

void FeedStream::End(grpc::Status status) {
  if (ended_) return;
  ended_ = true;
  if (writing_) {
    finish_after_write_ = true;
    final_status_ = std::move(status);
  } else {
    Finish(std::move(status));
  }
}

void FeedStream::OnWriteDone(bool ok) {
  std::lock_guard lock(mu_);
  writing_ = false;
  if (finish_after_write_) {
    finish_after_write_ = false;
    Finish(final_status_);
    return;
  }
  if (!ok) {
    End(grpc::Status(grpc::StatusCode::CANCELLED, "stream broken"));
    return;
  }
  Pump();
}

void FeedStream::OnCancel() {
  std::lock_guard lock(mu_);
  End(grpc::Status::CANCELLED);
}

void FeedStream::OnDone() {
  hub_.Unregister(this);
  delete this;
}

}  // namespace npd::service
