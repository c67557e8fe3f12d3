#include "tests/support/replay_check.h"

#include <gtest/gtest.h>

#include "daemon/replay/replayer.h"
#include "daemon/replay/store_diff.h"
#include "storage/rocks_store.h"

namespace npd::testing {

void ExpectReplayMatches(const std::string& data_dir) {
  auto stored =
      storage::OpenRocksStore(storage::RocksOptions{.path = replay::DatabaseDir(data_dir)});
  ASSERT_TRUE(stored.ok()) << stored.status();
  auto scratch = storage::NewMemoryStore();
  auto outcome = replay::Replay(**stored, *scratch, replay::ReplayOptions());
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  auto differences = replay::CompareStores(**stored, *scratch, 20);
  ASSERT_TRUE(differences.ok()) << differences.status();
  for (const auto& d : *differences) ADD_FAILURE() << "replay: " << replay::Describe(d);
}

}  // namespace npd::testing
