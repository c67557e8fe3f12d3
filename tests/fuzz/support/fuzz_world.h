// What every fuzz target shares, built once per process: the shipped number plan, the engine
// context npd runs with, a fixed set of principals, and the scenario store (scenario.h).
//
// Determinism: a crash found by a fuzz target must reproduce from the input alone. npd's only
// sources of chance on the request path are OpenSSL's RAND_bytes (authorisation codes) and the
// clock; InstallDeterministicRandom replaces the first with a generator that ResetRandom rewinds
// before every input, and the targets pass time in explicitly.
#ifndef NPD_TESTS_FUZZ_SUPPORT_FUZZ_WORLD_H_
#define NPD_TESTS_FUZZ_SUPPORT_FUZZ_WORLD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "daemon/core/identity.h"
#include "daemon/core/number_plan.h"
#include "daemon/engine/command.h"
#include "daemon/service/principal.h"

namespace npd::fuzz {

// Prints "npd fuzz invariant violated: <what>" to stderr and aborts, so that libFuzzer records the
// input as a crash. Every target reports a broken invariant through this.
[[noreturn]] void Violation(std::string_view what);

// Every target's LLVMFuzzerInitialize calls this first: the deterministic random generator below,
// and protobuf's and npd's own log lines kept quiet (a malformed request makes protobuf log an
// error per parse, as npd's logging.cc keeps it at debug; only fatal lines are printed).
void InitFuzzProcess();

// Replaces OpenSSL's random generator, process-wide, with a deterministic one. Idempotent.
void InstallDeterministicRandom();
// Rewinds the deterministic generator: the same calls after the same rewind give the same bytes.
void ResetRandom(uint64_t seed = 0);

// The shipped number plan (data/ of the source tree, NPD_DATA_DIR); aborts when it does not parse.
const core::NumberPlan& ShippedPlan();

// The identity secret of every fuzz target's hasher.
inline constexpr char kFuzzIdentitySecret[] = "npd-fuzz-identity-secret";

// The engine context npd runs with by default (next-hour cutover, default refund policy) over the
// shipped plan.
const engine::EngineContext& DefaultContext();

// The principals a fuzz input chooses from (index = input byte % size): every kind, the three
// carriers, and one carrier the plan does not know (which the gatekeeper refuses).
struct FuzzPrincipal {
  service::Principal principal;
  // False for a principal the gatekeeper's identification step refuses (UNAUTHENTICATED).
  bool known = true;
};
const std::vector<FuzzPrincipal>& Principals();

// 2026-11-24T10:00:00+08:00, a Tuesday: the time the scenario starts.
absl::Time ScenarioStart();

}  // namespace npd::fuzz

#endif  // NPD_TESTS_FUZZ_SUPPORT_FUZZ_WORLD_H_
