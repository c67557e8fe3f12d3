#include "daemon/core/record_builders.h"

#include "daemon/core/calendar.h"
#include "daemon/core/time_convert.h"

namespace npd::core {

npd::store::v1::TimerRecord MakeTimer(npd::store::v1::TimerKind kind, absl::Time due,
                                      std::string_view msisdn, std::string_view port_id,
                                      int64_t generation) {
  npd::store::v1::TimerRecord timer;
  timer.set_kind(kind);
  *timer.mutable_due_at() = ToProto(due);
  timer.set_msisdn(std::string(msisdn));
  timer.set_port_id(std::string(port_id));
  timer.set_generation(generation);
  return timer;
}

std::string LocalTimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %Ez", t, ShanghaiTime());
}

}  // namespace npd::core
