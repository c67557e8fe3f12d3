// npd-crash-loop: kills npd with SIGKILL at random moments under load, restarts it, and checks
// every invariant after each restart. See README.md.
#include <CLI/CLI.hpp>

#include "tests/crash_loop/crash_loop.h"

int main(int argc, char** argv) {
  npd::crash_loop::CrashLoopOptions options;
  options.npd_binary = NPD_BINARY;
  options.sim_binary = NPD_SIM_BINARY;
  options.plan_dir = NPD_DATA_DIR;

  CLI::App app{"npd-crash-loop: SIGKILL npd under load many times; check every invariant"};
  app.add_option("--kills", options.kills, "SIGKILLs of npd to survive")->capture_default_str();
  app.add_option("--min-kills", options.min_kills,
                 "fewer kills when --max-seconds ends the loop fail the run (default: --kills)");
  app.add_option("--max-seconds", options.max_seconds,
                 "hard limit of the whole run, final checks included")
      ->capture_default_str();
  app.add_option("--seed", options.seed, "seed of every random choice (0: from the clock)")
      ->capture_default_str();
  app.add_flag("--keep-dir", options.keep_dir,
               "keep npd's data, logs and the simulators' databases (always kept on failure)");
  app.add_option("--npd", options.npd_binary, "npd binary")->capture_default_str();
  app.add_option("--carrier-sim", options.sim_binary, "npd-carrier-sim binary")
      ->capture_default_str();
  app.add_option("--plan-dir", options.plan_dir, "number plan directory (data/)")
      ->capture_default_str();
  app.add_option("--clients", options.load.clients, "client threads driving the load")
      ->capture_default_str();
  app.add_option("--pace-ms", options.load.pace_ms, "pause of each client between operations")
      ->capture_default_str();
  app.add_option("--return-ratio", options.load.return_ratio,
                 "share of ports whose number is returned once completed")
      ->capture_default_str();
  app.add_option("--min-uptime", options.min_uptime, "seconds npd runs at least before a kill")
      ->capture_default_str();
  app.add_option("--max-uptime", options.max_uptime, "seconds npd runs at most before a kill")
      ->capture_default_str();
  app.add_option("--timer-grace", options.timer_grace,
                 "seconds a due timer may take to fire (after npd is ready)")
      ->capture_default_str();
  app.add_option("--sim-kill-every", options.sim_kill_every,
                 "one cycle in N also SIGKILLs a simulator")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--ack-timeout", options.ack_timeout, "npd's porting.ack_timeout")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (options.min_uptime <= 0 || options.max_uptime < options.min_uptime || options.kills < 1) {
    std::cerr << "npd-crash-loop: need 0 < --min-uptime <= --max-uptime and --kills >= 1\n";
    return 2;
  }
  return npd::crash_loop::RunCrashLoop(options);
}
