#include "daemon/core/csv_table.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "daemon/core/string_view_compat.h"

namespace npd::core {

absl::Status CsvError(std::string_view document, int line, std::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat(AbslView(document), " line ", line, ": ", AbslView(message)));
}

absl::StatusOr<std::vector<CsvRow>> ParseCsv(std::string_view document, std::string_view text,
                                             const std::vector<std::string>& columns) {
  std::vector<CsvRow> rows;
  bool header_seen = false;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(AbslView(text), '\n')) {
    ++line_number;
    const absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    std::vector<std::string> fields;
    for (absl::string_view field : absl::StrSplit(trimmed, ',')) {
      fields.emplace_back(absl::StripAsciiWhitespace(field));
    }
    if (!header_seen) {
      header_seen = true;
      if (fields != columns) {
        return CsvError(document, line_number,
                        absl::StrCat("header must be \"", absl::StrJoin(columns, ","), "\""));
      }
      continue;
    }
    if (fields.size() != columns.size()) {
      return CsvError(document, line_number,
                      absl::StrCat("expected ", columns.size(), " fields (",
                                   absl::StrJoin(columns, ","), "), got ", fields.size()));
    }
    rows.push_back(CsvRow{line_number, std::move(fields)});
  }
  if (!header_seen) {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(document), ": missing header \"", absl::StrJoin(columns, ","), "\""));
  }
  return rows;
}

}  // namespace npd::core
