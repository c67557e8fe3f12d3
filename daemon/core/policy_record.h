// The policies as journal records (npd/store/v1/journal.proto) and back, so that offline replay
// runs every step under the policy that was in force. FromRecord(ToRecord(p)) == p field by field.
#ifndef NPD_DAEMON_CORE_POLICY_RECORD_H_
#define NPD_DAEMON_CORE_POLICY_RECORD_H_

#include "daemon/core/policy.h"
#include "npd/store/v1/journal.pb.h"

namespace npd::core {

npd::store::v1::PortPolicyRecord ToRecord(const PortPolicy& policy);
npd::store::v1::RefundPolicyRecord ToRecord(const RefundPolicy& policy);
// Unknown enumerator numbers fall back to the defaults (next hour, escalate).
PortPolicy FromRecord(const npd::store::v1::PortPolicyRecord& record);
RefundPolicy FromRecord(const npd::store::v1::RefundPolicyRecord& record);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_POLICY_RECORD_H_
