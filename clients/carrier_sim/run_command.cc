// `run`: the feed follower and the donor, each on its own thread, until SIGINT/SIGTERM, --duration,
// or a fatal feed error. Signals are blocked in every thread and taken with sigtimedwait on the
// main thread, so no code runs in signal context; stopping goes through Stop() of each role.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <ctime>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/strings/str_split.h"
#include "clients/carrier_sim/app.h"
#include "clients/carrier_sim/donor_answerer.h"
#include "clients/carrier_sim/feed_follower.h"
#include "clients/carrier_sim/sim_log.h"
#include "clients/client/enum_names.h"

namespace npd::carrier_sim {
namespace {

struct RunArgs {
  double duration_seconds = 0;
  bool auto_resync = false;
  bool no_donor = false;
  uint64_t confirm_every = 100;
  int64_t confirm_interval_ms = 200;
  int64_t backoff_max_ms = 5000;
  int64_t poll_interval_ms = 500;
  int64_t answer_delay_ms = 0;
  double approve_ratio = 1.0;
  double silence_ratio = 0.0;
  std::vector<std::string> reject_reasons = {"R03"};
  uint64_t seed = 1;
};

// How often the main thread looks at signals, the duration and the follower.
constexpr long kTickNanos = 50'000'000;

std::string Summary(const std::string& carrier, const FeedStats& feed, const DonorStats& donor) {
  std::ostringstream line;
  line << "carrier " << carrier << ": " << feed.applied << " changes applied, "
       << feed.confirmations << " confirmations, " << donor.answered() << " ports answered ("
       << donor.approved << " approved, " << donor.rejected << " rejected, " << donor.silenced
       << " silent), " << feed.reconnects << " reconnects, " << feed.resyncs
       << " resyncs, position " << feed.position << ", confirmed " << feed.confirmed;
  return line.str();
}

int RunSimulator(Session& session, const RunArgs& args) {
  DonorPolicy policy;
  policy.approve_ratio = args.approve_ratio;
  policy.silence_ratio = args.silence_ratio;
  policy.seed = args.seed;
  policy.reject_reasons.clear();
  for (const std::string& item : args.reject_reasons) {
    for (absl::string_view name : absl::StrSplit(item, ',', absl::SkipEmpty())) {
      const auto reason = client::ParseReason(std::string_view(name.data(), name.size()));
      if (!reason) {
        std::cerr << "npd-carrier-sim: unknown reason code " << name << std::endl;
        return kExitUsage;
      }
      policy.reject_reasons.push_back(*reason);
    }
  }
  if (absl::Status valid = ValidateDonorPolicy(policy); !valid.ok()) {
    std::cerr << "npd-carrier-sim: " << valid.message() << std::endl;
    return kExitUsage;
  }

  // Before any thread exists (gRPC's included), so that every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<LocalNpDb> db = session.OpenDb();
  if (db == nullptr) return kExitError;
  const GlobalOptions& options = session.options();
  const auto channel = session.Channel();

  FeedOptions feed_options;
  feed_options.confirm_every = args.confirm_every;
  feed_options.confirm_interval = std::chrono::milliseconds(args.confirm_interval_ms);
  feed_options.backoff_max = std::chrono::milliseconds(args.backoff_max_ms);
  feed_options.auto_resync = args.auto_resync;
  feed_options.rpc_timeout = options.timeout();
  FeedFollower follower(channel, options.carrier, *db, feed_options);

  DonorOptions donor_options;
  donor_options.poll_interval = std::chrono::milliseconds(args.poll_interval_ms);
  donor_options.answer_delay = std::chrono::milliseconds(args.answer_delay_ms);
  donor_options.rpc_timeout = options.timeout();
  DonorAnswerer donor(channel, options.carrier, policy, donor_options);

  Log("running against " + options.server + " with " + options.db + " (position " +
      std::to_string(db->Position().value_or(0)) + ")");
  absl::Status feed_result;
  std::atomic<bool> feed_done{false};
  std::thread feed_thread([&] {
    feed_result = follower.Run();
    feed_done = true;
  });
  std::thread donor_thread;
  if (!args.no_donor) donor_thread = std::thread([&] { donor.Run(); });

  const auto started = std::chrono::steady_clock::now();
  const auto duration = std::chrono::duration<double>(args.duration_seconds);
  const timespec tick{0, kTickNanos};
  while (!feed_done) {
    siginfo_t info;
    if (sigtimedwait(&stop_signals, &info, &tick) > 0) break;
    if (args.duration_seconds > 0 && std::chrono::steady_clock::now() - started >= duration) break;
  }
  follower.Stop();
  donor.Stop();
  feed_thread.join();
  if (donor_thread.joinable()) donor_thread.join();

  std::cout << Summary(options.carrier, follower.stats(), donor.stats()) << std::endl;
  if (feed_result.ok()) return kExitOk;
  Log("error: " + std::string(feed_result.message()));
  return feed_result.code() == absl::StatusCode::kFailedPrecondition ? kExitNeedsResync
                                                                     : kExitError;
}

}  // namespace

void AddRunCommand(CLI::App& app, Session& session, Action& action) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* run = app.add_subcommand("run", "Follow the feed and answer ports as the donor");
  run->add_option("--duration", args->duration_seconds,
                  "Stop after SECONDS (default: until "
                  "SIGINT/SIGTERM)")
      ->type_name("SECONDS")
      ->check(CLI::NonNegativeNumber);
  run->add_flag("--auto-resync", args->auto_resync,
                "Re-sync from npd's snapshot when npd no longer keeps the feed after\nthe "
                "database's position (otherwise exit 4)");
  run->add_flag("--no-donor", args->no_donor, "Only follow the feed; never answer ports");
  run->add_option("--confirm-every", args->confirm_every, "Confirm after N unconfirmed changes")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  run->add_option("--confirm-interval-ms", args->confirm_interval_ms,
                  "... or at the latest MS after a change was applied")
      ->type_name("MS")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  run->add_option("--backoff-max-ms", args->backoff_max_ms, "Cap of the reconnect backoff")
      ->type_name("MS")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  run->add_option("--poll-interval-ms", args->poll_interval_ms,
                  "Donor: pause between two ListPorts polls")
      ->type_name("MS")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  run->add_option("--approve-ratio", args->approve_ratio, "Donor: share of ports approved, 0..1")
      ->type_name("R")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  run->add_option("--reject-reasons", args->reject_reasons,
                  "Donor: reasons a rejection picks from (R01-R05, R99), comma-separated")
      ->type_name("R01,R03,...")
      ->delimiter(',');
  run->add_option("--answer-delay-ms", args->answer_delay_ms,
                  "Donor: answer a port no earlier than MS after first seeing it")
      ->type_name("MS")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  run->add_option("--silence-ratio", args->silence_ratio,
                  "Donor: share of ports never answered (to exercise deadlines), 0..1")
      ->type_name("R")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  run->add_option("--seed", args->seed, "Donor: seed of every decision (same seed, same answers)")
      ->type_name("N")
      ->capture_default_str();
  run->footer(
      "Prints a one-line summary to stdout on exit. SIGKILL at any moment leaves a database that\n"
      "resumes correctly: each change is applied in one transaction with the position.");
  run->callback([&session, &action, args] {
    action = [&session, args] { return RunSimulator(session, *args); };
  });
}

}  // namespace npd::carrier_sim
