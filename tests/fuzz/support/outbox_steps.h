// The refund outbox dispatcher's two commands (daemon/outbox/outbox_dispatcher.cc), without the
// dispatcher: an outside system's answer to a case's pending step, and the mark before a Pay.
#ifndef NPD_TESTS_FUZZ_SUPPORT_OUTBOX_STEPS_H_
#define NPD_TESTS_FUZZ_SUPPORT_OUTBOX_STEPS_H_

#include <string>

#include "absl/status/status.h"
#include "daemon/core/refund_machine.h"
#include "daemon/engine/journal.h"
#include "daemon/engine/refund_handlers.h"
#include "tests/fuzz/support/store_driver.h"

namespace npd::fuzz {

// `result` for the case's pending `step` (as the dispatcher journals it), with retry `jitter`.
inline absl::Status AnswerOutboxStep(StoreDriver& driver, const std::string& refund_id,
                                     npd::v1::RefundStep step, const core::StepResult& result,
                                     double jitter) {
  return driver.Execute([&](engine::Txn& txn, const engine::EngineContext& ctx) {
    txn.SetStep(engine::StepResultStep(refund_id, step, result, jitter));
    return engine::HandleStepResult(txn, ctx, refund_id, result, jitter);
  });
}

// The dispatcher's mark that a payout of entry `version` may reach the channel.
inline absl::Status BeginPayout(StoreDriver& driver, const std::string& refund_id,
                                int64_t version) {
  return driver.Execute([&](engine::Txn& txn, const engine::EngineContext& ctx) {
    txn.SetStep(engine::BeginPayoutStep(refund_id, version));
    return engine::HandleBeginPayout(txn, ctx, refund_id, version);
  });
}

}  // namespace npd::fuzz

#endif  // NPD_TESTS_FUZZ_SUPPORT_OUTBOX_STEPS_H_
