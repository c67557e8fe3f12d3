#include "tests/fuzz/support/scenario.h"

#include <optional>
#include <string>

#include "daemon/engine/handlers.h"
#include "daemon/engine/journal.h"
#include "daemon/engine/refund_handlers.h"
#include "tests/fuzz/support/fuzz_world.h"
#include "tests/fuzz/support/invariants.h"
#include "tests/fuzz/support/outbox_steps.h"
#include "tests/fuzz/support/replay_check.h"
#include "tests/fuzz/support/request_runner.h"

namespace npd::fuzz {
namespace {

using npd::v1::Port;

// Builds the scenario on a driver, checking each step's outcome.
class ScenarioBuilder {
 public:
  explicit ScenarioBuilder(Scenario& scenario)
      : scenario_(scenario),
        driver_(DefaultContext(), std::vector<storage::WriteSet>(), ScenarioStart()) {
    driver_.RecordCommits(&scenario_.commits);
  }

  void Build() {
    Check(driver_.Execute([](engine::Txn& txn, const engine::EngineContext& ctx) {
      txn.SetStep(engine::SetupStep(ctx));
      return absl::OkStatus();
    }),
          "configuration entry");
    scenario_.issued_code = Issue("13800138001", "cmcc");
    Submit("13800138002", Issue("13800138002", "cmcc"), "cucc");                  // P1
    Answer(Submit("13800138003", Issue("13800138003", "cmcc"), "ctcc"), "cmcc");  // P2
    Answer(Submit("13010000004", Issue("13010000004", "cucc"), "cmcc"), "cucc");  // P3
    Reject(Submit("13800138005", Issue("13800138005", "cmcc"), "cucc"), "cmcc");  // P4
    Answer(Submit("13301000006", Issue("13301000006", "ctcc"), "cucc"), "ctcc");  // P5
    Answer(Submit("13800138007", Issue("13800138007", "cmcc"), "ctcc"), "cmcc");  // P6
    // The next whole hour: every approved port cuts over, in msisdn order (P3, P5, P2, P6).
    driver_.AdvanceTo(ScenarioStart() + absl::Hours(1));
    for (const char* carrier : {"cmcc", "cucc", "ctcc"}) Confirm(carrier, 3);
    Confirm("cucc", 4);
    Confirm("ctcc", 4);
    ExpectPort("P000000000002", npd::v1::PORT_STATE_COMPLETED);
    ExpectPort("P000000000003", npd::v1::PORT_STATE_COMPLETED);
    ExpectPort("P000000000005", npd::v1::PORT_STATE_COMPLETED);
    ExpectPort("P000000000006", npd::v1::PORT_STATE_CUTOVER);
    ExpectPort("P000000000001", npd::v1::PORT_STATE_PENDING_DONOR);
    ExpectPort("P000000000004", npd::v1::PORT_STATE_REJECTED);

    // R2: frozen, billed 50.00 - 12.34, the subscriber told: AWAIT_CLAIM.
    Answer("R000000000002", Done());
    Answer("R000000000002", Bill("B-2", 5000, 1234));
    Answer("R000000000002", Reference("sms-2"));
    ExpectRefund("R000000000002", npd::v1::REFUND_STATE_AWAIT_CLAIM);
    // R3: the donor's billing reports a judicial hold on the account.
    core::StepResult hold = Done();
    hold.judicial_hold = true;
    hold.hold_text = "court order 2026-117";
    Answer("R000000000003", hold);
    ExpectRefund("R000000000003", npd::v1::REFUND_STATE_STUCK);
    // R5: claimed at a hall in Guangdong, the payout sent.
    Answer("R000000000005", Done());
    Answer("R000000000005", Bill("B-5", 1200, 0));
    Answer("R000000000005", Reference("sms-5"));
    Claim("R000000000005", "ctcc");
    auto outbox = driver_.store().GetOutbox("R000000000005");
    Check(outbox.status(), "outbox of R5");
    if (!outbox->has_value()) Violation("scenario: R5 has no payout step");
    Check(BeginPayout(driver_, "R000000000005", (*outbox)->version()), "begin payout of R5");
    ExpectRefund("R000000000005", npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
    driver_.AdvanceTo(driver_.now() + absl::Minutes(5));
    scenario_.end = driver_.now();
    CheckStore(driver_.store(), DefaultContext());
    CheckFullReplay(driver_.store());
    // Sixty commits per input would cost more than most inputs do: one commit of the final state
    // recreates the same store (checked table by table).
    scenario_.commits = {WholeState(driver_.store())};
    StoreDriver copy(DefaultContext(), scenario_.commits, scenario_.end);
    RequireSameTables(driver_.store(), copy.store());
  }

 private:
  static void Check(const absl::Status& status, const std::string& what) {
    if (!status.ok()) Violation("scenario: " + what + ": " + status.ToString());
  }

  service::Principal Carrier(const std::string& id) {
    return service::Principal{.kind = service::PrincipalKind::kCarrier, .id = id};
  }

  std::string NextRequestId() { return "scenario-" + std::to_string(++requests_); }

  std::string Issue(const std::string& msisdn, const std::string& donor) {
    npd::v1::IssueAuthCodeRequest request;
    request.set_request_id(NextRequestId());
    request.set_msisdn(msisdn);
    *request.mutable_holder() = ScenarioHolder();
    npd::v1::IssueAuthCodeResponse response;
    Check(RunRequest(driver_, Carrier(donor), "/npd.v1.PortingService/IssueAuthCode", request,
                     &engine::HandleIssueAuthCode, &engine::RedactAuthCode, &response),
          "issue " + msisdn);
    if (!response.issued()) Violation("scenario: no code issued for " + msisdn);
    return response.code();
  }

  std::string Submit(const std::string& msisdn, const std::string& code,
                     const std::string& recipient) {
    npd::v1::SubmitPortRequest request;
    request.set_request_id(NextRequestId());
    request.set_msisdn(msisdn);
    request.set_auth_code(code);
    *request.mutable_applicant() = ScenarioHolder();
    request.set_local_network("010");  // every scenario number is in a Beijing block
    request.set_channel(npd::v1::CHANNEL_ONLINE);
    npd::v1::SubmitPortResponse response;
    Check(RunRequest(driver_, Carrier(recipient), "/npd.v1.PortingService/SubmitPort", request,
                     &engine::HandleSubmitPort, nullptr, &response),
          "submit " + msisdn);
    if (response.port().state() != npd::v1::PORT_STATE_PENDING_DONOR) {
      Violation("scenario: port of " + msisdn + " is " +
                npd::v1::PortState_Name(response.port().state()));
    }
    return response.port().port_id();
  }

  void Answer(const std::string& port_id, const std::string& donor) {
    npd::v1::AnswerPortRequest request;
    request.set_request_id(NextRequestId());
    request.set_port_id(port_id);
    request.set_approve(true);
    Check(RunRequest<npd::v1::AnswerPortRequest, npd::v1::AnswerPortResponse>(
              driver_, Carrier(donor), "/npd.v1.PortingService/AnswerPort", request,
              &engine::HandleAnswerPort, nullptr, nullptr),
          "approve " + port_id);
  }

  void Reject(const std::string& port_id, const std::string& donor) {
    npd::v1::AnswerPortRequest request;
    request.set_request_id(NextRequestId());
    request.set_port_id(port_id);
    request.add_reasons(npd::v1::REASON_CODE_R03_ARREARS_BILLED);
    request.set_note("arrears of 88.00 CNY");
    Check(RunRequest<npd::v1::AnswerPortRequest, npd::v1::AnswerPortResponse>(
              driver_, Carrier(donor), "/npd.v1.PortingService/AnswerPort", request,
              &engine::HandleAnswerPort, nullptr, nullptr),
          "reject " + port_id);
  }

  void Confirm(const std::string& carrier, uint64_t sequence) {
    npd::v1::ConfirmRequest request;
    request.set_request_id(NextRequestId());
    request.set_sequence(sequence);
    Check(RunRequest<npd::v1::ConfirmRequest, npd::v1::ConfirmResponse>(
              driver_, Carrier(carrier), "/npd.v1.RoutingFeedService/Confirm", request,
              &engine::HandleConfirm, nullptr, nullptr),
          "confirm by " + carrier);
  }

  void Claim(const std::string& refund_id, const std::string& donor) {
    npd::v1::ClaimRefundRequest request;
    request.set_request_id(NextRequestId());
    request.set_refund_id(refund_id);
    *request.mutable_claimant() = ScenarioHolder();
    request.mutable_payee()->set_kind(npd::v1::PAYEE_KIND_BANK_CARD);
    request.mutable_payee()->set_account(kPayeeCard);
    request.mutable_payee()->set_holder_name(kHolderName);
    request.set_channel(npd::v1::CLAIM_CHANNEL_HALL);
    request.set_claim_province("Guangdong");
    npd::v1::ClaimRefundResponse response;
    Check(RunRequest(driver_, Carrier(donor), "/npd.v1.RefundService/ClaimRefund", request,
                     &engine::HandleClaimRefund, nullptr, &response),
          "claim " + refund_id);
    if (!response.accepted()) Violation("scenario: claim of " + refund_id + " refused");
  }

  static core::StepResult Done() { return core::StepResult(); }
  static core::StepResult Bill(const std::string& id, int64_t cash, int64_t charges) {
    core::StepResult result;
    npd::v1::FinalBill bill;
    bill.set_bill_id(id);
    bill.set_cash_balance_fen(cash);
    bill.set_final_charges_fen(charges);
    result.bill = bill;
    return result;
  }
  static core::StepResult Reference(const std::string& reference) {
    core::StepResult result;
    result.reference = reference;
    return result;
  }

  // Answers the case's pending step with `result` (for its current entry version).
  void Answer(const std::string& refund_id, core::StepResult result) {
    auto outbox = driver_.store().GetOutbox(refund_id);
    Check(outbox.status(), "outbox of " + refund_id);
    if (!outbox->has_value()) Violation("scenario: " + refund_id + " has no pending step");
    result.version = (*outbox)->version();
    Check(AnswerOutboxStep(driver_, refund_id, (*outbox)->step(), result, 0.5),
          "answer " + npd::v1::RefundStep_Name((*outbox)->step()) + " of " + refund_id);
  }

  void ExpectPort(const std::string& port_id, npd::v1::PortState state) {
    auto port = driver_.store().GetPort(port_id);
    if (!port.ok() || !port->has_value() || (*port)->port().state() != state) {
      Violation("scenario: " + port_id + " is not " + npd::v1::PortState_Name(state));
    }
  }

  void ExpectRefund(const std::string& refund_id, npd::v1::RefundState state) {
    auto refund = driver_.store().GetRefund(refund_id);
    if (!refund.ok() || !refund->has_value() || (*refund)->refund().state() != state) {
      Violation("scenario: " + refund_id + " is not " + npd::v1::RefundState_Name(state) +
                (refund.ok() && refund->has_value()
                     ? " but " + npd::v1::RefundState_Name((*refund)->refund().state())
                     : ""));
    }
  }

  Scenario& scenario_;
  StoreDriver driver_;
  int requests_ = 0;
};

template <typename Record>
Record ParseRecord(std::string_view value) {
  Record record;
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    Violation("scenario: a stored record does not parse");
  }
  return record;
}

template <typename T>
T Must(absl::StatusOr<T> value) {
  if (!value.ok()) Violation("scenario: " + value.status().ToString());
  return *std::move(value);
}

void Must(absl::Status status) {
  if (!status.ok()) Violation("scenario: " + status.ToString());
}

}  // namespace

storage::WriteSet WholeState(storage::Store& store) {
  storage::WriteSet all;
  Must(store.ScanTable("numbers", [&](std::string_view, std::string_view value) {
    all.numbers.push_back(ParseRecord<npd::store::v1::NumberRecord>(value));
    return absl::OkStatus();
  }));
  storage::PortQuery ports;
  ports.limit = SIZE_MAX;
  all.ports = Must(store.ListPorts(ports)).ports;
  Must(store.ScanTable("events", [&](std::string_view, std::string_view value) {
    all.events.push_back(ParseRecord<npd::store::v1::EventRecord>(value));
    return absl::OkStatus();
  }));
  all.feed = Must(store.ReadFeed(0, SIZE_MAX));
  all.timers_added = Must(store.LoadTimers());
  Must(store.ScanTable("idempotency", [&](std::string_view key, std::string_view value) {
    all.idempotency.emplace_back(std::string(key),
                                 ParseRecord<npd::store::v1::IdempotencyRecord>(value));
    return absl::OkStatus();
  }));
  all.cursors = Must(store.LoadCursors());
  all.counters = Must(store.LoadCounters());
  all.awaiting_added = Must(store.ReadAwaiting(0, UINT64_MAX, SIZE_MAX));
  storage::RefundQuery refunds;
  refunds.limit = SIZE_MAX;
  all.refunds = Must(store.ListRefunds(refunds)).refunds;
  all.outbox_put = Must(store.LoadOutbox());
  all.journal = Must(store.ReadJournal(0, SIZE_MAX));
  return all;
}

void RequireSameTables(storage::Store& a, storage::Store& b) {
  for (const char* table : {"numbers", "ports", "ports_by_msisdn", "events", "feed", "timers",
                            "idempotency", "meta", "awaiting", "refunds", "outbox", "journal"}) {
    std::vector<std::pair<std::string, std::string>> rows_a, rows_b;
    for (auto [store, rows] : {std::pair{&a, &rows_a}, std::pair{&b, &rows_b}}) {
      Must(store->ScanTable(table, [rows = rows](std::string_view key, std::string_view value) {
        rows->emplace_back(std::string(key), std::string(value));
        return absl::OkStatus();
      }));
    }
    if (rows_a != rows_b) Violation(std::string("stores differ in table ") + table);
  }
}

npd::v1::Identity ScenarioHolder() {
  npd::v1::Identity identity;
  identity.set_id_type(npd::v1::ID_TYPE_RESIDENT);
  identity.set_id_number(kHolderId);
  identity.set_name(kHolderName);
  return identity;
}

const Scenario& TheScenario() {
  static const Scenario* scenario = [] {
    InstallDeterministicRandom();
    ResetRandom(0x5ce4a210);
    auto* built = new Scenario;
    ScenarioBuilder(*built).Build();
    return built;
  }();
  return *scenario;
}

}  // namespace npd::fuzz
