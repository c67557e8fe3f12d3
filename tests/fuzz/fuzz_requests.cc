// fuzz_requests: sequences of requests of every rpc, as every kind of principal, with the clock
// moving and the outside systems answering, on a fresh copy of the scenario store
// (support/scenario.h). Input format: support/request_input.h.
//
// Each request goes the way npd takes it: decoded as gRPC hands it over (tolerant traits), the
// gatekeeper's admission, the service's validation, then the engine handler or the read. After
// every step the store's invariants are checked (support/invariants.h), and:
//   - a refused request, and any read, wrote nothing;
//   - no request ends in an error a client should never see (INTERNAL, UNKNOWN, DATA_LOSS,
//     UNAVAILABLE: the memory store cannot fail);
//   - a successful mutation sent again is answered alike from its idempotency record;
// and at the end of the input the journal replays to exactly the stored state.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "daemon/core/string_view_compat.h"
#include "daemon/engine/journal.h"
#include "tests/fuzz/support/fuzz_world.h"
#include "tests/fuzz/support/invariants.h"
#include "tests/fuzz/support/outbox_steps.h"
#include "tests/fuzz/support/replay_check.h"
#include "tests/fuzz/support/request_input.h"
#include "tests/fuzz/support/rpc_cases.h"
#include "tests/fuzz/support/scenario.h"

namespace npd::fuzz {
namespace {

bool ClientMaySee(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnavailable:
      return false;
    default:
      return true;
  }
}

void RequestStep(StoreDriver& driver, const InputStep& step) {
  const auto& cases = RpcCases();
  const RpcCase& rpc = cases[step.rpc % cases.size()];
  const FuzzPrincipal& principal = Principals()[step.principal % Principals().size()];
  auto request = DecodeAsGrpc(rpc, step.bytes);
  const uint64_t before = driver.commits();
  absl::Status status = Admit(principal, rpc, *request);
  if (status.ok()) status = rpc.run(driver, principal.principal, *request);
  if (!ClientMaySee(status.code())) {
    Violation(absl::StrCat(core::AbslView(rpc.method), " as ", principal.principal.Uri(),
                           " answered ", status.ToString()));
  }
  if ((!status.ok() || !rpc.mutation) && driver.commits() != before) {
    Violation(absl::StrCat(core::AbslView(rpc.method), " as ", principal.principal.Uri(),
                           " wrote to the store ",
                           status.ok() ? "as a read" : "although refused: " + status.ToString()));
  }
}

// The case-th stored refund case (ascending id), or nullopt when there is none.
std::optional<npd::store::v1::RefundRecord> NthCase(StoreDriver& driver, uint8_t index) {
  storage::RefundQuery all;
  all.limit = 1000;
  auto page = driver.store().ListRefunds(all);
  if (!page.ok()) Violation("ListRefunds: " + page.status().ToString());
  if (page->refunds.empty()) return std::nullopt;
  return page->refunds[index % page->refunds.size()];
}

void OutsideStep(StoreDriver& driver, const InputStep& step) {
  auto refund = NthCase(driver, step.refund);
  if (!refund.has_value()) return;
  npd::store::v1::StepResultInput input;
  if (!input.ParseFromArray(step.bytes.data(), static_cast<int>(step.bytes.size()))) return;
  const std::string& id = refund->refund().refund_id();
  auto outbox = driver.store().GetOutbox(id);
  if (!outbox.ok()) Violation("GetOutbox: " + outbox.status().ToString());
  core::StepResult result = engine::StepResultFromInput(input);
  if (result.version == 0 && outbox->has_value()) result.version = (*outbox)->version();
  const npd::v1::RefundStep pending =
      outbox->has_value() ? (*outbox)->step() : refund->refund().pending_step().step();
  absl::Status status =
      AnswerOutboxStep(driver, id, pending, result, static_cast<double>(step.jitter) / 256);
  if (!ClientMaySee(status.code())) {
    Violation(absl::StrCat("the answer to ", npd::v1::RefundStep_Name(pending), " of ", id,
                           " failed: ", status.ToString()));
  }
}

void BeginPayoutStep(StoreDriver& driver, const InputStep& step) {
  auto refund = NthCase(driver, step.refund);
  if (!refund.has_value()) return;
  const std::string& id = refund->refund().refund_id();
  auto outbox = driver.store().GetOutbox(id);
  if (!outbox.ok()) Violation("GetOutbox: " + outbox.status().ToString());
  if (!outbox->has_value() || (*outbox)->step() != npd::v1::REFUND_STEP_PAYOUT) return;
  absl::Status status = BeginPayout(driver, id, (*outbox)->version());
  if (!ClientMaySee(status.code())) {
    Violation(absl::StrCat("BeginPayout of ", id, " failed: ", status.ToString()));
  }
}

}  // namespace
}  // namespace npd::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  npd::fuzz::InitFuzzProcess();
  npd::fuzz::TheScenario();
  npd::fuzz::RpcCases();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace npd::fuzz;  // NOLINT(build/namespaces)
  ResetRandom(0);
  const Scenario& scenario = TheScenario();
  StoreDriver driver(DefaultContext(), scenario.commits, scenario.end);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  uint64_t checked = driver.commits();  // the scenario was checked when it was built
  for (const InputStep& step : DecodeSteps(input)) {
    switch (step.op) {
      case InputStep::Op::kRequest:
        RequestStep(driver, step);
        break;
      case InputStep::Op::kClock:
        driver.AdvanceTo(driver.now() +
                         (step.minutes == 0 ? absl::Seconds(1) : absl::Minutes(step.minutes)));
        break;
      case InputStep::Op::kOutside:
        OutsideStep(driver, step);
        break;
      case InputStep::Op::kBeginPayout:
        BeginPayoutStep(driver, step);
        break;
    }
    if (driver.commits() != checked) {  // a step that committed nothing changed nothing
      CheckStore(driver.store(), driver.context());
      checked = driver.commits();
    }
  }
  static const ReplayChecker replay(scenario.commits, scenario.end);
  if (driver.commits() > 0) replay.Check(driver.store());
  return 0;
}
