// `npctl feed watch`: print the routing change feed and, as a carrier, confirm what was printed.
//
// Threads: the main thread reads the stream and prints. A control thread owns everything timed:
// SIGINT/SIGTERM (blocked in every thread and taken with sigtimedwait, so no handler runs in signal
// context), --idle-exit, and the batched confirmations (the latest printed sequence, at most every
// 200 ms). Stopping always goes through ClientContext::TryCancel; the final confirmation is sent
// after the stream is closed and the control thread has been joined.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <iostream>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "clients/client/human_text.h"
#include "clients/client/json_text.h"
#include "clients/client/request_id.h"
#include "clients/npctl/commands.h"
#include "npd/v1/feed.grpc.pb.h"

namespace npd::npctl {
namespace {

using Clock = std::chrono::steady_clock;

// Confirmations are batched: at most one Confirm per this interval while watching.
constexpr auto kConfirmInterval = std::chrono::milliseconds(200);
// How often the control thread looks at signals, the idle timer and pending confirmations.
constexpr long kControlTickNanos = 50'000'000;

struct WatchArgs {
  uint64_t from = 0;
  bool confirm = false;
  int64_t max = 0;
  double idle_exit_seconds = 0;
};

// Why watching stopped before the stream ended by itself.
enum class StopCause { kNone, kSignal, kIdle, kMax, kConfirmFailed };

class FeedWatch {
 public:
  FeedWatch(Session& session, const WatchArgs& args) : session_(session), args_(args) {}

  // Watches until a stop cause or the end of the stream. Returns the exit code.
  int Run();

 private:
  void Control();
  // Confirms the latest printed sequence if it is beyond the confirmed one.
  grpc::Status ConfirmPrinted();
  // Records the first cause and cancels the stream. Thread-safe.
  void Stop(StopCause cause);
  StopCause cause() const;

  Session& session_;
  const WatchArgs args_;
  sigset_t stop_signals_;
  std::unique_ptr<npd::v1::RoutingFeedService::Stub> stub_;
  grpc::ClientContext stream_context_;

  std::atomic<uint64_t> last_printed_{0};
  std::atomic<Clock::rep> last_change_{0};
  std::atomic<bool> reading_done_{false};
  // Written by the control thread while it runs, by the main thread after joining it.
  uint64_t confirmed_ = 0;

