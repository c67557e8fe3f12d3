#include "tests/crash_loop/sim_fleet.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "tests/crash_loop/number_pool.h"
#include "tests/support/test_pki.h"

namespace npd::crash_loop {

SimFleet::SimFleet(SimOptions options)
    : options_(std::move(options)), carriers_(Carriers()), pids_(carriers_.size()) {
  for (auto& pid : pids_) pid = -1;
  // Each simulator presents its carrier's certificate from the shared test PKI.
  for (const auto& carrier : carriers_) testing::TestPki::Shared().Ensure(carrier);
}

SimFleet::~SimFleet() {
  KillAll();
  for (auto& pid : pids_) {
    if (pid > 0) waitpid(pid, nullptr, 0);
    pid = -1;
  }
}

std::string SimFleet::db_path(size_t index) const {
  return absl::StrCat(options_.dir, "/", carriers_[index], ".db");
}

std::string SimFleet::log_path(size_t index) const {
  return absl::StrCat(options_.dir, "/", carriers_[index], ".log");
}

bool SimFleet::StartAll() {
  for (size_t i = 0; i < carriers_.size(); ++i) {
    if (!Start(i)) return false;
  }
  return true;
}

bool SimFleet::Start(size_t index) {
  // Approve 90%, reject the rest with donor reasons; never silent (the run must drain). Confirm
  // often and retry the feed at most every second, so the simulators keep up between kills.
  std::vector<std::string> args = {options_.binary,
                                   "--server",
                                   options_.server,
                                   "--tls-dir",
                                   testing::TestPki::Shared().DirFor({carriers_[index]}),
                                   "--carrier",
                                   carriers_[index],
                                   "--db",
                                   db_path(index),
                                   "run",
                                   "--approve-ratio",
                                   "0.9",
                                   "--reject-reasons",
                                   "R03,R05",
                                   "--seed",
                                   absl::StrCat(options_.seed + index),
                                   "--confirm-interval-ms",
                                   "100",
                                   "--backoff-max-ms",
                                   "1000",
                                   "--poll-interval-ms",
                                   "200"};
  const std::string log = log_path(index);
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the loop
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  pids_[index] = pid;
  return true;
}

bool SimFleet::KillAndRestart(size_t index) {
  const pid_t pid = pids_[index].exchange(-1);
  if (pid > 0) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  ++restarts_;
  return Start(index);
}

std::vector<int> SimFleet::StopAll() {
  std::vector<int> codes;
  for (auto& slot : pids_) {
    const pid_t pid = slot.exchange(-1);
    if (pid <= 0) {
      codes.push_back(-1);
      continue;
    }
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  }
  return codes;
}

void SimFleet::KillAll() {
  for (auto& pid : pids_) {
    const pid_t p = pid.load();
    if (p > 0) kill(p, SIGKILL);
  }
}

std::vector<std::string> SimFleet::Exited() {
  std::vector<std::string> lines;
  for (size_t i = 0; i < pids_.size(); ++i) {
    const pid_t pid = pids_[i].load();
    int status = 0;
    if (pid > 0 && waitpid(pid, &status, WNOHANG) == pid) {
      pids_[i] = -1;
      lines.push_back(absl::StrCat(carriers_[i], " simulator exited by itself (",
                                   WIFEXITED(status) ? absl::StrCat("status ", WEXITSTATUS(status))
                                                     : absl::StrCat("signal ", WTERMSIG(status)),
                                   "); see ", log_path(i)));
    }
  }
  return lines;
}

}  // namespace npd::crash_loop
