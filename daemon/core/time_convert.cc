#include "daemon/core/time_convert.h"

#include <cstdint>

namespace npd::core {

google::protobuf::Timestamp ToProto(absl::Time t) {
  constexpr int64_t kMicrosPerSecond = 1000000;
  const int64_t micros = absl::ToUnixMicros(t);  // rounds toward the past
  int64_t seconds = micros / kMicrosPerSecond;
  int64_t rest = micros % kMicrosPerSecond;
  if (rest < 0) {
    rest += kMicrosPerSecond;
    --seconds;
  }
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(rest * 1000));
  return ts;
}

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Microseconds(ts.nanos() / 1000);
}

}  // namespace npd::core
