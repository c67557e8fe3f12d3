#include "tests/fuzz/support/replay_check.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "daemon/core/time_convert.h"
#include "daemon/engine/journal.h"
#include "daemon/replay/replayer.h"
#include "daemon/replay/store_diff.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/fuzz/support/fuzz_world.h"
#include "tests/fuzz/support/store_driver.h"

namespace npd::fuzz {
namespace {

using npd::store::v1::JournalEntry;

std::vector<JournalEntry> ReadJournal(storage::Store& store, uint64_t after,
                                      size_t max = SIZE_MAX) {
  auto entries = store.ReadJournal(after, max);
  if (!entries.ok()) Violation("ReadJournal: " + entries.status().ToString());
  return *std::move(entries);
}

void RequireSame(storage::Store& stored, storage::Store& replayed) {
  auto differences = replay::CompareStores(stored, replayed, 5);
  if (!differences.ok()) Violation("comparing replay: " + differences.status().ToString());
  if (!differences->empty()) {
    std::string all;
    for (const auto& d : *differences) absl::StrAppend(&all, "\n  ", replay::Describe(d));
    Violation("the journal replays to another state:" + all);
  }
}

}  // namespace

ReplayChecker::ReplayChecker(const std::vector<storage::WriteSet>& base, absl::Time base_now)
    : base_(base), base_now_(base_now) {
  StoreDriver driver(engine::EngineContext(), base_, base_now_);
  base_last_entry_ = driver.counters().last_journal_sequence();
  const uint64_t setup = driver.counters().last_setup_journal_sequence();
  auto recorded = ReadJournal(driver.store(), setup == 0 ? 0 : setup - 1, 1);
  if (setup == 0 || recorded.empty() || !recorded.front().has_setup()) {
    Violation("replay check: the base journal has no configuration entry");
  }
  base_context_ = ReplayContextOf(recorded.front().setup());
  if (base_context_ == nullptr) Violation("replay check: the base's number plan does not parse");
}

void ReplayChecker::Check(storage::Store& store) const {
  StoreDriver replayer(base_context_->ctx, base_, base_now_);
  std::unique_ptr<ReplayContext> switched;  // set once a configuration entry replaces the base's
  for (const JournalEntry& entry : ReadJournal(store, base_last_entry_)) {
    const std::string step = absl::StrCat("journal entry ", entry.sequence(), " (", entry.command(),
                                          " by ", entry.actor(), ")");
    if (entry.has_setup()) {
      switched = ReplayContextOf(entry.setup());
      if (switched == nullptr) Violation("replay: the number plan of " + step + " does not parse");
      replayer.set_context(switched->ctx);
    }
    replayer.set_now(core::FromProto(entry.at()));
    absl::Status s = replayer.Execute([&](engine::Txn& txn, const engine::EngineContext& ctx) {
      txn.ReplayFrom(entry);
      txn.SetStep(entry);
      return engine::ReplayStep(txn, ctx, entry);
    });
    if (!s.ok()) Violation("replay diverged at " + step + ": " + s.ToString());
    auto replayed = ReadJournal(replayer.store(), entry.sequence() - 1, 1);
    std::string report;
    google::protobuf::util::MessageDifferencer differ;
    differ.ReportDifferencesToString(&report);
    if (replayed.empty() || !differ.Compare(entry, replayed.front())) {
      Violation("replay diverged at " + step + ": the step ran differently: " + report);
    }
  }
  RequireSame(store, replayer.store());
}

void CheckFullReplay(storage::Store& store) {
  auto scratch = storage::NewMemoryStore();
  auto outcome = replay::Replay(store, *scratch, replay::ReplayOptions());
  if (!outcome.ok()) Violation("replaying the journal failed: " + outcome.status().ToString());
  RequireSame(store, *scratch);
}

}  // namespace npd::fuzz
