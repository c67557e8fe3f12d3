#include "tests/support/replay_check.h"

#include <gtest/gtest.h>

#include "daemon/replay/replayer.h"
#include "daemon/replay/store_diff.h"
#include "storage/rocks_store.h"

namespace npd::testing {

std::vector<std::string> ReplayMismatches(const std::string& data_dir, uint64_t* steps) {
  const std::string database = replay::DatabaseDir(data_dir);
  if (database.empty()) return {"no database in " + data_dir};
  auto stored = storage::OpenRocksStore(storage::RocksOptions{.path = database});
  if (!stored.ok()) return {stored.status().ToString()};
  auto scratch = storage::NewMemoryStore();
  auto outcome = replay::Replay(**stored, *scratch, replay::ReplayOptions());
  if (!outcome.ok()) return {outcome.status().ToString()};
  if (steps != nullptr) *steps = outcome->steps;
  auto differences = replay::CompareStores(**stored, *scratch, 20);
  if (!differences.ok()) return {differences.status().ToString()};
  std::vector<std::string> out;
  for (const auto& d : *differences) out.push_back(replay::Describe(d));
  return out;
}

void ExpectReplayMatches(const std::string& data_dir) {
  for (const std::string& problem : ReplayMismatches(data_dir)) {
    ADD_FAILURE() << "replay: " << problem;
  }
}

}  // namespace npd::testing
