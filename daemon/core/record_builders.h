// Small builders shared by the code rules and the port machine.
#ifndef NPD_DAEMON_CORE_RECORD_BUILDERS_H_
#define NPD_DAEMON_CORE_RECORD_BUILDERS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "npd/store/v1/records.pb.h"

namespace npd::core {

// Longest free text (answer note, cancel reason) a carrier may attach, in bytes.
inline constexpr size_t kMaxNoteBytes = 500;

// A timer-index entry. port_id is empty and generation set only for code expiry.
npd::store::v1::TimerRecord MakeTimer(npd::store::v1::TimerKind kind, absl::Time due,
                                      std::string_view msisdn, std::string_view port_id,
                                      int64_t generation = 0);

// `t` in Asia/Shanghai for event details, e.g. "2024-03-01 11:00:00 +08:00".
std::string LocalTimeText(absl::Time t);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_RECORD_BUILDERS_H_
