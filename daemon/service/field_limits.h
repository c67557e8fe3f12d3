// The size limits of request fields (proto/npd/v1/limits.proto): every string and bytes field at
// most 256 bytes and every repeated field at most 100 entries, unless the field's (npd.v1.limits)
// option says otherwise. Checked by reflection over any message, at any depth, so a field added
// to the API is capped without anyone remembering to. Thread-safe.
#ifndef NPD_DAEMON_SERVICE_FIELD_LIMITS_H_
#define NPD_DAEMON_SERVICE_FIELD_LIMITS_H_

#include <cstddef>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace npd::service {

inline constexpr size_t kDefaultMaxFieldBytes = 256;
inline constexpr size_t kDefaultMaxFieldItems = 100;

// OK, or INVALID_ARGUMENT naming the first field (as a path, e.g. "applicant.name") over its
// limit, with the limit.
absl::Status CheckFieldLimits(const google::protobuf::Message& message);

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_FIELD_LIMITS_H_
