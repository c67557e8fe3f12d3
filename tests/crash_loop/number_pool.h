// The numbers the crash loop ports: Beijing (local network 010) numbers of every carrier's blocks in
// the shipped plan, shuffled by the run's seed. Each number is handed out at most once per run,
// because a number that completed a port may not port again for 120 days (R06).
#ifndef NPD_TESTS_CRASH_LOOP_NUMBER_POOL_H_
#define NPD_TESTS_CRASH_LOOP_NUMBER_POOL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace npd::crash_loop {

// The local network every pool number belongs to (data/local_networks.csv).
inline constexpr char kBeijing[] = "010";
// The carriers of the shipped plan, sorted (as npd sorts confirmed_by).
inline const std::vector<std::string>& Carriers() {
  static const std::vector<std::string> kCarriers = {"cmcc", "ctcc", "cucc"};
  return kCarriers;
}

struct PoolNumber {
  std::string msisdn;
  std::string range_holder;  // the donor of its first port
};

// Thread-safe.
class NumberPool {
 public:
  explicit NumberPool(uint64_t seed);

  // The next unused number, or nullopt when the pool is exhausted.
  std::optional<PoolNumber> Next();
  // Every number handed out so far, in hand-out order.
  std::vector<PoolNumber> HandedOut() const;
  size_t capacity() const { return numbers_.size(); }

 private:
  std::vector<PoolNumber> numbers_;  // shuffled; immutable after construction
  mutable absl::Mutex mu_;
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace npd::crash_loop

#endif  // NPD_TESTS_CRASH_LOOP_NUMBER_POOL_H_
