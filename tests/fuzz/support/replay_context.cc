#include "tests/fuzz/support/replay_context.h"

#include <utility>

#include "daemon/core/policy_record.h"

namespace npd::fuzz {

ReplayContext::ReplayContext(core::NumberPlan recorded_plan)
    : plan(std::move(recorded_plan)), hasher("replay has no identity key") {
  ctx.plan = &plan;
  ctx.hasher = &hasher;
}

std::unique_ptr<ReplayContext> ReplayContextOf(const npd::store::v1::EngineSetup& setup) {
  auto plan =
      core::NumberPlan::Parse(setup.carriers_csv(), setup.blocks_csv(), setup.local_networks_csv());
  if (!plan.ok()) return nullptr;
  auto context = std::make_unique<ReplayContext>(*std::move(plan));
  context->ctx.policy = core::FromRecord(setup.port_policy());
  context->ctx.refund_policy = core::FromRecord(setup.refund_policy());
  context->ctx.carrier_ids.assign(setup.carrier_ids().begin(), setup.carrier_ids().end());
  return context;
}

}  // namespace npd::fuzz
