#include "daemon/core/calendar.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "daemon/core/string_view_compat.h"

namespace npd::core {
namespace {

absl::Time LocalMidnight(absl::CivilDay day) { return absl::FromCivil(day, ShanghaiTime()); }

}  // namespace

absl::TimeZone ShanghaiTime() { return absl::FixedTimeZone(8 * 60 * 60); }

absl::StatusOr<CutoverPolicy::Mode> ParseCutoverMode(std::string_view text) {
  if (text == "next_hour") return CutoverPolicy::Mode::kNextHour;
  if (text == "immediate") return CutoverPolicy::Mode::kImmediate;
  if (text == "window") return CutoverPolicy::Mode::kWindow;
  return absl::InvalidArgumentError(
      absl::StrCat("cutover mode \"", AbslView(text), "\" must be next_hour, immediate or window"));
}

absl::StatusOr<absl::Duration> ParseTimeOfDay(std::string_view text) {
  const absl::string_view t = absl::StripAsciiWhitespace(AbslView(text));
  auto digit = [&t](size_t i) { return absl::ascii_isdigit(static_cast<unsigned char>(t[i])); };
  if (t.size() == 5 && digit(0) && digit(1) && t[2] == ':' && digit(3) && digit(4)) {
    const int hours = (t[0] - '0') * 10 + (t[1] - '0');
    const int minutes = (t[3] - '0') * 10 + (t[4] - '0');
    if (hours < 24 && minutes < 60) return absl::Hours(hours) + absl::Minutes(minutes);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("time of day \"", AbslView(text), "\" must be HH:MM between 00:00 and 23:59"));
}

absl::Time NextCutover(const CutoverPolicy& policy, absl::Time approved_at) {
  const absl::TimeZone zone = ShanghaiTime();
  switch (policy.mode) {
    case CutoverPolicy::Mode::kImmediate:
      return approved_at;
    case CutoverPolicy::Mode::kWindow: {
      const absl::CivilDay today = absl::ToCivilDay(approved_at, zone);
      const absl::Duration time_of_day = approved_at - LocalMidnight(today);
      const bool spans_midnight = policy.window_end <= policy.window_start;
      const bool inside =
          spans_midnight ? time_of_day >= policy.window_start || time_of_day < policy.window_end
                         : time_of_day >= policy.window_start && time_of_day < policy.window_end;
      if (inside) return approved_at;
      // Outside the window the time of day is before today's opening or after today's closing; in
      // the latter case the next opening is tomorrow's.
      const absl::CivilDay opening_day = time_of_day < policy.window_start ? today : today + 1;
      return LocalMidnight(opening_day) + policy.window_start;
    }
    case CutoverPolicy::Mode::kNextHour:
      break;
  }
  return absl::FromCivil(absl::ToCivilHour(approved_at, zone) + 1, zone);
}

bool InBlackout(const BlackoutPolicy& policy, absl::Time now) {
  if (policy.last_days_of_month <= 0) return false;
  const absl::CivilDay today = absl::ToCivilDay(now, ShanghaiTime());
  const absl::CivilMonth month(today);
  const int days_in_month = static_cast<int>(absl::CivilDay(month + 1) - absl::CivilDay(month));
  return today.day() > days_in_month - policy.last_days_of_month;
}

}  // namespace npd::core
