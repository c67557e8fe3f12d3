// The replay check every scenario test ends with (issue 5): the data directory's journal, replayed
// through the engine into a memory store, gives exactly the stored state.
#ifndef NPD_TESTS_SUPPORT_REPLAY_CHECK_H_
#define NPD_TESTS_SUPPORT_REPLAY_CHECK_H_

#include <cstdint>
#include <string>
#include <vector>

namespace npd::testing {

// Opens npd's `data_dir` (npd must be stopped), replays its journal into a memory store and returns
// every difference (replay::Describe) or the error that stopped the replay; empty when the stored
// state is exactly what the journal gives. `steps`, when not null, receives the steps replayed.
std::vector<std::string> ReplayMismatches(const std::string& data_dir, uint64_t* steps = nullptr);

// Opens `data_dir` (npd must be stopped), replays it and adds a gtest failure naming every
// difference, or the divergence, when the replay does not match.
void ExpectReplayMatches(const std::string& data_dir);

}  // namespace npd::testing

#endif  // NPD_TESTS_SUPPORT_REPLAY_CHECK_H_
