// fuzz_number_plan: three CSV documents through core::NumberPlan::Parse
// (daemon/core/number_plan.h). Input: carriers.csv, number_blocks.csv and local_networks.csv
// separated by lines "%%" (missing documents are empty). Parse never crashes and refuses only with
// INVALID_ARGUMENT; a plan it accepts keeps its sources verbatim and parses again from them to the
// same carriers; its carrier ids are sorted, unique and known; and every lookup of numbers taken
// from the input and of a few fixed ones either fails with INVALID_ARGUMENT or describes the number
// consistently (an 11-digit number in a block that prefixes it, held by a known carrier, portable
// exactly when mobile, in a local network and province the plan knows).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/number_plan.h"
#include "tests/fuzz/support/fuzz_world.h"

namespace npd::fuzz {
namespace {

std::vector<std::string_view> SplitDocuments(std::string_view input) {
  std::vector<std::string_view> docs;
  while (docs.size() < 2) {
    const size_t at = input.find("\n%%\n");
    if (at == std::string_view::npos) break;
    docs.push_back(input.substr(0, at));
    input.remove_prefix(at + 4);
  }
  docs.push_back(input);
  while (docs.size() < 3) docs.push_back("");
  return docs;
}

// Numbers worth looking up: every run of digits of the input made 11 digits long, and a few
// fixed ones.
std::vector<std::string> Candidates(std::string_view input) {
  std::vector<std::string> out = {
      "13800138000", "13010000004", "19200000000", "1", "138001380001", "1380013800a", ""};
  std::string run;
  for (size_t i = 0; i <= input.size() && out.size() < 64; ++i) {
    if (i < input.size() && input[i] >= '0' && input[i] <= '9') {
      run.push_back(input[i]);
      continue;
    }
    if (!run.empty()) {
      out.push_back((run + "00000000000").substr(0, 11));
      run.clear();
    }
  }
  return out;
}

void CheckLookups(const core::NumberPlan& plan, std::string_view input) {
  for (const std::string& msisdn : Candidates(input)) {
    auto facts = plan.Describe(msisdn);
    if (!facts.ok()) {
      if (facts.status().code() != absl::StatusCode::kInvalidArgument) {
        Violation("Describe(" + msisdn + ") failed with " + facts.status().ToString());
      }
      continue;
    }
    if (facts->msisdn != msisdn || msisdn.size() != 11 || !core::ValidateMsisdn(msisdn).ok()) {
      Violation("Describe accepted '" + msisdn + "'");
    }
    if (facts->block.empty() || !msisdn.starts_with(facts->block)) {
      Violation("Describe(" + msisdn + ") names block '" + facts->block + "'");
    }
    if (!plan.IsCarrier(facts->range_holder)) {
      Violation("Describe(" + msisdn + ") names unknown carrier '" + facts->range_holder + "'");
    }
    if (facts->portable != (facts->kind == core::BlockKind::kMobile)) {
      Violation("Describe(" + msisdn + "): portable disagrees with the block kind");
    }
    if (!facts->local_network.empty() &&
        (!plan.IsLocalNetwork(facts->local_network) || !plan.IsProvince(facts->province))) {
      Violation("Describe(" + msisdn + ") names a local network the plan does not know");
    }
  }
}

void Check(std::string_view input) {
  const std::vector<std::string_view> docs = SplitDocuments(input);
  auto plan = core::NumberPlan::Parse(docs[0], docs[1], docs[2]);
  if (!plan.ok()) {
    if (plan.status().code() != absl::StatusCode::kInvalidArgument) {
      Violation("Parse refused with " + plan.status().ToString());
    }
    return;
  }
  if (plan->source().carriers_csv != docs[0] || plan->source().blocks_csv != docs[1] ||
      plan->source().local_networks_csv != docs[2]) {
    Violation("the plan does not keep its sources verbatim");
  }
  const std::vector<std::string> ids = plan->CarrierIds();
  if (ids.empty() || ids.size() != plan->carriers().size()) Violation("carrier ids do not match");
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0 && ids[i - 1] >= ids[i]) Violation("carrier ids are not sorted and unique");
    if (!plan->IsCarrier(ids[i])) Violation("carrier '" + ids[i] + "' is not a carrier");
  }
  auto again = core::NumberPlan::Parse(plan->source().carriers_csv, plan->source().blocks_csv,
                                       plan->source().local_networks_csv);
  if (!again.ok() || again->CarrierIds() != ids) Violation("the plan does not parse again");
  CheckLookups(*plan, input);
}

}  // namespace
}  // namespace npd::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  npd::fuzz::InitFuzzProcess();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  npd::fuzz::Check(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
