// A service-quality report (npd/v1/report.proto) as npctl prints it, and the times its window is
// given in. Times are China time (UTC+8) as in human_text.h. Pure functions; thread-safe.
#ifndef NPD_CLIENTS_CLIENT_REPORT_TEXT_H_
#define NPD_CLIENTS_CLIENT_REPORT_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <google/protobuf/timestamp.pb.h>

#include "npd/v1/report.pb.h"

namespace npd::client {

// The instant `text` names: "YYYY-MM-DD" is the start of that day in China (00:00 at UTC+8);
// anything else must be RFC 3339 with an offset ("2026-11-01T08:30:00+08:00", "...Z"). nullopt
// for any other text, an impossible date, or a time outside google.protobuf.Timestamp's range.
std::optional<google::protobuf::Timestamp> ParseReportTime(std::string_view text);

// A duration of whole seconds, short: "45s", "12m05s", "3h04m", "2d03h" (the smaller part
// truncated); negative durations get a "-".
std::string DurationText(int64_t seconds);

// The report for people: a heading with the window and the history position, then one line per
// figure and one right-aligned column per carrier. Durations as "median / p95 (n=count)" with
// DurationText, or "-" without any; the on-time share as a percentage with one decimal, "-" when
// nothing was due; money with YuanText. Refusal reasons and refund states get a line each for the
// values that occur in some carrier's row. Newline-terminated.
std::string ReportTable(const npd::v1::Report& report);

// The report as CSV (RFC 4180, "\n" line ends): a header row, then one row per carrier. The
// columns are the same for every report, so files of different windows line up: from, to (as
// ShanghaiTime), carrier, each count of CarrierReport, each DurationStats as <name>_count,
// <name>_median_s, <name>_p95_s, donor_on_time_share with four decimals, refunds_paid_fen in fen,
// then refused_in_<REASON> and refused_out_<REASON> for every reason code and
// refund_cases_<STATE> for every refund state, in enum order (0 where absent).
std::string ReportCsv(const npd::v1::Report& report);

}  // namespace npd::client

#endif  // NPD_CLIENTS_CLIENT_REPORT_TEXT_H_
