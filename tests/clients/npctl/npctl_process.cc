#include "tests/clients/npctl/npctl_process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace npd::testing {
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

NpctlProcess::NpctlProcess(const std::string& binary, const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env) {
  // Everything the child needs is built before fork(): after it, only async-signal-safe calls.
  std::vector<std::string> argv_strings = {binary};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(argv_strings.size() + 1);
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string variable = *entry;
    if (variable.rfind("NPD_", 0) == 0) continue;  // the test says what it wants
    env_strings.push_back(variable);
  }
  // An operator call names a person; tests that do not care act as test-operator.
  if (!env.contains("NPD_OPERATOR")) env_strings.emplace_back("NPD_OPERATOR=test-operator");
  for (const auto& [name, value] : env) env_strings.emplace_back(name).append("=").append(value);
  std::vector<char*> envp;
  envp.reserve(env_strings.size() + 1);
  for (std::string& variable : env_strings) envp.push_back(variable.data());
  envp.push_back(nullptr);
  const std::string out = dir_.Sub("out");
  const std::string err = dir_.Sub("err");
  started_ = Now();
  pid_ = fork();
  if (pid_ == 0) {
    const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out_fd < 0 || err_fd < 0) _exit(126);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
}

NpctlProcess::~NpctlProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::string NpctlProcess::Stdout() const { return ReadFile(dir_.Sub("out")); }

bool NpctlProcess::WaitForLines(size_t lines, double seconds) const {
  const double until = Now() + seconds;
  while (Now() < until) {
    const std::string out = Stdout();
    if (static_cast<size_t>(std::count(out.begin(), out.end(), '\n')) >= lines) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void NpctlProcess::Signal(int signal) const {
  if (pid_ > 0) kill(pid_, signal);
}

NpctlResult NpctlProcess::Wait(double seconds) {
  NpctlResult result;
  if (pid_ <= 0) return result;
  const double until = Now() + seconds;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (Now() >= until) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
  result.seconds = Now() - started_;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadFile(dir_.Sub("out"));
  result.err = ReadFile(dir_.Sub("err"));
  return result;
}

NpctlResult RunNpctl(const std::string& binary, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env) {
  return NpctlProcess(binary, args, env).Wait();
}

}  // namespace npd::testing
