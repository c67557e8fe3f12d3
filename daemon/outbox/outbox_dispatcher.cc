#include "daemon/outbox/outbox_dispatcher.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "daemon/core/time_convert.h"
#include "daemon/engine/journal.h"
#include "daemon/engine/refund_handlers.h"
#include "spdlog/spdlog.h"

namespace npd::outbox {
namespace {
// Longest sleep between looks at the clock (a test clock may be moved forward).
constexpr auto kMaxSleep = std::chrono::milliseconds(200);
}  // namespace

OutboxDispatcher::OutboxDispatcher(storage::Store& store, engine::Engine& engine,
                                   OutsideSystems& systems, const engine::Clock& clock,
                                   DispatcherOptions options)
    : store_(store),
      engine_(engine),
      systems_(systems),
      clock_(clock),
      options_(options),
      wakeup_(io_) {}

OutboxDispatcher::~OutboxDispatcher() { Stop(); }

engine::Engine::OutboxListener OutboxDispatcher::Listener() {
  return [this](std::vector<npd::store::v1::OutboxRecord> put, std::vector<std::string> removed) {
    boost::asio::post(io_, [this, put = std::move(put), removed = std::move(removed)]() mutable {
      OnCommitted(std::move(put), std::move(removed));
    });
  };
}

absl::Status OutboxDispatcher::Start() {
  auto loaded = store_.LoadOutbox();
  if (!loaded.ok()) return loaded.status();
  spdlog::info("outbox: {} pending refund steps", loaded->size());
  boost::asio::post(io_, [this, loaded = *std::move(loaded)] {
    for (const auto& entry : loaded) Schedule(entry, core::FromProto(entry.due_at()));
    Pump();
  });
  thread_ = std::thread([this] {
    auto guard = boost::asio::make_work_guard(io_);
    io_.run();
  });
  return absl::OkStatus();
}

void OutboxDispatcher::Stop() {
  if (!thread_.joinable()) return;
  // Once this has run on the io thread nothing dispatches any more (handlers run in order), so the
  // calls Drain waits for are all there will be.
  std::promise<void> stopped;
  boost::asio::post(io_, [this, &stopped] {
    stopping_ = true;
    wakeup_.cancel();
    stopped.set_value();
  });
  stopped.get_future().wait();
  // Calls in flight finish (each within the call timeout); their results are posted to the engine,
  // which is still running, and complete.
  systems_.Drain();
  {
    std::unique_lock lock(commands_mu_);
    commands_done_.wait(lock, [this] { return commands_pending_ == 0; });
  }
  io_.stop();
  thread_.join();
}

DispatcherStats OutboxDispatcher::stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

void OutboxDispatcher::OnCommitted(std::vector<npd::store::v1::OutboxRecord> put,
                                   std::vector<std::string> removed) {
  for (const auto& id : removed) Unschedule(id);
  for (auto& entry : put) {
    const absl::Time due = core::FromProto(entry.due_at());
    Schedule(std::move(entry), due);
  }
  Pump();
}

void OutboxDispatcher::Schedule(npd::store::v1::OutboxRecord entry, absl::Time due) {
  const std::string id = entry.refund_id();
  Unschedule(id);
  entries_[id] = {std::move(entry), due};
  if (!in_flight_.contains(id)) due_.insert({due, id});
}

void OutboxDispatcher::Unschedule(const std::string& refund_id) {
  auto it = entries_.find(refund_id);
  if (it == entries_.end()) return;
  due_.erase({it->second.second, refund_id});
  entries_.erase(it);
}

void OutboxDispatcher::Pump() {
  if (stopping_) return;
  const absl::Time now = clock_.Now();
  while (!due_.empty() && in_flight_.size() < options_.max_in_flight &&
         due_.begin()->first <= now) {
    const std::string id = due_.begin()->second;
    due_.erase(due_.begin());
    Dispatch(entries_.at(id).first);
  }
  auto sleep = std::chrono::duration_cast<std::chrono::steady_clock::duration>(kMaxSleep);
  if (!due_.empty()) {
    const absl::Duration until = std::max(due_.begin()->first - now, absl::ZeroDuration());
    sleep = std::min(sleep, std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                absl::ToChronoMicroseconds(until)));
  }
  wakeup_.expires_after(sleep);
  wakeup_.async_wait([this](const boost::system::error_code& ec) {
    if (ec == boost::asio::error::operation_aborted) return;
    Pump();
  });
}

