#include "clients/carrier_sim/feed_follower.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/time/time.h"
#include "clients/carrier_sim/sim_log.h"
#include "clients/carrier_sim/snapshot_resync.h"
#include "clients/client/human_text.h"
#include "npd/v1/feed.grpc.pb.h"

namespace npd::carrier_sim {

FeedFollower::FeedFollower(std::shared_ptr<grpc::Channel> channel, std::string carrier,
                           LocalNpDb& db, FeedOptions options)
    : channel_(std::move(channel)), carrier_(std::move(carrier)), db_(db), options_(options) {}

FeedFollower::~FeedFollower() = default;

absl::Status FeedFollower::Run() {
  absl::StatusOr<uint64_t> start = db_.Position();
  if (!start.ok()) return start.status();
  {
    absl::MutexLock lock(&mu_);
    stats_.position = *start;
  }
  std::thread confirmer([this] { ConfirmLoop(); });

  absl::Status result;
  std::chrono::milliseconds backoff = options_.backoff_initial;
  while (true) {
    bool received = false;
    absl::Status fatal;
    const StreamEnd end = FollowOnce(received, fatal);
    if (end == StreamEnd::kStopped) break;
    if (end == StreamEnd::kFatal) {
      result = fatal;
      break;
    }
    if (end == StreamEnd::kResync) {
      absl::StatusOr<ResyncResult> resync =
          ResyncFromSnapshot(channel_, carrier_, db_, options_.snapshot_timeout);
      if (resync.ok()) {
        absl::MutexLock lock(&mu_);
        ++stats_.resyncs;
        stats_.position = resync->feed_sequence;
        if (resync->confirm.ok()) {
          stats_.confirmed = std::max(stats_.confirmed, resync->feed_sequence);
        }
        continue;
      }
      if (resync.status().code() != absl::StatusCode::kUnavailable) {
        result = resync.status();
        break;
      }
      Log("re-sync failed: " + std::string(resync.status().message()) + "; retrying");
    }
    if (received) backoff = options_.backoff_initial;
    {
      absl::MutexLock lock(&mu_);
      ++stats_.reconnects;
    }
    if (!WaitUnlessStopped(backoff)) break;
    backoff = std::min(backoff * 2, options_.backoff_max);
  }

  {
    absl::MutexLock lock(&mu_);
    confirmer_done_ = true;
    cv_.SignalAll();
  }
  confirmer.join();
  ConfirmApplied(/*force=*/false);
  return result;
}

FeedFollower::StreamEnd FeedFollower::FollowOnce(bool& received, absl::Status& fatal) {
  absl::StatusOr<uint64_t> position = db_.Position();
  if (!position.ok()) {
    fatal = position.status();
    return StreamEnd::kFatal;
  }
  // The stream has no deadline: it runs until Stop() cancels it or npd ends it.
  grpc::ClientContext context;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return StreamEnd::kStopped;
    stream_context_ = &context;
  }
  npd::v1::SubscribeRequest request;
  request.set_from_sequence(*position + 1);
  auto stub = npd::v1::RoutingFeedService::NewStub(channel_);
  auto reader = stub->Subscribe(&context, request);

  absl::Status refused;
  npd::v1::SubscribeResponse message;
  while (reader->Read(&message)) {
    received = true;
    if (message.has_change()) {
      const npd::v1::RoutingChange& change = message.change();
      refused = db_.Apply(change);
      if (!refused.ok()) {
        context.TryCancel();
        break;
      }
      LogDetail("applied " + client::ChangeLine(change));
      uint64_t unconfirmed = 0;
      {
        absl::MutexLock lock(&mu_);
        ++stats_.applied;
        stats_.position = change.sequence();
        unconfirmed = stats_.position - std::min(stats_.position, stats_.confirmed);
      }
      if (unconfirmed >= options_.confirm_every) KickConfirm(/*force=*/false);
    } else if (message.has_heartbeat()) {
      // An idle stream: confirm what was applied and not yet confirmed. When npd reports a
      // confirmed position behind the applied one, confirm even a position this process believes
      // it confirmed already. (A server that leaves confirmed_sequence 0 is not believed: 0 is
      // also what an older npd sends.)
      const uint64_t reported = message.heartbeat().confirmed_sequence();
      absl::MutexLock lock(&mu_);
      confirm_kicked_ = true;
      if (reported != 0 && reported < stats_.position) confirm_forced_ = true;
      cv_.SignalAll();
    }
  }
  if (!refused.ok()) {
    while (reader->Read(&message)) {
    }
  }
  const grpc::Status status = reader->Finish();
  {
    absl::MutexLock lock(&mu_);
    stream_context_ = nullptr;
    if (stopping_) return StreamEnd::kStopped;
  }

