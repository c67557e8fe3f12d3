// The journal entries each kind of step records (npd/store/v1/journal.proto), and ReplayStep,
// which runs a recorded step again through the same handlers. Every command that changes state
// calls Txn::SetStep with one of these before its handler runs; daemon/replay re-runs them.
#ifndef NPD_DAEMON_ENGINE_JOURNAL_H_
#define NPD_DAEMON_ENGINE_JOURNAL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "daemon/core/refund_machine.h"
#include "daemon/engine/command.h"
#include "daemon/engine/txn.h"
#include "google/protobuf/message.h"
#include "npd/store/v1/journal.pb.h"

namespace npd::engine {

// "SubmitPort" for "/npd.v1.PortingService/SubmitPort".
std::string CommandName(std::string_view method);
// Clears, at any depth, every field of message type npd.v1.Identity, every field named "auth_code",
// and the account and holder name of every npd.v1.PayeeAccount (its kind stays): what a request
// may carry that the journal must not keep. The claim's handler records the sealed account as a
// side effect instead (daemon/core/payee_seal.h).
void RedactForJournal(google::protobuf::Message& request);

// A client request as `caller` (its actor, the person for the operator, and its principal).
npd::store::v1::JournalEntry RequestStep(std::string_view method, const RequestCaller& caller,
                                         const google::protobuf::Message& request,
                                         std::string_view request_id);
// A due timer; command "timer:<KIND>".
npd::store::v1::JournalEntry TimerStep(const npd::store::v1::TimerRecord& timer);
// An outside system's answer to the `step` of a case; command "outbox:<STEP>".
npd::store::v1::JournalEntry StepResultStep(std::string_view refund_id, npd::v1::RefundStep step,
                                            const core::StepResult& result, double jitter);
core::StepResult StepResultFromInput(const npd::store::v1::StepResultInput& input);
// command "outbox:BEGIN_PAYOUT".
npd::store::v1::JournalEntry BeginPayoutStep(std::string_view refund_id, int64_t version);
// command "feed:prune".
npd::store::v1::JournalEntry FeedPruneStep(uint64_t below);
// The configuration the handlers see; command "config".
npd::store::v1::EngineSetup SetupOf(const EngineContext& ctx);
npd::store::v1::JournalEntry SetupStep(const EngineContext& ctx);

// Runs `entry` again against `txn`, which must be in replay mode for it (Txn::ReplayFrom) and
// have its step set. `ctx` must be the configuration in force then (replay builds it from the
// newest setup entry). A setup entry stages nothing. Errors: what the handler returned (the live
// step succeeded, so any error means replay diverged), INVALID_ARGUMENT for an entry without
// input or with an rpc method this npd does not know, INTERNAL for a request that does not parse.
absl::Status ReplayStep(Txn& txn, const EngineContext& ctx,
                        const npd::store::v1::JournalEntry& entry);

}  // namespace npd::engine

#endif  // NPD_DAEMON_ENGINE_JOURNAL_H_
