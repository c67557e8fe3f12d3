#include "daemon/engine/engine.h"

#include <pthread.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "daemon/engine/handlers.h"
#include "daemon/engine/journal.h"
#include "spdlog/spdlog.h"

namespace npd::engine {
namespace {

// A batch's clock, truncated to the microsecond the journal records (core::ToProto), so that a
// replayed step computes from exactly the time the live one did.
absl::Time StepTime(absl::Time now) { return absl::FromUnixMicros(absl::ToUnixMicros(now)); }

// A due timer travelling through the writer like any command.
class TimerCommand final : public Command {
 public:
  TimerCommand(npd::store::v1::TimerRecord timer, TimerScheduler& scheduler, absl::Duration retry)
      : timer_(std::move(timer)), scheduler_(scheduler), retry_(retry) {}

  absl::Status Execute(Txn& txn, const EngineContext& ctx) override {
    txn.SetStep(TimerStep(timer_));
    return HandleTimer(txn, ctx, timer_);
  }

  void Finish(absl::Status status) override {
    if (status.ok()) return;
    spdlog::warn("timer {} of {} {} failed, retrying: {}", static_cast<int>(timer_.kind()),
                 timer_.msisdn(), timer_.port_id(), status.ToString());
    scheduler_.RetryLater(std::move(timer_), retry_);
  }

 private:
  npd::store::v1::TimerRecord timer_;
  TimerScheduler& scheduler_;
  absl::Duration retry_;
};

}  // namespace

Engine::Engine(storage::Store& store, EngineContext context, EngineOptions options,
               const Clock& clock)
    : store_(store),
      context_(std::move(context)),
      options_(options),
      clock_(clock),
      timers_(clock, [this](const npd::store::v1::TimerRecord& t) { OnTimerDue(t); }) {}

Engine::~Engine() { Stop(); }

absl::Status Engine::Start() {
  auto counters = store_.LoadCounters();
  if (!counters.ok()) return counters.status();
  auto cursors = store_.LoadCursors();
  if (!cursors.ok()) return cursors.status();
  auto timers = store_.LoadTimers();
  if (!timers.ok()) return timers.status();
  counters_ = *counters;
  {
    std::lock_guard lock(cursors_mu_);
    for (const auto& c : *cursors) cursors_[c.carrier()] = c.confirmed_sequence();
  }
  if (absl::Status s = RecordSetup(); !s.ok()) return s;
  feed_head_.store(counters_.last_feed_sequence(), std::memory_order_release);
  first_retained_.store(std::max<uint64_t>(counters_.first_retained_feed_sequence(), 1));
  spdlog::info("engine: {} ports, {} events, feed head {}, {} timers re-armed",
               counters_.last_port_number(), counters_.last_event_sequence(),
               counters_.last_feed_sequence(), timers->size());
  {
    std::lock_guard lock(queue_mu_);
    accepting_ = true;
    stop_writer_ = false;
  }
  completer_.Start();
  writer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "npd-writer");
    WriterLoop();
  });
  timers_.Add(std::move(*timers));
  timers_.Start();
  return absl::OkStatus();
}

absl::Status Engine::RecordSetup() {
  const npd::store::v1::EngineSetup setup = SetupOf(context_);
  if (const uint64_t last = counters_.last_setup_journal_sequence(); last > 0) {
    auto entries = store_.ReadJournal(last - 1, 1);
    if (!entries.ok()) return entries.status();
    if (!entries->empty() && entries->front().has_setup() &&
        entries->front().setup().SerializeAsString() == setup.SerializeAsString()) {
      return absl::OkStatus();
    }
  }
  Staged staged;
  staged.counters = counters_;
  Txn txn(store_, staged, cursors_, StepTime(clock_.Now()));
  npd::store::v1::JournalEntry step = SetupStep(context_);
  txn.SetStep(std::move(step));
  std::move(txn).MergeInto(staged);
  if (absl::Status s = store_.Commit(staged.ToWriteSet()); !s.ok()) return s;
  counters_ = staged.counters;
  spdlog::info("engine: configuration recorded in the journal at entry {}",
               counters_.last_setup_journal_sequence());
  return absl::OkStatus();
}

void Engine::Stop() {
  {
    std::lock_guard lock(queue_mu_);
    if (!writer_.joinable()) return;
    accepting_ = false;
  }
  timers_.Stop();
  {
    std::lock_guard lock(queue_mu_);
    stop_writer_ = true;
  }
  queue_cv_.notify_all();
  writer_.join();
  completer_.Stop();  // every committed command is answered before Stop returns
}

