// The three carrier simulators (npd-carrier-sim run), one child process each with its own SQLite
// database and log file under the run's directory. They follow the feed, confirm, and answer the
// ports they are donor of (approve most, reject some); they are SIGKILLed and restarted now and then
// and must resume from their database's position. --auto-resync stays off: a simulator that would
// need a re-sync exits 4, which the run reports.
#ifndef NPD_TESTS_CRASH_LOOP_SIM_FLEET_H_
#define NPD_TESTS_CRASH_LOOP_SIM_FLEET_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace npd::crash_loop {

struct SimOptions {
  std::string binary;  // npd-carrier-sim
  std::string server;  // npd's fixed HOST:PORT
  std::string dir;     // databases and logs go here
  uint64_t seed = 1;
};

// Not thread-safe; used by the loop's thread. Pids are readable from a watchdog (KillAll).
class SimFleet {
 public:
  explicit SimFleet(SimOptions options);
  ~SimFleet();  // SIGKILLs whatever runs

  // Starts every simulator; false when a fork failed.
  bool StartAll();
  // SIGKILLs simulator `index` and starts it again on its database.
  bool KillAndRestart(size_t index);
  // SIGTERM to each, and waits: the exit codes (0 = clean).
  std::vector<int> StopAll();
  // Async-signal-safe enough for a watchdog: SIGKILL to every running simulator.
  void KillAll();
  // One line per simulator that exited on its own since the last call ("ctcc exited with 4").
  std::vector<std::string> Exited();

  size_t size() const { return carriers_.size(); }
  const std::string& carrier(size_t index) const { return carriers_[index]; }
  std::string db_path(size_t index) const;
  std::string log_path(size_t index) const;
  int restarts() const { return restarts_; }

 private:
  bool Start(size_t index);

  SimOptions options_;
  std::vector<std::string> carriers_;
  std::vector<std::atomic<pid_t>> pids_;
  int restarts_ = 0;
};

}  // namespace npd::crash_loop

#endif  // NPD_TESTS_CRASH_LOOP_SIM_FLEET_H_
