// Conversions between absl::Time and google.protobuf.Timestamp (microsecond precision is kept).
#ifndef NPD_DAEMON_CORE_TIME_CONVERT_H_
#define NPD_DAEMON_CORE_TIME_CONVERT_H_

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace npd::core {

google::protobuf::Timestamp ToProto(absl::Time t);
// An unset (all-zero) Timestamp maps to the Unix epoch.
absl::Time FromProto(const google::protobuf::Timestamp& ts);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_TIME_CONVERT_H_
