// The single writer without threads, for fuzzing: a store, the counters and confirmed positions the
// engine keeps, and a clock the input moves. Each Execute is one command in a batch of its own,
// exactly as Engine::RunBatch runs it (Txn over the committed state, the step's writes merged and
// committed only when it succeeds, a write without a journal step refused), so what the fuzz
// targets find is what npd would do. Not thread-safe.
#ifndef NPD_TESTS_FUZZ_SUPPORT_STORE_DRIVER_H_
#define NPD_TESTS_FUZZ_SUPPORT_STORE_DRIVER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/engine/command.h"
#include "daemon/engine/txn.h"
#include "storage/store.h"

namespace npd::fuzz {

class StoreDriver {
 public:
  // A fresh memory store holding the commits of `history` (applied in order), under `context`,
  // with the clock at `now`. Aborts (Violation) when a commit of `history` fails.
  StoreDriver(const engine::EngineContext& context, const std::vector<storage::WriteSet>& history,
              absl::Time now);
  // The same over `store` (which must already hold `history`'s effects, or be empty).
  StoreDriver(const engine::EngineContext& context, std::unique_ptr<storage::Store> store,
              absl::Time now);

  storage::Store& store() { return *store_; }
  const engine::EngineContext& context() const { return context_; }
  absl::Time now() const { return now_; }
  void set_now(absl::Time now) { now_ = now; }
  const npd::store::v1::Counters& counters() const { return counters_; }
  // Commits made through this driver so far: a step that made none wrote nothing.
  uint64_t commits() const { return commits_; }

  // Runs `body` in a Txn of its own and commits what it staged when it returns OK. Returns
  // `body`'s status. A body that stages writes without Txn::SetStep is a violation (the engine
  // refuses such a command).
  using Body = std::function<absl::Status(engine::Txn&, const engine::EngineContext&)>;
  absl::Status Execute(const Body& body);

  // Fires every timer due at now(), one command each in due order, as the engine's timer thread
  // does. Returns how many fired.
  int FireDueTimers();
  // Moves the clock forward to `target` as a running npd lives through it: every timer due by then
  // fires at its due time (rounded up to the microsecond, as the engine's clock is), in due order,
  // timers armed meanwhile included. A clock already past `target` stays. Returns how many fired.
  int AdvanceTo(absl::Time target);

  // From now on every committed WriteSet is also appended to `commits` (null: no longer).
  void RecordCommits(std::vector<storage::WriteSet>* commits) { recorded_ = commits; }

  // Replaces the context (a journal's setup entry switches it).
  void set_context(const engine::EngineContext& context) { context_ = context; }

 private:
  void LoadState();

  engine::EngineContext context_;
  std::unique_ptr<storage::Store> store_;
  absl::Time now_;
  npd::store::v1::Counters counters_;
  std::map<std::string, uint64_t> cursors_;
  std::vector<storage::WriteSet>* recorded_ = nullptr;
  uint64_t commits_ = 0;
};

}  // namespace npd::fuzz

#endif  // NPD_TESTS_FUZZ_SUPPORT_STORE_DRIVER_H_
