// The small CSV dialect of the number-plan files (data/README.md): one record per line, no quoting,
// spaces around fields and a trailing '\r' ignored, blank lines and '#' comment lines skipped, and
// a header line naming the columns.
#ifndef NPD_DAEMON_CORE_CSV_TABLE_H_
#define NPD_DAEMON_CORE_CSV_TABLE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace npd::core {

struct CsvRow {
  int line = 0;  // 1-based line number in the document
  std::vector<std::string> fields;
};

// Splits `text` into data rows. The first non-blank, non-comment line must equal `columns`; every
// data row must have that many fields. INVALID_ARGUMENT naming `document` and the line otherwise.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(std::string_view document, std::string_view text,
                                             const std::vector<std::string>& columns);

// INVALID_ARGUMENT "<document> line <line>: <message>".
absl::Status CsvError(std::string_view document, int line, std::string_view message);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_CSV_TABLE_H_