  mutable absl::Mutex mu_;
  StopCause cause_ ABSL_GUARDED_BY(mu_) = StopCause::kNone;
  grpc::Status confirm_error_ ABSL_GUARDED_BY(mu_);
};

int FeedWatch::Run() {
  // Before any gRPC thread exists, so that every thread inherits the mask and the signals stay
  // pending for the control thread.
  sigemptyset(&stop_signals_);
  sigaddset(&stop_signals_, SIGINT);
  sigaddset(&stop_signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals_, nullptr);

  grpc::Status status = session_.Connect();
  if (!status.ok()) return session_.Fail(status);
  stub_ = npd::v1::RoutingFeedService::NewStub(session_.channel());

  // The stream runs until stopped: no deadline.
  npd::v1::SubscribeRequest request;
  request.set_from_sequence(args_.from);
  std::unique_ptr<grpc::ClientReader<npd::v1::SubscribeResponse>> reader =
      stub_->Subscribe(&stream_context_, request);
  last_change_ = Clock::now().time_since_epoch().count();
  std::thread control([this] { Control(); });

  npd::v1::SubscribeResponse message;
  int64_t changes = 0;
  while (reader->Read(&message)) {
    if (message.has_change()) {
      const std::string line =
          session_.json() ? client::ToJsonLine(message) : client::ChangeLine(message.change());
      std::cout << line << '\n' << std::flush;
      last_printed_ = message.change().sequence();
      last_change_ = Clock::now().time_since_epoch().count();
      if (args_.max > 0 && ++changes >= args_.max) {
        Stop(StopCause::kMax);
        break;
      }
    } else if (message.has_heartbeat() && session_.json()) {
      std::cout << client::ToJsonLine(message) << '\n' << std::flush;
    }
  }
  // After a stop the stream may still hold messages; they are neither printed nor confirmed.
  if (cause() != StopCause::kNone) {
    while (reader->Read(&message)) {
    }
  }
  status = reader->Finish();
  reading_done_ = true;
  control.join();

  if (cause() == StopCause::kConfirmFailed) {
    absl::MutexLock lock(&mu_);
    return session_.Fail(confirm_error_);
  }
  if (args_.confirm) {
    const grpc::Status confirmed = ConfirmPrinted();
    if (!confirmed.ok()) return session_.Fail(confirmed);
  }
  if (cause() != StopCause::kNone || status.ok()) return kExitOk;
  return session_.Fail(status);
}

void FeedWatch::Control() {
  const timespec tick{0, kControlTickNanos};
  const auto idle_limit = std::chrono::duration<double>(args_.idle_exit_seconds);
  Clock::time_point last_confirm = Clock::now();
  while (!reading_done_) {
    siginfo_t info;
    if (sigtimedwait(&stop_signals_, &info, &tick) > 0) {
      Stop(StopCause::kSignal);
      return;
    }
    const Clock::time_point now = Clock::now();
    const Clock::time_point last_change{Clock::duration(last_change_.load())};
    if (args_.idle_exit_seconds > 0 && now - last_change >= idle_limit) {
      Stop(StopCause::kIdle);
      return;
    }
    if (args_.confirm && now - last_confirm >= kConfirmInterval) {
      last_confirm = now;
      const grpc::Status status = ConfirmPrinted();
      if (!status.ok()) {
        {
          absl::MutexLock lock(&mu_);
          confirm_error_ = status;
        }
        Stop(StopCause::kConfirmFailed);
        return;
      }
    }
  }
}

grpc::Status FeedWatch::ConfirmPrinted() {
  const uint64_t sequence = last_printed_;
  if (sequence <= confirmed_) return grpc::Status::OK;
  npd::v1::ConfirmRequest request;
  request.set_request_id(client::NewRequestId());
  request.set_sequence(sequence);
  npd::v1::ConfirmResponse response;
  grpc::ClientContext context;
  session_.Prepare(context);
  grpc::Status status = stub_->Confirm(&context, request, &response);
  if (status.ok()) confirmed_ = sequence;
  return status;
}

void FeedWatch::Stop(StopCause cause) {
  {
    absl::MutexLock lock(&mu_);
    if (cause_ != StopCause::kNone) return;
    cause_ = cause;
  }
  stream_context_.TryCancel();
}

StopCause FeedWatch::cause() const {
  absl::MutexLock lock(&mu_);
  return cause_;
}

}  // namespace

void AddFeedCommands(CLI::App& app, Session& session, Action& action) {
  CLI::App* feed = app.add_subcommand("feed", "The routing change feed");
  feed->require_subcommand(1);

  auto args = std::make_shared<WatchArgs>();
  CLI::App* watch = feed->add_subcommand("watch", "Print (and confirm) routing changes");
  watch
      ->add_option("--from", args->from,
                   "First sequence to deliver. Default 0: after your confirmed\n"
                   "position (a carrier), or from 1 (the operator)")
      ->type_name("POS");
  watch->add_flag("--confirm", args->confirm,
                  "As the carrier given by --as: confirm the printed changes\n"
                  "(batched, every 200 ms and on exit, Ctrl-C included)");
  watch->add_option("--max", args->max, "Exit after N changes")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  watch
      ->add_option("--idle-exit", args->idle_exit_seconds,
                   "Exit 0 once no change arrived for SECONDS\n(heartbeats do not count)")
      ->type_name("SECONDS")
      ->check(CLI::PositiveNumber);
  Explain(
      *watch,
      "Prints each routing change as it commits, one line each:\n"
      "  #12 13800138000 cmcc -> cucc (port P000000000001) at 2026-11-29T11:00:00+08:00\n"
      "With --json, one object per line, heartbeats included. Runs until Ctrl-C or SIGTERM\n"
      "(exit 0), --max or --idle-exit. The stream has no deadline; --timeout bounds connecting\n"
      "and each Confirm.\n"
      "Example: npctl --as ctcc feed watch --confirm --idle-exit 2");
  watch->callback([&session, &action, args] {
    action = [&session, args] { return FeedWatch(session, *args).Run(); };
  });
  AddFeedSnapshotCommand(*feed, session, action);
}

}  // namespace npd::npctl
