// Refusals by rule: reason codes with their human explanations, and the rules npd checks both when
// a code is issued and when a port is submitted.
#ifndef NPD_DAEMON_CORE_REFUSAL_H_
#define NPD_DAEMON_CORE_REFUSAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "daemon/core/policy.h"
#include "npd/store/v1/records.pb.h"
#include "npd/v1/common.pb.h"

namespace npd::core {

// One-sentence explanation of a reason for the subscriber, e.g. "billed charges are unpaid".
std::string ReasonDescription(npd::v1::ReasonCode code);

// Reason names joined with ", ", e.g. "R07_NON_PORTABLE_RANGE, R13_PORT_IN_PROGRESS".
std::string ReasonNames(const std::vector<npd::v1::ReasonCode>& reasons);

// A refusal with `reasons` sorted and deduplicated, a text listing each reason with its explanation
// (followed by `note` when non-empty), and the policy's rule version.
npd::v1::Refusal MakeRefusal(std::vector<npd::v1::ReasonCode> reasons, std::string_view note,
                             const PortPolicy& policy);

// R06: true when the number completed a port less than policy.port_interval before `now`. A number
// that never completed a port (unset or zero timestamp) is never within the interval.
bool WithinPortInterval(const npd::store::v1::NumberRecord& number, const PortPolicy& policy,
                        absl::Time now);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_REFUSAL_H_
