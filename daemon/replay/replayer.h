// Offline replay: runs a store's journal again, step by step, through the same engine handlers and
// pure state machines, into a scratch store. Used on a checkpoint of a live npd (npctl admin
// checkpoint), never on the data directory of a running npd (RocksDB's lock refuses that anyway).
//
// Each step runs under the configuration in force when it ran (the newest EngineSetup entry before
// it), at its recorded time, with its recorded side effects; nothing else is taken from the
// journal. A step that fails, or that journals itself differently (another event count start,
// other side effects), is a divergence and stops the replay with an error naming the step.
#ifndef NPD_DAEMON_REPLAY_REPLAYER_H_
#define NPD_DAEMON_REPLAY_REPLAYER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/store.h"

namespace npd::replay {

struct ReplayOptions {
  // Stop before the first step whose events start after this event sequence (0: no bound). The
  // step that wrote this event is included whole: steps are atomic.
  uint64_t until_event_sequence = 0;
  // Stop before the first step that ran after this time.
  std::optional<absl::Time> until_time;
  // Steps written to the scratch store per commit. Default: 512.
  size_t steps_per_commit = 512;
  // Called after each commit and at the end with (steps done, steps in the journal).
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct ReplayOutcome {
  uint64_t steps = 0;                // journal entries replayed
  uint64_t journal_entries = 0;      // in the source's journal
  uint64_t last_event_sequence = 0;  // of the scratch store afterwards
  absl::Time last_step_at = absl::InfinitePast();
  bool stopped_early = false;  // an until bound stopped it before the journal's end
};

// The RocksDB directory of `dir`: `dir`/db for an npd data directory (storage.data_dir), or `dir`
// itself when it is a database (a checkpoint from npctl admin checkpoint). Empty when neither holds
// a database.
std::string DatabaseDir(const std::string& dir);

// Replays `source`'s journal into `scratch`, which must be empty. Errors:
// FAILED_PRECONDITION when the source has events but no journal, or a journal that does not begin
// with a configuration entry (a data directory written before the journal existed), or when
// `scratch` is not empty; DATA_LOSS for a gap in the journal; ABORTED when a step diverged (the
// message names the step, its command, actor, request id and time); storage errors as they come.
absl::StatusOr<ReplayOutcome> Replay(storage::Store& source, storage::Store& scratch,
                                     const ReplayOptions& options);

}  // namespace npd::replay

#endif  // NPD_DAEMON_REPLAY_REPLAYER_H_
