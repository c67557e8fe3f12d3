// A real npd process for tests: started with flags, killed with any signal, restarted on the same
// data.
#ifndef NPD_TESTS_SUPPORT_NPD_PROCESS_H_
#define NPD_TESTS_SUPPORT_NPD_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace npd::testing {

class NpdProcess {
 public:
  // `binary`: path of npd. `data_dir`: kept across restarts. `settings`: --set key=value pairs;
  // "server.listen" is passed as --listen (default 127.0.0.1:0, a fresh port at every start).
  // Unless `settings` turn on security.dev_header_identity, npd serves mutual TLS with the shared
  // test PKI (tests/support/test_pki.h).
  NpdProcess(std::string binary, std::string data_dir, std::map<std::string, std::string> settings);
  ~NpdProcess();  // SIGKILLs a process still running

  // Starts npd and waits (at most `seconds`) until it wrote its port file. False on failure.
  bool Start(int seconds = 20);
  // Starts npd with its open-file limit (soft and hard) at `files`; 0: inherited. Before Start.
  void set_open_file_limit(uint64_t files) { open_file_limit_ = files; }
  // Sends `signal` and waits for the process to exit; returns its wait status.
  int Stop(int signal);
  bool running() const { return pid_ > 0; }
  // Process id while running, -1 otherwise (for a watchdog that must kill it from another thread).
  pid_t pid() const { return pid_; }
  // "127.0.0.1:port" of the running process.
  const std::string& address() const { return address_; }
  // Path of the file npd's stderr goes to.
  std::string log_path() const { return data_dir_ + ".log"; }

 private:
  std::string binary_;
  std::string data_dir_;
  std::map<std::string, std::string> settings_;
  pid_t pid_ = -1;
  uint64_t open_file_limit_ = 0;
  std::string address_;
};

}  // namespace npd::testing

#endif  // NPD_TESTS_SUPPORT_NPD_PROCESS_H_
