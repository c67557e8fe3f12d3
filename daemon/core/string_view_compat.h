// This abseil build keeps its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW is 0), so
// views crossing between the std:: signatures of core and abseil's string functions are converted
// here.
#ifndef NPD_DAEMON_CORE_STRING_VIEW_COMPAT_H_
#define NPD_DAEMON_CORE_STRING_VIEW_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace npd::core {

inline absl::string_view AbslView(std::string_view v) {
  return absl::string_view(v.data(), v.size());
}
inline std::string_view StdView(absl::string_view v) {
  return std::string_view(v.data(), v.size());
}

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_STRING_VIEW_COMPAT_H_
