#include "tests/crash_loop/number_pool.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_format.h"

namespace npd::crash_loop {
namespace {

// The 7-digit Beijing blocks of data/local_networks.csv and their holders in
// data/number_blocks.csv (all portable mobile blocks).
struct Block {
  const char* prefix;
  const char* holder;
};
constexpr Block kBeijingBlocks[] = {
    {"1380013", "cmcc"}, {"1390010", "cmcc"}, {"1350100", "cmcc"}, {"1860100", "cucc"},
    {"1301000", "cucc"}, {"1330100", "ctcc"}, {"1890100", "ctcc"}, {"1530100", "ctcc"},
};

}  // namespace

NumberPool::NumberPool(uint64_t seed) {
  for (const Block& block : kBeijingBlocks) {
    for (int suffix = 0; suffix < 10000; ++suffix) {
      numbers_.push_back({absl::StrFormat("%s%04d", block.prefix, suffix), block.holder});
    }
  }
  std::mt19937_64 rng(seed);
  std::shuffle(numbers_.begin(), numbers_.end(), rng);
}

std::optional<PoolNumber> NumberPool::Next() {
  absl::MutexLock lock(&mu_);
  if (next_ >= numbers_.size()) return std::nullopt;
  return numbers_[next_++];
}

std::vector<PoolNumber> NumberPool::HandedOut() const {
  absl::MutexLock lock(&mu_);
  return {numbers_.begin(), numbers_.begin() + static_cast<std::ptrdiff_t>(next_)};
}

}  // namespace npd::crash_loop
