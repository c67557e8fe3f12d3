// The engine context replay runs a journal step under, built from a configuration entry as
// daemon/replay's ReplayContext::FromSetup builds it: the recorded number plan and policies, the
// recorded carriers, and an identity hasher whose key matches nothing (replay never hashes; the
// hashes are recorded side effects).
#ifndef NPD_TESTS_FUZZ_SUPPORT_REPLAY_CONTEXT_H_
#define NPD_TESTS_FUZZ_SUPPORT_REPLAY_CONTEXT_H_

#include <memory>

#include "daemon/core/identity.h"
#include "daemon/core/number_plan.h"
#include "daemon/engine/command.h"
#include "npd/store/v1/journal.pb.h"

namespace npd::fuzz {

struct ReplayContext {
  explicit ReplayContext(core::NumberPlan recorded_plan);
  ReplayContext(const ReplayContext&) = delete;
  ReplayContext& operator=(const ReplayContext&) = delete;

  core::NumberPlan plan;
  core::IdentityHasher hasher;
  engine::EngineContext ctx;  // points at plan and hasher
};

// Null when the recorded plan does not parse (replay stops there with DATA_LOSS).
std::unique_ptr<ReplayContext> ReplayContextOf(const npd::store::v1::EngineSetup& setup);

}  // namespace npd::fuzz

#endif  // NPD_TESTS_FUZZ_SUPPORT_REPLAY_CONTEXT_H_
