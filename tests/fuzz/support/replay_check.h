// The replay check of the fuzz targets: the journal of a store, run again through npd's handlers,
// gives exactly the stored state (architecture.md: the current state must always equal the replay
// of its events).
//
// Replaying the whole journal for every input would replay the scenario's sixty steps again and
// again; ReplayChecker replays only the steps an input added, onto a copy of the scenario, the
// way daemon/replay's Runner replays each step. CheckFullReplay runs daemon/replay itself over
// the whole journal; the targets run it once on the scenario, so that both together cover what
// `npctl replay` checks.
#ifndef NPD_TESTS_FUZZ_SUPPORT_REPLAY_CHECK_H_
#define NPD_TESTS_FUZZ_SUPPORT_REPLAY_CHECK_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "storage/store.h"
#include "tests/fuzz/support/replay_context.h"

namespace npd::fuzz {

// Replays what a store added to `base` (a list of commits, e.g. the scenario's, whose journal
// holds a configuration entry). Built once per process: the base's configuration is parsed here.
class ReplayChecker {
 public:
  // `base` must outlive the checker.
  ReplayChecker(const std::vector<storage::WriteSet>& base, absl::Time base_now);

  // `store` must have started as the base and grown only by journaled steps. Replays the journal
  // entries it added onto a fresh store holding the base, each under the newest configuration
  // entry before it, at its recorded time, with its recorded side effects; aborts (Violation) when
  // a step fails, journals itself differently than recorded, or the result differs from `store`
  // in a table replay compares (replay::CompareStores).
  void Check(storage::Store& store) const;

 private:
  const std::vector<storage::WriteSet>& base_;
  const absl::Time base_now_;
  uint64_t base_last_entry_ = 0;
  std::unique_ptr<ReplayContext> base_context_;
};

// Replays the whole journal of `store` with daemon/replay into a memory store and aborts unless it
// succeeds and gives exactly `store`.
void CheckFullReplay(storage::Store& store);

}  // namespace npd::fuzz

#endif  // NPD_TESTS_FUZZ_SUPPORT_REPLAY_CHECK_H_
