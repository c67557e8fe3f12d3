// Fixture of the npctl tests: a FakeNpd per test and npctl run against it as a child process.
#ifndef NPD_TESTS_CLIENTS_NPCTL_NPCTL_FIXTURE_H_
#define NPD_TESTS_CLIENTS_NPCTL_NPCTL_FIXTURE_H_

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/clients/npctl/fake_npd.h"
#include "tests/clients/npctl/npctl_process.h"

namespace npd::testing {

class NpctlTest : public ::testing::Test {
 protected:
  // npctl with `args`, then `--server <fake>` last (global options after the command must work).
  std::vector<std::string> Args(std::vector<std::string> args) const {
    args.push_back("--server");
    args.push_back(npd_.address());
    return args;
  }

  // Runs npctl with Args(args) to the end.
  NpctlResult Npctl(const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env = {}) const {
    return RunNpctl(NPCTL_BINARY, Args(args), env);
  }

  FakeNpd npd_;
};

}  // namespace npd::testing

#endif  // NPD_TESTS_CLIENTS_NPCTL_NPCTL_FIXTURE_H_
