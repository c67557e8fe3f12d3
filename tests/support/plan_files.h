// The shipped number plan (data/), loaded for tests.
#ifndef NPD_TESTS_SUPPORT_PLAN_FILES_H_
#define NPD_TESTS_SUPPORT_PLAN_FILES_H_

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "daemon/core/number_plan.h"

namespace npd::testing {

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Parses carriers.csv, number_blocks.csv and local_networks.csv from `dir`; throws on failure.
inline core::NumberPlan ShippedPlan(const std::string& dir) {
  auto plan =
      core::NumberPlan::Parse(ReadText(dir + "/carriers.csv"), ReadText(dir + "/number_blocks.csv"),
                              ReadText(dir + "/local_networks.csv"));
  if (!plan.ok()) throw std::runtime_error(std::string(plan.status().message()));
  return *std::move(plan);
}

}  // namespace npd::testing

#endif  // NPD_TESTS_SUPPORT_PLAN_FILES_H_
