// The npctl binary run as a child process, with its exit code, stdout and stderr captured.
#ifndef NPD_TESTS_CLIENTS_NPCTL_NPCTL_PROCESS_H_
#define NPD_TESTS_CLIENTS_NPCTL_NPCTL_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace npd::testing {

// What a finished npctl left behind.
struct NpctlResult {
  // The exit status, or 128 + the signal that killed it.
  int exit_code = -1;
  std::string out;
  std::string err;
  // Wall time from start to exit.
  double seconds = 0;
};

class NpctlProcess {
 public:
  // Starts `binary` with `args`. NPD_SERVER and NPD_AS are removed from its environment; `env`
  // adds variables.
  NpctlProcess(const std::string& binary, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env = {});
  // SIGKILLs a process still running.
  ~NpctlProcess();
  NpctlProcess(const NpctlProcess&) = delete;
  NpctlProcess& operator=(const NpctlProcess&) = delete;

  // stdout written so far.
  std::string Stdout() const;
  // Waits at most `seconds` until stdout holds `lines` newline-terminated lines. False on timeout.
  bool WaitForLines(size_t lines, double seconds) const;
  void Signal(int signal) const;
  // Waits for the exit, at most `seconds` (then SIGKILL).
  NpctlResult Wait(double seconds = 30);

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  double started_ = 0;
};

// Runs npctl to the end.
NpctlResult RunNpctl(const std::string& binary, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env = {});

}  // namespace npd::testing

#endif  // NPD_TESTS_CLIENTS_NPCTL_NPCTL_PROCESS_H_
