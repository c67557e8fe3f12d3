#include "clients/client/report_text.h"

#include <algorithm>
#include <functional>
#include <set>
#include <utility>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "clients/client/enum_names.h"
#include "clients/client/human_text.h"

namespace npd::client {
namespace {

using npd::v1::CarrierReport;
using npd::v1::DurationStats;

const absl::TimeZone& China() {
  static const absl::TimeZone zone = absl::FixedTimeZone(8 * 60 * 60);
  return zone;
}

bool IsDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

// Every value of an enum but its UNSPECIFIED (0), in declaration order.
template <typename Enum>
std::vector<Enum> EnumValues(const google::protobuf::EnumDescriptor* descriptor) {
  std::vector<Enum> values;
  for (int i = 0; i < descriptor->value_count(); ++i) {
    if (descriptor->value(i)->number() != 0) {
      values.push_back(static_cast<Enum>(descriptor->value(i)->number()));
    }
  }
  return values;
}

std::string StatsText(const DurationStats& stats) {
  if (stats.count() == 0) return "-";
  return absl::StrCat(DurationText(stats.median_seconds()), " / ",
                      DurationText(stats.p95_seconds()), " (n=", stats.count(), ")");
}

std::string ShareText(const CarrierReport& row) {
  const uint64_t due =
      row.donor_answers().count() + row.donor_deemed_approvals() + row.donor_unanswered_expired();
  if (due == 0) return "-";
  return absl::StrFormat("%.1f%%", 100.0 * row.donor_on_time_share());
}

uint64_t RefusalsOf(const CarrierReport& row, npd::v1::ReasonCode reason, bool in) {
  for (const auto& count : row.refusals()) {
    if (count.reason() == reason) return in ? count.ports_in() : count.ports_out();
  }
  return 0;
}

uint64_t CasesOf(const CarrierReport& row, npd::v1::RefundState state) {
  for (const auto& count : row.refund_cases()) {
    if (count.state() == state) return count.cases();
  }
  return 0;
}

// One line of the table: a label and one cell per carrier.
struct TableLine {
  std::string label;
  std::vector<std::string> cells;
};

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

}  // namespace

std::optional<google::protobuf::Timestamp> ParseReportTime(std::string_view text) {
  const std::string input(text);
  absl::Time time;
  std::string error;
  const bool parsed = IsDate(text) ? absl::ParseTime("%Y-%m-%d", input, China(), &time, &error)
                                   : absl::ParseTime(absl::RFC3339_full, input, &time, &error);
  if (!parsed) return std::nullopt;
  // google.protobuf.Timestamp's range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
  constexpr int64_t kMinSeconds = -62135596800;
  constexpr int64_t kMaxSeconds = 253402300799;
  const int64_t seconds = absl::ToUnixSeconds(time);  // rounds down
  if (seconds < kMinSeconds || seconds > kMaxSeconds) return std::nullopt;
  google::protobuf::Timestamp out;
  out.set_seconds(seconds);
  out.set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
  return out;
}

std::string DurationText(int64_t seconds) {
  if (seconds < 0) return "-" + DurationText(seconds == INT64_MIN ? INT64_MAX : -seconds);
  if (seconds < 60) return absl::StrCat(seconds, "s");
  if (seconds < 3600) return absl::StrFormat("%dm%02ds", seconds / 60, seconds % 60);
  if (seconds < 86400) return absl::StrFormat("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
  return absl::StrFormat("%dd%02dh", seconds / 86400, seconds % 86400 / 3600);
}

std::string ReportTable(const npd::v1::Report& report) {
  const auto& rows = report.carriers();
  std::vector<TableLine> lines;
  auto add = [&](std::string label, const std::function<std::string(const CarrierReport&)>& cell) {
    TableLine line{std::move(label), {}};
    for (const CarrierReport& row : rows) line.cells.push_back(cell(row));
    lines.push_back(std::move(line));
  };
  auto count = [&](std::string label, uint64_t (CarrierReport::*field)() const) {
    add(std::move(label),
        [field](const CarrierReport& row) { return absl::StrCat((row.*field)()); });
  };

  // Only the reasons and states that occur somewhere get a line.
  std::set<int> reasons;
  std::set<int> states;
  for (const CarrierReport& row : rows) {
    for (const auto& r : row.refusals()) reasons.insert(r.reason());
    for (const auto& c : row.refund_cases()) states.insert(c.state());
  }

  add("", [](const CarrierReport& row) { return row.carrier(); });
  count("ports in (completed)", &CarrierReport::ports_in);
  count("ports out (completed)", &CarrierReport::ports_out);
  count("requests in", &CarrierReport::requests_in);
  count("requests out", &CarrierReport::requests_out);
  count("refused in", &CarrierReport::refused_in);
  count("refused out", &CarrierReport::refused_out);
  for (int reason : reasons) {
    const auto code = static_cast<npd::v1::ReasonCode>(reason);
    add("  " + ReasonName(code) + " in/out", [code](const CarrierReport& row) {
      return absl::StrCat(RefusalsOf(row, code, true), "/", RefusalsOf(row, code, false));
    });
  }
  add("submit to completion in",
      [](const CarrierReport& row) { return StatsText(row.completion_in()); });
  add("submit to completion out",
      [](const CarrierReport& row) { return StatsText(row.completion_out()); });
  add("donor answer time", [](const CarrierReport& row) { return StatsText(row.donor_answers()); });
  count("donor answers on time", &CarrierReport::donor_answers_on_time);
  count("donor deemed approvals", &CarrierReport::donor_deemed_approvals);
  count("donor unanswered, expired", &CarrierReport::donor_unanswered_expired);
  add("donor on-time share", &ShareText);
  count("refunds opened", &CarrierReport::refunds_opened);
  for (int state : states) {
    const auto refund_state = static_cast<npd::v1::RefundState>(state);
    add("  now " + RefundStateName(refund_state), [refund_state](const CarrierReport& row) {
      return absl::StrCat(CasesOf(row, refund_state));
    });
  }
  count("refunds paid", &CarrierReport::refunds_paid);
  add("refunds paid amount",
      [](const CarrierReport& row) { return YuanText(row.refunds_paid_fen()); });
  add("port to payout", [](const CarrierReport& row) { return StatsText(row.port_to_payout()); });
  count("paid claims other province", &CarrierReport::paid_claims_other_province);
  count("payout conflicts", &CarrierReport::payout_conflicts);
  count("payout reconciliations", &CarrierReport::payout_reconciliations);

  size_t label_width = 0;
  std::vector<size_t> widths(rows.size(), 0);
  for (const TableLine& line : lines) {
    label_width = std::max(label_width, line.label.size());
    for (size_t i = 0; i < line.cells.size(); ++i) {
      widths[i] = std::max(widths[i], line.cells[i].size());
    }
  }
  std::string out = absl::StrCat(
      "report ", ShanghaiTime(report.from()), " to ", ShanghaiTime(report.to()), " (events up to #",
      report.last_event_sequence(), ", ", report.events_in_window(), " in the window)\n");
  if (rows.empty()) return out + "no carriers\n";
  for (const TableLine& line : lines) {
    std::string text = line.label;
    text.append(label_width - line.label.size(), ' ');
    for (size_t i = 0; i < line.cells.size(); ++i) {
      text.append(2 + widths[i] - line.cells[i].size(), ' ');
      text += line.cells[i];
    }
    out += text + '\n';
  }
  return out;
}

std::string ReportCsv(const npd::v1::Report& report) {
  const auto reasons = EnumValues<npd::v1::ReasonCode>(npd::v1::ReasonCode_descriptor());
  const auto states = EnumValues<npd::v1::RefundState>(npd::v1::RefundState_descriptor());

  std::vector<std::string> header = {"from", "to", "carrier"};
  auto stats_header = [&](const std::string& name) {
    for (const char* suffix : {"_count", "_median_s", "_p95_s"}) header.push_back(name + suffix);
  };
  for (const char* name :
       {"ports_in", "ports_out", "requests_in", "requests_out", "refused_in", "refused_out"}) {
    header.push_back(name);
  }
  stats_header("completion_in");
  stats_header("completion_out");
  stats_header("donor_answers");
  for (const char* name :
       {"donor_answers_on_time", "donor_deemed_approvals", "donor_unanswered_expired",
        "donor_on_time_share", "refunds_opened", "refunds_paid", "refunds_paid_fen"}) {
    header.push_back(name);
  }
  stats_header("port_to_payout");
  header.push_back("paid_claims_other_province");
  header.push_back("payout_conflicts");
  header.push_back("payout_reconciliations");
  for (auto reason : reasons) {
    header.push_back("refused_in_" + ReasonName(reason));
    header.push_back("refused_out_" + ReasonName(reason));
  }
  for (auto state : states) header.push_back("refund_cases_" + RefundStateName(state));

  auto join = [](const std::vector<std::string>& fields) {
    std::string line;
    for (const std::string& field : fields) {
      if (!line.empty()) line += ',';
      line += CsvField(field);
    }
    return line + '\n';
  };
  std::string out = join(header);
  for (const CarrierReport& row : report.carriers()) {
    std::vector<std::string> fields = {ShanghaiTime(report.from()), ShanghaiTime(report.to()),
                                       row.carrier()};
    auto number = [&](auto value) { fields.push_back(absl::StrCat(value)); };
    auto stats = [&](const DurationStats& s) {
      number(s.count());
      number(s.median_seconds());
      number(s.p95_seconds());
    };
    number(row.ports_in());
    number(row.ports_out());
    number(row.requests_in());
    number(row.requests_out());
    number(row.refused_in());
    number(row.refused_out());
    stats(row.completion_in());
    stats(row.completion_out());
    stats(row.donor_answers());
    number(row.donor_answers_on_time());
    number(row.donor_deemed_approvals());
    number(row.donor_unanswered_expired());
    fields.push_back(absl::StrFormat("%.4f", row.donor_on_time_share()));
    number(row.refunds_opened());
    number(row.refunds_paid());
    number(row.refunds_paid_fen());
    stats(row.port_to_payout());
    number(row.paid_claims_other_province());
    number(row.payout_conflicts());
    number(row.payout_reconciliations());
    for (auto reason : reasons) {
      number(RefusalsOf(row, reason, true));
      number(RefusalsOf(row, reason, false));
    }
    for (auto state : states) number(CasesOf(row, state));
    out += join(fields);
  }
  return out;
}

}  // namespace npd::client
