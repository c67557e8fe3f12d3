// Payout facts and conflicts (internal to daemon/core; the rules are in refund_machine.h): what
// npd holds about each payout key (Refund.payout_outcomes), when two facts cannot both be true, how
// a conflict is kept and stops a case that could still pay, and how the operator resolves it.
#ifndef NPD_DAEMON_CORE_PAYOUT_FACTS_H_
#define NPD_DAEMON_CORE_PAYOUT_FACTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "daemon/core/refund_builder.h"
#include "daemon/core/refund_machine.h"

namespace npd::core {

// Most payout facts and conflicts one case keeps. Beyond it a conflict is still an event in the
// history and still stops the case, but the record does not grow (a channel that reports forever
// cannot make a case unbounded).
inline constexpr int kMaxPayoutFacts = 64;

// The n of `key` when it is a payout key npd issued for `refund`: "<refund_id>:payout:<n>" with n
// written in decimal without leading zeros and 1 <= n <= payout_generation. 0 otherwise.
int32_t IssuedGeneration(const npd::v1::Refund& refund, std::string_view key);

// A fact about `key` from `source` learnt at `at`, with its generation and the province and payee
// of the claim it was made for (the current claim for the current generation, else as an earlier
// fact of the generation recorded them). Status, amount and reference are left for the caller.
npd::v1::PayoutOutcome NewFact(const npd::v1::Refund& refund, const std::string& key,
                               npd::v1::PayoutSource source, absl::Time at);

// npd's own record of `key` (source REQUEST): the refundable amount requested, or, for a key npd
// never issued, generation 0 and no amount.
npd::v1::PayoutOutcome RequestedFact(const npd::v1::Refund& refund, const std::string& key,
                                     absl::Time at);

// True when `a` and `b`, about the same key, can both be true: the same status (a "not received"
// only agrees with another), for SUCCEEDED the same amount, and the same reference when both give
// one. Source and time do not matter.
bool Agrees(const npd::v1::PayoutOutcome& a, const npd::v1::PayoutOutcome& b);

// The last fact held for `fact`'s key that contradicts it (an answer rather than a report), when
// no held fact agrees with it; nullopt when one agrees or none is held. A report (CALLBACK) is
// checked against every held fact, an answer (Pay, QueryPayout) only against held answers: a report
// the channel's answers contradicted once must not make a later answer look agreed.
std::optional<npd::v1::PayoutOutcome> ContradictedFact(const npd::v1::Refund& refund,
                                                       const npd::v1::PayoutOutcome& fact);
// True when a fact agreeing with `fact` is held for its key (compared as in ContradictedFact).
bool IsHeld(const npd::v1::Refund& refund, const npd::v1::PayoutOutcome& fact);
// Adds `fact` to payout_outcomes unless an agreeing one is held (or the record is full).
void HoldFact(RefundBuilder& b, const npd::v1::PayoutOutcome& fact);

// FUNDS_RESERVED, PAYOUT_REQUESTED, AWAIT_CLAIM, or STUCK at the PAYOUT step.
bool CouldStillPay(const npd::v1::Refund& refund);
// Some conflict of the case is not resolved.
bool HasOpenConflict(const npd::v1::Refund& refund);

// Keeps a conflict between `earlier` and `reported` (holding both facts unless npd's own record),
// records REFUND_PAYOUT_CONFLICT naming both, drops the reported_payout under check, and stops a
// case that could still pay: STUCK at PAYOUT with the description as its error and no outbox
// entry (an already STUCK case keeps its state and takes the description as its last error).
void RecordConflict(RefundBuilder& b, const npd::v1::PayoutOutcome& earlier,
                    const npd::v1::PayoutOutcome& reported);

// Marks every open conflict resolved with `note` and records REFUND_PAYOUT_CONFLICT_RESOLVED.
// Nothing when none is open.
void ResolveConflicts(RefundBuilder& b, const std::string& note);

// One fact in words, e.g. "QueryPayout answered SUCCEEDED 100.00 CNY (reference PAY00000001)".
std::string FactText(const npd::v1::PayoutOutcome& fact);

// The PAYOUT step's answer (Pay or QueryPayout) applied to the case (see ApplyStepResult).
void ApplyPayoutAnswer(RefundBuilder& b, const npd::store::v1::OutboxRecord& entry,
                       const StepResult& result, const RefundPolicy& policy, double jitter);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_PAYOUT_FACTS_H_
