// The replay check every scenario test ends with (issue 5): the data directory's journal, replayed
// through the engine into a memory store, gives exactly the stored state.
#ifndef NPD_TESTS_SUPPORT_REPLAY_CHECK_H_
#define NPD_TESTS_SUPPORT_REPLAY_CHECK_H_

#include <string>

namespace npd::testing {

// Opens `data_dir` (npd must be stopped), replays it and adds a gtest failure naming every
// difference, or the divergence, when the replay does not match.
void ExpectReplayMatches(const std::string& data_dir);

}  // namespace npd::testing

#endif  // NPD_TESTS_SUPPORT_REPLAY_CHECK_H_
