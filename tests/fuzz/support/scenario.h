// The state the request, page-token and journal fuzz targets start every input from: a few numbers
// and ports in each interesting state, built once per process through npd's own handlers (as
// requests, timers and outside answers would build it) and kept as the list of commits that made
// it, so that each input gets a fresh store in a few microseconds.
//
//   13800138001  cmcc number with an ACTIVE code (kIssuedCode... see Scenario::issued_code)
//   P000000000001  13800138002  cmcc -> cucc  PENDING_DONOR
//   P000000000002  13800138003  cmcc -> ctcc  COMPLETED; R000000000002 AWAIT_CLAIM (37.66 CNY)
//   P000000000003  13010000004  cucc -> cmcc  COMPLETED; R000000000003 STUCK (judicial hold)
//   P000000000004  13800138005  cmcc -> cucc  REJECTED (R03)
//   P000000000005  13301000006  ctcc -> cucc  COMPLETED; R000000000005 PAYOUT_REQUESTED,
//                                             payout key R000000000005:payout:1, 12.00 CNY
//   P000000000006  13800138007  cmcc -> ctcc  CUTOVER, confirmed by cucc and ctcc, not cmcc
// Every applicant and holder is kHolderName / kHolderId (a resident card). The journal starts with
// the configuration entry, as a new npd's does.
#ifndef NPD_TESTS_FUZZ_SUPPORT_SCENARIO_H_
#define NPD_TESTS_FUZZ_SUPPORT_SCENARIO_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "npd/v1/common.pb.h"
#include "storage/store.h"

namespace npd::fuzz {

inline constexpr char kHolderName[] = "张三";
inline constexpr char kHolderId[] = "11010519491231002X";
// A bank card with a valid Luhn digit.
inline constexpr char kPayeeCard[] = "6222020200112233446";

struct Scenario {
  // From an empty store, applying these in order gives the scenario (one commit of the whole
  // state, made from the commits that built it).
  std::vector<storage::WriteSet> commits;
  // The clock when the scenario ends.
  absl::Time end;
  // The plaintext code of 13800138001 (deterministic: the fuzz targets' random generator).
  std::string issued_code;
};

// Built on first use under DefaultContext(); aborts (Violation) when a step does not end as the
// table above says.
const Scenario& TheScenario();

// One WriteSet that writes everything `store` holds into an empty store.
storage::WriteSet WholeState(storage::Store& store);
// Aborts (Violation) unless the two stores hold the same records in every table.
void RequireSameTables(storage::Store& a, storage::Store& b);

// kHolderName with kHolderId as a resident card.
npd::v1::Identity ScenarioHolder();

}  // namespace npd::fuzz

#endif  // NPD_TESTS_FUZZ_SUPPORT_SCENARIO_H_
