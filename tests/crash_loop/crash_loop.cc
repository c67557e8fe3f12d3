#include "tests/crash_loop/crash_loop.h"

#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/crash_loop/ack_ledger.h"
#include "tests/crash_loop/check_tally.h"
#include "tests/crash_loop/invariants.h"
#include "tests/crash_loop/npd_view.h"
#include "tests/crash_loop/number_pool.h"
#include "tests/crash_loop/sim_fleet.h"
#include "tests/support/npd_client.h"
#include "tests/support/npd_process.h"
#include "tests/support/replay_check.h"

namespace npd::crash_loop {
namespace {

// A loopback port free now, kept for the whole run so the simulators' --server stays valid.
int PickFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string MakeRunDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "npd-crash-loop-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

// Kills npd and the simulators and ends the process if the run overruns its hard limit, so the
// loop always ends by itself even if a call hangs.
class Watchdog {
 public:
  Watchdog(absl::Time deadline, npd::testing::NpdProcess& npd, SimFleet& sims)
      : thread_([this, deadline, &npd, &sims] {
          std::unique_lock lock(mu_);
          if (cv_.wait_until(lock, absl::ToChronoTime(deadline), [this] { return done_; })) return;
          std::fprintf(stderr, "npd-crash-loop: watchdog: the run overran its time limit\n");
          if (npd.pid() > 0) kill(npd.pid(), SIGKILL);
          sims.KillAll();
          _exit(4);
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

void SleepUntil(absl::Time t) {
  const absl::Duration left = t - absl::Now();
  if (left > absl::ZeroDuration()) absl::SleepFor(left);
}

void PrintSummary(bool pass, int kills, int sim_kills, const CheckTally& tally,
                  const AckLedger& ledger, const LoadStats& load, NpdView& npd,
                  size_t partial_failures_seen, absl::Duration took, uint64_t seed) {
  const AckCounts acks = ledger.counts();
  std::map<std::string, int> states;
  int resent_ports = 0;
  if (auto ports = npd.ListPorts(); ports.ok()) {
    for (const auto& p : *ports) {
      ++states[npd::v1::PortState_Name(p.state())];
      if (p.resend_count() > 0) ++resent_ports;
    }
  }
  std::cout << "npd-crash-loop: " << (pass ? "PASS" : "FAIL") << ": " << kills
            << " kills of npd survived (SIGKILL, restart on the same data), " << sim_kills
            << " simulator kills, " << tally.violations().size() << " violations\n"
            << "duration " << absl::FormatDuration(absl::Trunc(took, absl::Milliseconds(100)))
            << ", seed " << seed << "\n"
            << "acknowledged: " << acks.transitions << " transitions (" << acks.ports_submitted
            << " ports submitted, " << acks.ports_refused << " refused at submit, " << acks.returns
            << " number returns, " << acks.resends << " operator resends); " << load.operations
            << " client operations, " << load.retries << " attempts retried while npd was down\n"
            << "ports at the end:";
  for (const auto& [state, n] : states) std::cout << " " << state.substr(11) << " " << n;
  std::cout << "\nT_ack path: " << resent_ports << " transactions with a routing resend, "
            << partial_failures_seen << " seen in PARTIAL_FAILURE by the checker";
  std::cout << "\nchecks run: " << tally.total() << "\n";
  for (const auto& [kind, n] : tally.counts()) {
    std::cout << "  " << kind << std::string(26 - std::min<size_t>(kind.size(), 25), ' ') << n
              << "\n";
  }
  std::cout.flush();
}

}  // namespace

int RunCrashLoop(CrashLoopOptions options) {
  if (options.seed == 0) options.seed = static_cast<uint64_t>(absl::ToUnixNanos(absl::Now()));
  if (options.min_kills < 0) options.min_kills = options.kills;
  options.load.seed = options.seed;
  const absl::Time started = absl::Now();
  const absl::Duration limit = absl::Seconds(options.max_seconds);
  // Room at the end for draining and the final checks.
  const absl::Duration reserve = std::clamp(limit / 4, absl::Seconds(15), absl::Seconds(90));
  const absl::Time loop_end = started + limit - reserve;
  const absl::Time drain_end = started + limit - absl::Seconds(5);
  std::mt19937_64 rng(options.seed);
  auto uniform = [&rng](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };

  const std::string dir = MakeRunDir();
  const int port = PickFreePort();
  if (dir.empty() || port <= 0) {
    std::cerr << "npd-crash-loop: cannot make a run directory or find a free port\n";
    return 1;
  }
  const std::string address = absl::StrCat("127.0.0.1:", port);
  std::cerr << "npd-crash-loop: seed " << options.seed << ", npd at " << address << ", files in "
            << dir << "\n";

  npd::testing::NpdProcess npd(options.npd_binary, dir + "/npd",
                               {{"plan.dir", options.plan_dir},
                                {"security.identity_secret", "crash-loop-secret"},
                                {"server.listen", address},
                                {"server.drain_timeout", "2s"},
                                {"porting.cutover_mode", "immediate"},
                                {"porting.ack_timeout", options.ack_timeout},
                                {"porting.blackout_last_days_of_month", "0"},
                                {"feed.heartbeat_interval", "300ms"}});
  SimFleet sims({options.sim_binary, address, dir, options.seed});
  Watchdog watchdog(started + limit + absl::Seconds(30), npd, sims);
  npd::testing::NpdClient health(address, npd::testing::FastReconnectArgs());
  NumberPool pool(options.seed);
  AckLedger ledger;
  CheckTally tally;
  NpdView view(address);
  InvariantChecker checker(view, ledger, pool, sims, tally);
  LoadDriver load(address, pool, ledger, options.load);

  // Starts npd on its data and waits until it serves; a violation when it does not.
  auto start_npd = [&](const char* when) {
    if (npd.Start(30) && health.WaitReady(30)) return true;
    tally.Violation("restart",
                    absl::StrCat("npd did not come up ", when, "; see ", npd.log_path()));
    return false;
  };

  int kills = 0;
  if (start_npd("at the start") && sims.StartAll()) {
    load.Start();
    absl::Time ready_at = absl::Now();
    for (int cycle = 1; kills < options.kills && tally.violations().empty(); ++cycle) {
      double uptime = uniform(options.min_uptime, options.max_uptime);
      if (cycle % 3 == 0) uptime += options.timer_grace + 0.3;
      const absl::Time kill_at = ready_at + absl::Seconds(uptime);
      if (kill_at > loop_end) break;
      if (uniform(0, 1) < 1.0 / options.sim_kill_every) {
        SleepUntil(ready_at + absl::Seconds(uptime / 2));
        sims.KillAndRestart(static_cast<size_t>(uniform(0, static_cast<double>(sims.size()))));
      }
      SleepUntil(kill_at);
      checker.CheckTimers(ready_at, absl::Seconds(options.timer_grace));

      npd.Stop(SIGKILL);
      ++kills;
      absl::SleepFor(absl::Seconds(uniform(0, 0.3)));  // timers come due while npd is down
      if (!start_npd("after a kill")) break;
      ready_at = absl::Now();
      for (const std::string& line : sims.Exited()) tally.Violation("simulator", line);
      load.Pause();
      checker.CheckState();
      load.Resume();
      if (kills % 10 == 0) {
        std::cerr << "npd-crash-loop: " << kills << " kills, " << tally.total() << " checks, "
                  << ledger.counts().transitions << " acknowledged, "
                  << absl::FormatDuration(absl::Trunc(absl::Now() - started, absl::Seconds(1)))
                  << "\n";
      }
    }
    load.Stop();
    for (const std::string& line : load.errors()) tally.Violation("load", line);
    if (tally.violations().empty() && checker.Drain(drain_end)) {
      // The settled state must survive a kill too.
      npd.Stop(SIGKILL);
      if (start_npd("for the final checks")) checker.CheckFinal();
    }
  }

  const std::vector<int> sim_exits = sims.StopAll();
  for (size_t i = 0; i < sim_exits.size(); ++i) {
    if (sim_exits[i] != 0) {
      tally.Violation("simulator", absl::StrCat(sims.carrier(i), " stopped with status ",
                                                sim_exits[i], "; see ", sims.log_path(i)));
    }
  }
  const bool pass = tally.violations().empty();
  for (size_t i = 0; i < tally.violations().size() && i < 50; ++i) {
    std::cerr << "npd-crash-loop: VIOLATION " << tally.violations()[i] << "\n";
  }
  PrintSummary(pass, kills, sims.restarts(), tally, ledger, load.stats(), view,
               checker.partial_failures_seen(), absl::Now() - started, options.seed);
  npd.Stop(SIGTERM);
  // Every kill left the journal and the state in one WriteBatch: the journal of the whole run
  // replays to exactly the stored state.
  std::vector<std::string> replay =
      pass ? npd::testing::ReplayMismatches(dir + "/npd") : std::vector<std::string>{};
  for (const std::string& line : replay) std::cerr << "npd-crash-loop: REPLAY " << line << "\n";
  if (pass && replay.empty()) std::cerr << "npd-crash-loop: replay of the journal matches\n";
  int status = pass && replay.empty() ? 0 : 1;
  if (pass && kills < options.min_kills) {
    std::cerr << "npd-crash-loop: the time limit came after " << kills << " kills, fewer than "
              << options.min_kills << "\n";
    status = 3;
  }
  if (status == 0 && !options.keep_dir) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  } else {
    std::cerr << "npd-crash-loop: run directory kept: " << dir << "\n";
  }
  return status;
}

}  // namespace npd::crash_loop
