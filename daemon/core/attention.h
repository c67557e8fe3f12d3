// What needs an operator's attention (operations.proto, ListAttention), as pure functions of the
// stored record, the policy and `now`. The service pages through the store and asks these.
#ifndef NPD_DAEMON_CORE_ATTENTION_H_
#define NPD_DAEMON_CORE_ATTENTION_H_

#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "daemon/core/policy.h"
#include "npd/v1/operations.pb.h"
#include "npd/v1/porting.pb.h"
#include "npd/v1/refund.pb.h"

namespace npd::core {

// The items one transaction needs at `now`, in AttentionKind order, only of `kind` unless it is
// UNSPECIFIED:
// - PARTIAL_FAILURE: state PARTIAL_FAILURE; since the missed ack deadline; detail names the
//   carriers still to confirm and the resends so far.
// - DONOR_OVERDUE: PENDING_DONOR with the donor deadline passed (flagged, or due <= now); since the
//   deadline.
// - STALE: any live state with submitted_at + policy.stale_after <= now; since that moment.
// Empty for a closed transaction and for one that needs nothing.
std::vector<npd::v1::AttentionItem> PortAttention(const npd::v1::Port& port,
                                                  npd::v1::AttentionKind kind,
                                                  const PortPolicy& policy, absl::Time now);

// The one item a refund case needs, if any, of `kind` unless it is UNSPECIFIED:
// - PAYOUT_CONFLICT: a case in any state with an open payout conflict; since the first open one
//   was found; detail: how many are open and the latest one's description. Without a filter it is
//   the item of such a case even when it is STUCK too.
// - STUCK_REFUND: a STUCK case; since it stopped; detail: the step, its attempts and last error.
std::optional<npd::v1::AttentionItem> RefundAttention(const npd::v1::Refund& refund,
                                                      npd::v1::AttentionKind kind);

// True for the kinds RefundAttention gives (STUCK_REFUND, PAYOUT_CONFLICT), false for the kinds
// PortAttention gives; UNSPECIFIED is both.
bool IsRefundAttentionKind(npd::v1::AttentionKind kind);
bool IsPortAttentionKind(npd::v1::AttentionKind kind);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_ATTENTION_H_
