// The crash loop: npd (the real binary) under load from client threads and three carrier
// simulators, SIGKILLed at random moments and restarted on the same data and port, with every
// invariant of invariants.h checked after each restart and at the end. See README.md.
#ifndef NPD_TESTS_CRASH_LOOP_CRASH_LOOP_H_
#define NPD_TESTS_CRASH_LOOP_CRASH_LOOP_H_

#include <cstdint>
#include <string>

#include "tests/crash_loop/load_driver.h"

namespace npd::crash_loop {

struct CrashLoopOptions {
  // SIGKILLs of npd to survive. Default: 200.
  int kills = 200;
  // Fewer kills than this when --max-seconds ends the loop is a failure. Default: `kills`.
  int min_kills = -1;
  // Hard limit of the whole run, draining and final checks included. Default: 1800.
  double max_seconds = 1800;
  // Seed of every random choice (kill moments, numbers, carriers, the simulators' answers);
  // 0 picks one from the clock. Default: 0.
  uint64_t seed = 0;
  // Keep the run's directory (npd's data and log, the simulators' databases and logs). It is
  // always kept when the run fails. Default: false.
  bool keep_dir = false;
  std::string npd_binary;
  std::string sim_binary;
  std::string plan_dir;
  // npd's uptime between a restart and the next kill: uniform in [min_uptime, max_uptime] seconds;
  // every third cycle also waits out the timer grace first. Defaults: 0.2, 1.5.
  double min_uptime = 0.2;
  double max_uptime = 1.5;
  // How long after max(due time, npd ready) a timer may take to fire. Default: 2 s.
  double timer_grace = 2;
  // One cycle in this many also SIGKILLs and restarts one simulator. Default: 5.
  int sim_kill_every = 5;
  // porting.ack_timeout: short, so the T_ack resend and PARTIAL_FAILURE paths run across kills.
  // Default: "3s".
  std::string ack_timeout = "3s";
  LoadOptions load;
};

// Runs the loop and prints its summary to stdout (progress and violations to stderr). Returns the
// process exit status: 0 pass, 1 a violation, 3 the time limit came before min_kills.
int RunCrashLoop(CrashLoopOptions options);

}  // namespace npd::crash_loop

#endif  // NPD_TESTS_CRASH_LOOP_CRASH_LOOP_H_