void Engine::Post(std::unique_ptr<Command> command, Lane lane) {
  absl::Status refused;
  {
    std::lock_guard lock(queue_mu_);
    if (!accepting_) {
      refused = absl::UnavailableError("npd is shutting down; retry on another instance or later");
    } else if (queue_.size() + background_.size() >= options_.queue_limit) {
      refused = absl::ResourceExhaustedError("the writer queue is full; retry with backoff");
    } else {
      (lane == Lane::kBackground ? background_ : queue_).push_back(std::move(command));
    }
  }
  if (!refused.ok()) {
    command->Finish(refused);
    return;
  }
  queue_cv_.notify_one();
}

uint64_t Engine::ConfirmedPosition(const std::string& carrier) const {
  std::lock_guard lock(cursors_mu_);
  auto it = cursors_.find(carrier);
  return it == cursors_.end() ? 0 : it->second;
}

void Engine::OnTimerDue(const npd::store::v1::TimerRecord& timer) {
  Post(std::make_unique<TimerCommand>(timer, timers_, options_.timer_retry));
}

void Engine::WriterLoop() {
  std::deque<std::unique_ptr<Command>> batch;
  for (;;) {
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock,
                     [this] { return !queue_.empty() || !background_.empty() || stop_writer_; });
      if (queue_.empty() && background_.empty()) return;  // stop requested and everything drained
      const auto take = [&](std::deque<std::unique_ptr<Command>>& from, size_t up_to) {
        while (!from.empty() && batch.size() < up_to) {
          batch.push_back(std::move(from.front()));
          from.pop_front();
        }
      };
      take(background_, std::max<size_t>(1, options_.max_batch / 8));  // the share kept for them
      take(queue_, options_.max_batch);
      take(background_, options_.max_batch);
    }
    RunBatch(batch);
    batch.clear();
  }
}

void Engine::RunBatch(std::deque<std::unique_ptr<Command>>& commands) {
  Staged staged;
  staged.counters = counters_;
  std::map<std::string, uint64_t> cursors;
  {
    std::lock_guard lock(cursors_mu_);
    cursors = cursors_;
  }
  const absl::Time now = StepTime(clock_.Now());
  std::vector<absl::Status> outcomes;
  outcomes.reserve(commands.size());
  for (auto& command : commands) {
    Txn txn(store_, staged, cursors, now);
    absl::Status s = command->Execute(txn, context_);
    if (s.ok() && txn.WroteWithoutStep()) {
      s = absl::InternalError(
          "engine: a command staged writes without declaring its journal step (Txn::SetStep); "
          "nothing of it is written");
      spdlog::error("{}", s.ToString());
    }
    if (s.ok()) std::move(txn).MergeInto(staged);
    outcomes.push_back(std::move(s));
  }

  absl::Status committed = absl::OkStatus();
  if (staged.HasWrites()) committed = store_.Commit(staged.ToWriteSet());
  if (!committed.ok()) {
    spdlog::error("batch of {} commands not written: {}", commands.size(), committed.ToString());
  } else {
    const bool feed_advanced =
        staged.counters.last_feed_sequence() > counters_.last_feed_sequence();
    counters_ = staged.counters;
    first_retained_.store(std::max<uint64_t>(counters_.first_retained_feed_sequence(), 1));
    if (!staged.cursors.empty()) {
      std::lock_guard lock(cursors_mu_);
      for (const auto& [carrier, seq] : staged.cursors) cursors_[carrier] = seq;
    }
    const auto values = [](auto& timers) {
      std::vector<npd::store::v1::TimerRecord> out;
      out.reserve(timers.size());
      for (auto& [_, t] : timers) out.push_back(std::move(t));
      return out;
    };
    if (!staged.timers_removed.empty()) timers_.Remove(values(staged.timers_removed));
    if (!staged.timers_added.empty()) timers_.Add(values(staged.timers_added));
    if (!staged.outbox.empty() && outbox_listener_) {
      std::vector<npd::store::v1::OutboxRecord> put;
      std::vector<std::string> removed;
      for (auto& [refund_id, entry] : staged.outbox) {
        if (entry.has_value()) {
          put.push_back(std::move(*entry));
        } else {
          removed.push_back(refund_id);
        }
      }
      outbox_listener_(std::move(put), std::move(removed));
    }
    if (feed_advanced) {
      feed_head_.store(counters_.last_feed_sequence(), std::memory_order_release);
      if (feed_listener_) feed_listener_(counters_.last_feed_sequence());
    }
  }
  Completer::Finished finished;
  finished.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    finished.emplace_back(std::move(commands[i]), outcomes[i].ok() ? committed : outcomes[i]);
  }
  completer_.Hand(std::move(finished));
}

}  // namespace npd::engine
