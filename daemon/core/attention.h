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

// STUCK_REFUND for a STUCK case (since it stopped; detail: the step, its attempts and last error),
// when `kind` is STUCK_REFUND or UNSPECIFIED; otherwise nothing.
std::optional<npd::v1::AttentionItem> RefundAttention(const npd::v1::Refund& refund,
                                                      npd::v1::AttentionKind kind);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_ATTENTION_H_