void OutboxDispatcher::PostCommand(engine::InternalCommand::Apply apply,
                                   engine::InternalCommand::Done done) {
  {
    std::lock_guard lock(commands_mu_);
    ++commands_pending_;
  }
  // Background: a refund step's result yields to ports and cutovers in the writer's batches.
  engine_.Post(std::make_unique<engine::InternalCommand>(
                   std::move(apply),
                   [this, done = std::move(done)](absl::Status status) {
                     done(std::move(status));
                     std::lock_guard lock(commands_mu_);
                     if (--commands_pending_ == 0) commands_done_.notify_all();
                   }),
               engine::Engine::Lane::kBackground);
}

void OutboxDispatcher::Dispatch(const npd::store::v1::OutboxRecord& entry) {
  const std::string id = entry.refund_id();
  in_flight_[id] = entry.version();
  auto refund = store_.GetRefund(id);
  if (!refund.ok()) {
    spdlog::warn("outbox: cannot read refund {}: {}", id, refund.status().ToString());
    Complete(id, refund.status());
    return;
  }
  if (!refund->has_value()) {
    spdlog::error("outbox: entry for unknown refund {} dropped from memory", id);
    in_flight_.erase(id);
    Unschedule(id);
    return;
  }
  if (entry.step() == npd::v1::REFUND_STEP_PAYOUT && !entry.query_first()) {
    // Make "Pay may have been sent" durable first; only then send it.
    const int64_t version = entry.version();
    PostCommand(
        [id, version](engine::Txn& txn, const engine::EngineContext& ctx) {
          txn.SetStep(engine::BeginPayoutStep(id, version));
          return engine::HandleBeginPayout(txn, ctx, id, version);
        },
        [this, id, refund = **refund](absl::Status status) {
          boost::asio::post(io_, [this, id, refund, status] {
            if (stopping_) {  // no new call once Stop began: the entry says query_first now
              Complete(id, absl::CancelledError("stopping"));
              return;
            }
            if (!status.ok()) {
              Complete(id, status);
              return;
            }
            auto begun = store_.GetOutbox(id);
            if (!begun.ok() || !begun->has_value()) {
              Complete(id, begun.ok() ? absl::NotFoundError("payout entry gone") : begun.status());
              return;
            }
            in_flight_[id] = (*begun)->version();
            CallOutside(refund, **begun, /*pay=*/true);
          });
        });
    return;
  }
  CallOutside(**refund, entry, /*pay=*/false);
}

void OutboxDispatcher::CallOutside(const npd::store::v1::RefundRecord& refund,
                                   npd::store::v1::OutboxRecord entry, bool pay) {
  {
    std::lock_guard lock(stats_mu_);
    ++stats_.calls;
  }
  const std::string id = entry.refund_id();
  const int64_t version = entry.version();
  const double jitter = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  const npd::v1::RefundStep step = entry.step();
  systems_.Call(refund, entry, pay, [this, id, version, jitter, step](core::StepResult result) {
    result.version = version;
    PostCommand(
        [id, result = std::move(result), jitter, step](engine::Txn& txn,
                                                       const engine::EngineContext& ctx) {
          txn.SetStep(engine::StepResultStep(id, step, result, jitter));
          return engine::HandleStepResult(txn, ctx, id, result, jitter);
        },
        [this, id](absl::Status status) {
          boost::asio::post(io_, [this, id, status] { Complete(id, status); });
        });
  });
}

void OutboxDispatcher::Complete(const std::string& refund_id, absl::Status written) {
  auto flight = in_flight_.find(refund_id);
  const int64_t dispatched = flight == in_flight_.end() ? -1 : flight->second;
  if (flight != in_flight_.end()) in_flight_.erase(flight);
  {
    std::lock_guard lock(stats_mu_);
    if (written.ok()) {
      ++stats_.results;
    } else if (absl::IsFailedPrecondition(written)) {
      ++stats_.stale;
    } else {
      ++stats_.write_failed;
    }
  }
  if (!written.ok() && !absl::IsFailedPrecondition(written)) {
    spdlog::warn("outbox: result for refund {} not written: {}", refund_id, written.ToString());
  }
  auto it = entries_.find(refund_id);
  if (it != entries_.end()) {
    absl::Time due = it->second.second;
    // Nothing was applied and the entry did not change: wait before trying again, or a failing
    // write would spin.
    if (!written.ok() && it->second.first.version() == dispatched) {
      due = std::max(due, clock_.Now() + options_.write_retry);
    }
    npd::store::v1::OutboxRecord entry = it->second.first;
    Schedule(std::move(entry), due);
  }
  Pump();
}

}  // namespace npd::outbox
