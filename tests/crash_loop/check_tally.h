// What the checker ran and what it found: a count per kind of check, and every violation with a
// precise message. Thread-compatible (the loop's thread only).
#ifndef NPD_TESTS_CRASH_LOOP_CHECK_TALLY_H_
#define NPD_TESTS_CRASH_LOOP_CHECK_TALLY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace npd::crash_loop {

class CheckTally {
 public:
  // `n` more checks of `kind` ran (each one a single assertion on one port, number, change, row).
  void Count(const std::string& kind, int64_t n = 1) { counts_[kind] += n; }
  // A violated invariant, or a read the check depends on failing. Kept in order found.
  void Violation(const std::string& kind, const std::string& message) {
    violations_.push_back("[" + kind + "] " + message);
  }

  const std::map<std::string, int64_t>& counts() const { return counts_; }
  const std::vector<std::string>& violations() const { return violations_; }
  int64_t total() const {
    int64_t sum = 0;
    for (const auto& [kind, n] : counts_) sum += n;
    return sum;
  }

 private:
  std::map<std::string, int64_t> counts_;
  std::vector<std::string> violations_;
};

}  // namespace npd::crash_loop

#endif  // NPD_TESTS_CRASH_LOOP_CHECK_TALLY_H_