  if (!refused.ok()) {
    // A gap or duplicate (or a busy database) is never applied; subscribing again from the
    // database's position gets the right change.
    if (refused.code() == absl::StatusCode::kFailedPrecondition ||
        refused.code() == absl::StatusCode::kUnavailable) {
      Log("change not applied: " + std::string(refused.message()) + "; resubscribing");
      return StreamEnd::kRetry;
    }
    fatal = refused;
    return StreamEnd::kFatal;
  }
  const std::string from = std::to_string(*position + 1);
  switch (status.error_code()) {
    case grpc::StatusCode::FAILED_PRECONDITION:
      if (options_.auto_resync) {
        Log("npd no longer keeps the feed from " + from + " (" + status.error_message() +
            "); re-syncing from a snapshot");
        return StreamEnd::kResync;
      }
      fatal = absl::FailedPreconditionError(
          "npd no longer keeps the feed from position " + from + " (" + status.error_message() +
          "): run `npd-carrier-sim resync`, or `run --auto-resync`");
      return StreamEnd::kFatal;
    case grpc::StatusCode::INVALID_ARGUMENT:
      fatal = absl::InvalidArgumentError("npd refused to stream from " + from + " (" +
                                         status.error_message() +
                                         "): is this database ahead of npd, or from another npd?");
      return StreamEnd::kFatal;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
      fatal = FromGrpc(status, "Subscribe as " + carrier_);
      return StreamEnd::kFatal;
    default:
      Log("feed stream ended (" + StatusText(status) + "); resuming from " +
          std::to_string(db_.Position().value_or(*position) + 1) + " after a backoff");
      return StreamEnd::kRetry;
  }
}

void FeedFollower::ConfirmLoop() {
  while (true) {
    bool force = false;
    {
      absl::MutexLock lock(&mu_);
      if (!confirmer_done_ && !confirm_kicked_) {
        cv_.WaitWithTimeout(&mu_, absl::FromChrono(options_.confirm_interval));
      }
      if (confirmer_done_) return;
      force = confirm_forced_;
      confirm_kicked_ = confirm_forced_ = false;
    }
    ConfirmApplied(force);
  }
}

void FeedFollower::KickConfirm(bool force) {
  absl::MutexLock lock(&mu_);
  confirm_kicked_ = true;
  confirm_forced_ = confirm_forced_ || force;
  cv_.SignalAll();
}

void FeedFollower::ConfirmApplied(bool force) {
  uint64_t position = 0;
  uint64_t confirmed = 0;
  {
    absl::MutexLock lock(&mu_);
    position = stats_.position;
    confirmed = stats_.confirmed;
  }
  if (position == 0 || (position <= confirmed && !force)) return;
  const absl::Status status = ConfirmPosition(channel_, carrier_, position, options_.rpc_timeout);
  if (!status.ok()) {
    if (!confirm_failing_) Log(std::string(status.message()) + " (retrying)");
    confirm_failing_ = true;
    return;
  }
  if (confirm_failing_) Log("confirmations work again");
  confirm_failing_ = false;
  LogDetail("confirmed " + std::to_string(position));
  absl::MutexLock lock(&mu_);
  ++stats_.confirmations;
  stats_.confirmed = std::max(stats_.confirmed, position);
}

void FeedFollower::Stop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  if (stream_context_ != nullptr) stream_context_->TryCancel();
  cv_.SignalAll();
}

bool FeedFollower::WaitUnlessStopped(std::chrono::milliseconds delay) {
  const absl::Time until = absl::Now() + absl::FromChrono(delay);
  absl::MutexLock lock(&mu_);
  while (!stopping_ && absl::Now() < until) cv_.WaitWithDeadline(&mu_, until);
  return !stopping_;
}

FeedStats FeedFollower::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace npd::carrier_sim
