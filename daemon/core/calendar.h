// Business calendar: when an approved port cuts over, and when porting is blacked out. Storage is in UTC;
// the calendar is Asia/Shanghai (UTC+8 all year: China has had no daylight saving time since 1991, so a
// fixed offset is exact and needs no tz database).
#ifndef NPD_DAEMON_CORE_CALENDAR_H_
#define NPD_DAEMON_CORE_CALENDAR_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace npd::core {

// Asia/Shanghai as a fixed UTC+8 zone.
absl::TimeZone ShanghaiTime();

// When an approved port takes effect.
struct CutoverPolicy {
  enum class Mode {
    kNextHour,   // the next whole hour strictly after approval. Default.
    kImmediate,  // at approval.
    kWindow,     // at approval when inside the daily window, else at the next window start.
  };
  Mode mode = Mode::kNextHour;
  // kWindow only: local (Asia/Shanghai) time of day the window opens and closes, as offsets from
  // midnight. end <= start means the window spans midnight. Default: 02:00-06:00.
  absl::Duration window_start = absl::Hours(2);
  absl::Duration window_end = absl::Hours(6);
};

// Parses "next_hour", "immediate" or "window" into a mode. INVALID_ARGUMENT otherwise.
absl::StatusOr<CutoverPolicy::Mode> ParseCutoverMode(std::string_view text);
// Parses "HH:MM" (00:00-23:59) into an offset from midnight. INVALID_ARGUMENT otherwise.
absl::StatusOr<absl::Duration> ParseTimeOfDay(std::string_view text);

// The cutover time for a port approved at `approved_at` (always >= approved_at).
absl::Time NextCutover(const CutoverPolicy& policy, absl::Time approved_at);

// A configured period without porting (R14).
struct BlackoutPolicy {
  // Porting is refused on the last N local calendar days of each month. 0 disables. Default: 0
  // (the pilot-era rule was 2).
  int last_days_of_month = 0;
};

// True when `now` falls in a blackout.
bool InBlackout(const BlackoutPolicy& policy, absl::Time now);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_CALENDAR_H_
