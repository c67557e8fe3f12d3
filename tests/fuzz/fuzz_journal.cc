// fuzz_journal: journal entries as a tampered or corrupt checkpoint could hold them, replayed with
// engine::ReplayStep (daemon/engine/journal.h) the way daemon/replay's Runner does it, into a copy
// of the scenario store (support/scenario.h), as if they followed the scenario's own journal.
//
// Input: up to 16 entries, each a length (u16 little-endian) and that many bytes of a
// npd.store.v1.JournalEntry; bytes that do not parse are skipped (the store reports such a record
// as INTERNAL). A configuration entry switches the context as replay does (its number plan must
// parse). Each entry runs at its recorded time with its recorded side effects; one that fails
// writes nothing, and the replay goes on with the next (where npd's replay would stop) so that the
// entries after it are reached too.
//
// Replay must never crash or hang: it returns errors. After every entry the store's structural
// invariants hold (support/invariants.h; not the domain ones: nothing validated these inputs), and
// at the end the store's journal, which now records the entries as they ran, replays to exactly
// the stored state.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "daemon/core/time_convert.h"
#include "daemon/engine/journal.h"
#include "tests/fuzz/support/fuzz_world.h"
#include "tests/fuzz/support/invariants.h"
#include "tests/fuzz/support/replay_check.h"
#include "tests/fuzz/support/replay_context.h"
#include "tests/fuzz/support/scenario.h"
#include "tests/fuzz/support/store_driver.h"

namespace npd::fuzz {
namespace {

constexpr size_t kMaxEntries = 16;

const npd::store::v1::EngineSetup& ScenarioSetup() {
  static const npd::store::v1::EngineSetup* setup =
      new npd::store::v1::EngineSetup(engine::SetupOf(DefaultContext()));
  return *setup;
}

void Check(std::string_view input) {
  const Scenario& scenario = TheScenario();
  std::unique_ptr<ReplayContext> context = ReplayContextOf(ScenarioSetup());
  StoreDriver driver(context->ctx, scenario.commits, scenario.end);
  const InvariantOptions structure{.domain = false};
  uint64_t checked = driver.commits();
  for (size_t n = 0; n < kMaxEntries && input.size() >= 2; ++n) {
    const size_t length = static_cast<uint8_t>(input[0]) | static_cast<uint8_t>(input[1]) << 8;
    input.remove_prefix(2);
    const std::string_view bytes = input.substr(0, length);
    input.remove_prefix(bytes.size());
    npd::store::v1::JournalEntry entry;
    if (!entry.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) continue;
    if (entry.has_setup()) {
      auto next = ReplayContextOf(entry.setup());
      if (next == nullptr) break;  // replay stops: DATA_LOSS, the recorded plan does not parse
      context = std::move(next);
      driver.set_context(context->ctx);
    }
    driver.set_now(core::FromProto(entry.at()));
    // What the Runner does per step; an error (a divergence) leaves the store as it was.
    (void)driver.Execute([&](engine::Txn& txn, const engine::EngineContext& ctx) {
      txn.ReplayFrom(entry);
      txn.SetStep(entry);
      return engine::ReplayStep(txn, ctx, entry);
    });
    if (driver.commits() != checked) {
      CheckStore(driver.store(), driver.context(), structure);
      checked = driver.commits();
    }
  }
  static const ReplayChecker replay(scenario.commits, scenario.end);
  if (driver.commits() > 0) replay.Check(driver.store());
}

}  // namespace
}  // namespace npd::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  npd::fuzz::InitFuzzProcess();
  npd::fuzz::TheScenario();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  npd::fuzz::ResetRandom(0);
  npd::fuzz::Check(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
