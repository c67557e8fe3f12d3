#include "tests/support/npd_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/test_pki.h"

namespace npd::testing {

NpdProcess::NpdProcess(std::string binary, std::string data_dir,
                       std::map<std::string, std::string> settings)
    : binary_(std::move(binary)), data_dir_(std::move(data_dir)), settings_(std::move(settings)) {
  // Mutual TLS with the shared test PKI, unless the test asks for the development mode.
  const TestPki& pki = TestPki::Shared();
  settings_.try_emplace("security.payee_key_file", pki.PayeeKeyFile());
  if (!settings_.contains("security.dev_header_identity")) {
    settings_.try_emplace("server.tls_cert", pki.ServerCert());
    settings_.try_emplace("server.tls_key", pki.ServerKey());
    settings_.try_emplace("server.tls_client_ca", pki.CaFile());
  }
}

NpdProcess::~NpdProcess() {
  if (pid_ > 0) Stop(SIGKILL);
}

bool NpdProcess::Start(int seconds) {
  const std::string port_file = data_dir_ + ".port";
  std::filesystem::remove(port_file);
  const auto listen = settings_.find("server.listen");
  std::vector<std::string> args = {binary_,
                                   "--listen",
                                   listen != settings_.end() ? listen->second : "127.0.0.1:0",
                                   "--data-dir",
                                   data_dir_,
                                   "--set",
                                   "server.port_file=" + port_file};
  for (const auto& [key, value] : settings_) {
    args.push_back("--set");
    args.push_back(key + "=" + value);
  }
  pid_ = fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    const int log = open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) {
      dup2(log, STDERR_FILENO);
      dup2(log, STDOUT_FILENO);
    }
    if (open_file_limit_ > 0) {
      rlimit files{open_file_limit_, open_file_limit_};
      setrlimit(RLIMIT_NOFILE, &files);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary_.c_str(), argv.data());
    _exit(127);
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < until) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::ifstream in(port_file);
    std::string address;
    if (in >> address && !address.empty()) {
      address_ = address;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

int NpdProcess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

}  // namespace npd::testing
