// fuzz_make_seeds DIR: writes the binary seed corpora of fuzz_requests, fuzz_page_tokens and
// fuzz_journal into DIR/<target>/ (tests/fuzz/corpus in the repository). The text corpora
// (fuzz_config, fuzz_number_plan, fuzz_principal) are written by hand. Run it again after a change
// of an input format or of the scenario, and commit the result.
//
// Each seed is one meaningful use of npd against the scenario (support/scenario.h): a flow that
// succeeds, a refusal of each kind, a page that continues. Requests are built as protos and
// encoded as their inputs say, so the seeds follow the formats' code.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/core/time_convert.h"
#include "daemon/engine/handlers.h"
#include "daemon/engine/journal.h"
#include "npd/v1/admin.pb.h"
#include "npd/v1/audit.pb.h"
#include "npd/v1/feed.pb.h"
#include "npd/v1/history.pb.h"
#include "npd/v1/number.pb.h"
#include "npd/v1/operations.pb.h"
#include "npd/v1/porting.pb.h"
#include "npd/v1/refund.pb.h"
#include "npd/v1/report.pb.h"
#include "tests/fuzz/support/fuzz_world.h"
#include "tests/fuzz/support/outbox_steps.h"
#include "tests/fuzz/support/request_input.h"
#include "tests/fuzz/support/request_runner.h"
#include "tests/fuzz/support/rpc_cases.h"
#include "tests/fuzz/support/scenario.h"

namespace npd::fuzz {
namespace {

using namespace npd::v1;  // NOLINT(build/namespaces): the request types

// Principals() indices.
enum Who : uint8_t {
  kCmcc = 0,
  kCucc = 1,
  kCtcc = 2,
  kCuccSelf = 3,
  kCmccSelf = 4,
  kOperator = 5,
  kPayment = 6,
  kBillingCmcc = 7,
  kBillingCtcc = 8,
  kUnknownCarrier = 9,
};

uint8_t Rpc(std::string_view method) {
  const auto& cases = RpcCases();
  for (size_t i = 0; i < cases.size(); ++i) {
    if (cases[i].method == method) return static_cast<uint8_t>(i);
  }
  Violation("no rpc " + std::string(method));
}

class Corpus {
 public:
  Corpus(const std::string& root, const std::string& target) : dir_(root + "/" + target) {
    std::filesystem::create_directories(dir_);
  }
  void Write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << bytes;
    ++written_;
  }
  int written() const { return written_; }

 private:
  std::string dir_;
  int written_ = 0;
};

std::string Req(Who who, std::string_view method, const google::protobuf::Message& request) {
  return EncodeRequest(who, Rpc(method), request.SerializeAsString());
}

IssueAuthCodeRequest Issue(const std::string& id, const std::string& msisdn) {
  IssueAuthCodeRequest r;
  r.set_request_id(id);
  r.set_msisdn(msisdn);
  *r.mutable_holder() = ScenarioHolder();
  return r;
}

SubmitPortRequest Submit(const std::string& id, const std::string& msisdn,
                         const std::string& code) {
  SubmitPortRequest r;
  r.set_request_id(id);
  r.set_msisdn(msisdn);
  r.set_auth_code(code);
  *r.mutable_applicant() = ScenarioHolder();
  r.set_local_network("010");
  r.set_channel(CHANNEL_HALL);
  return r;
}

AnswerPortRequest Answer(const std::string& id, const std::string& port, bool approve) {
  AnswerPortRequest r;
  r.set_request_id(id);
  r.set_port_id(port);
  r.set_approve(approve);
  if (!approve) {
    r.add_reasons(REASON_CODE_R01_NOT_REAL_NAME);
    r.add_reasons(REASON_CODE_R03_ARREARS_BILLED);
    r.set_note("contract ends 2027-03");
  }
  return r;
}

ConfirmRequest Confirm(const std::string& id, uint64_t sequence) {
  ConfirmRequest r;
  r.set_request_id(id);
  r.set_sequence(sequence);
  return r;
}

ClaimRefundRequest Claim(const std::string& id, const std::string& refund) {
  ClaimRefundRequest r;
  r.set_request_id(id);
  r.set_refund_id(refund);
  *r.mutable_claimant() = ScenarioHolder();
  r.mutable_payee()->set_kind(PAYEE_KIND_BANK_CARD);
  r.mutable_payee()->set_account(kPayeeCard);
  r.mutable_payee()->set_holder_name(kHolderName);
  r.set_channel(CLAIM_CHANNEL_APP);
  r.set_claim_province("Beijing");
  return r;
}

ReportPayoutResultRequest Payout(const std::string& id, PayoutStatus status, int64_t amount) {
  ReportPayoutResultRequest r;
  r.set_request_id(id);
  r.set_payout_key("R000000000005:payout:1");
  r.set_status(status);
  r.set_amount_fen(amount);
  if (status == PAYOUT_STATUS_SUCCEEDED) r.set_payout_reference("UP-778812");
  if (status == PAYOUT_STATUS_FAILED_PAYEE_INVALID) r.set_failure_text("card closed");
  return r;
}

google::protobuf::Timestamp At(int year, int month, int day) {
  return core::ToProto(absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone()));
}

void RequestSeeds(const std::string& root) {
  Corpus c(root, "fuzz_requests");
  const std::string code = TheScenario().issued_code;
  const char* kIssue = "/npd.v1.PortingService/IssueAuthCode";
  const char* kSubmit = "/npd.v1.PortingService/SubmitPort";
  const char* kAnswer = "/npd.v1.PortingService/AnswerPort";
  const char* kConfirm = "/npd.v1.RoutingFeedService/Confirm";

  c.Write("issue-code", Req(kCmcc, kIssue, Issue("q1", "13800138009")));
  c.Write("issue-code-not-serving", Req(kCucc, kIssue, Issue("q1", "13800138009")));
  c.Write("issue-code-twice", Req(kCmcc, kIssue, Issue("q1", "13800138001")) +
                                  Req(kCmcc, kIssue, Issue("q1", "13800138001")) +
                                  Req(kCmcc, kIssue, Issue("q2", "13800138001")));
  // A whole port: submit with the scenario's code, approve, cut over at the next hour, confirm.
  c.Write("port-end-to-end", Req(kCucc, kSubmit, Submit("q1", "13800138001", code)) +
                                 Req(kCmcc, kAnswer, Answer("q2", "P000000000007", true)) +
                                 EncodeClock(60) + Req(kCmcc, kConfirm, Confirm("q3", 5)) +
                                 Req(kCucc, kConfirm, Confirm("q3", 5)) +
                                 Req(kCtcc, kConfirm, Confirm("q3", 5)));
  c.Write("submit-selfservice", Req(kCuccSelf, kSubmit, Submit("q1", "13800138001", code)));
  c.Write("submit-wrong-code", Req(kCtcc, kSubmit, Submit("q1", "13800138001", "000000")) +
                                   Req(kCtcc, kSubmit, Submit("q2", "13800138001", "000001")));
  c.Write("submit-live-number", Req(kCtcc, kSubmit, Submit("q1", "13800138002", code)));
  c.Write("answer-approve", Req(kCmcc, kAnswer, Answer("q1", "P000000000001", true)));
  c.Write("answer-reject", Req(kCmcc, kAnswer, Answer("q1", "P000000000001", false)));
  c.Write("answer-not-donor", Req(kCtcc, kAnswer, Answer("q1", "P000000000001", true)));
  CancelPortRequest cancel;
  cancel.set_request_id("q1");
  cancel.set_port_id("P000000000001");
  cancel.set_reason("subscriber changed her mind");
  c.Write("cancel-by-recipient", Req(kCucc, "/npd.v1.PortingService/CancelPort", cancel));
  c.Write("cancel-by-selfservice", Req(kCuccSelf, "/npd.v1.PortingService/CancelPort", cancel));
  c.Write("cancel-after-cutover", Req(kCtcc, "/npd.v1.PortingService/CancelPort", [] {
            CancelPortRequest r;
            r.set_request_id("q1");
            r.set_port_id("P000000000006");
            return r;
          }()));
  ResendRoutingRequest resend;
  resend.set_request_id("q1");
  resend.set_port_id("P000000000006");
  resend.set_reason("cmcc restored its NP database");
  c.Write("ack-timeout-then-resend",
          EncodeClock(16) + EncodeClock(16) +
              Req(kOperator, "/npd.v1.PortingService/ResendRouting", resend) +
              Req(kCmcc, kConfirm, Confirm("q2", 6)));
  DisconnectNumberRequest disconnect;
  disconnect.set_request_id("q1");
  disconnect.set_msisdn("13010000004");
  disconnect.set_note("subscriber left");
  c.Write("disconnect-ported", Req(kCmcc, "/npd.v1.PortingService/DisconnectNumber", disconnect) +
                                   EncodeClock(60 * 24 * 31));
  GetPortRequest get_port;
  get_port.set_port_id("P000000000002");
  c.Write("get-port", Req(kCtcc, "/npd.v1.PortingService/GetPort", get_port) +
                          Req(kCucc, "/npd.v1.PortingService/GetPort", get_port));
  ListPortsRequest list_ports;
  list_ports.set_page_size(2);
  list_ports.set_state(PORT_STATE_COMPLETED);
  c.Write("list-ports", Req(kOperator, "/npd.v1.PortingService/ListPorts", list_ports) +
                            Req(kCmccSelf, "/npd.v1.PortingService/ListPorts", list_ports));
  LookupRequest lookup;
  lookup.set_msisdn("13800138003");
  BatchLookupRequest batch;
  for (const char* m : {"13800138003", "13010000004", "1380013800", "19912345678"}) {
    batch.add_msisdns(m);
  }
  c.Write("lookups", Req(kCucc, "/npd.v1.NumberService/Lookup", lookup) +
                         Req(kCuccSelf, "/npd.v1.NumberService/BatchLookup", batch));
  SubscribeRequest subscribe;
  subscribe.set_from_sequence(2);
  c.Write("subscribe", Req(kCtcc, "/npd.v1.RoutingFeedService/Subscribe", SubscribeRequest()) +
                           Req(kOperator, "/npd.v1.RoutingFeedService/Subscribe", subscribe));
  c.Write("confirm-rest", Req(kCmcc, kConfirm, Confirm("q1", 4)));
  c.Write("confirm-beyond-head", Req(kCmcc, kConfirm, Confirm("q1", 99)));
  c.Write("export-snapshot",
          Req(kCtcc, "/npd.v1.RoutingFeedService/ExportSnapshot", ExportSnapshotRequest()));
  CompareBlocksRequest compare;
  compare.set_scope_prefix("138");
  auto* block = compare.add_blocks();
  block->set_block("1380013");
  block->set_count(2);
  block->set_digest(0x1234);
  c.Write("compare-blocks", Req(kCucc, "/npd.v1.AuditService/CompareBlocks", compare));
  DiffBlockRequest diff;
  diff.set_block("1380013");
  auto* entry = diff.add_entries();
  entry->set_msisdn("13800138003");
  entry->set_serving_carrier("cucc");
  c.Write("diff-block", Req(kCmcc, "/npd.v1.AuditService/DiffBlock", diff));
  GetRefundRequest get_refund;
  get_refund.set_refund_id("R000000000002");
  ListRefundsRequest list_refunds;
  list_refunds.set_page_size(1);
  c.Write("refund-reads", Req(kCmcc, "/npd.v1.RefundService/GetRefund", get_refund) +
                              Req(kCucc, "/npd.v1.RefundService/GetRefund", get_refund) +
                              Req(kOperator, "/npd.v1.RefundService/ListRefunds", list_refunds));
  c.Write("claim-accepted",
          Req(kCmcc, "/npd.v1.RefundService/ClaimRefund", Claim("q1", "R000000000002")) +
              EncodeBeginPayout(0) + Req(kPayment, "/npd.v1.RefundService/ReportPayoutResult", [] {
                ReportPayoutResultRequest r = Payout("q2", PAYOUT_STATUS_SUCCEEDED, 3766);
                r.set_payout_key("R000000000002:payout:1");
                return r;
              }()));
  ClaimRefundRequest other = Claim("q1", "R000000000002");
  other.mutable_claimant()->set_name("李四");
  c.Write("claim-other-person", Req(kOperator, "/npd.v1.RefundService/ClaimRefund", other));
  ReportFinalBillRequest bill;
  bill.set_request_id("q1");
  bill.set_refund_id("R000000000002");
  bill.mutable_bill()->set_bill_id("B-2");
  bill.mutable_bill()->set_cash_balance_fen(5000);
  bill.mutable_bill()->set_final_charges_fen(1234);
  c.Write("final-bill-again", Req(kBillingCmcc, "/npd.v1.RefundService/ReportFinalBill", bill));
  bill.mutable_bill()->set_cash_balance_fen(9000000000000000000);
  bill.mutable_bill()->set_non_refundable_fen(4000000000000000000);
  bill.mutable_bill()->set_third_party_topup_fen(4000000000000000000);
  c.Write("final-bill-large", Req(kCmcc, "/npd.v1.RefundService/ReportFinalBill", bill));
  c.Write("payout-succeeded", Req(kPayment, "/npd.v1.RefundService/ReportPayoutResult",
                                  Payout("q1", PAYOUT_STATUS_SUCCEEDED, 1200)));
  c.Write("payout-other-amount", Req(kPayment, "/npd.v1.RefundService/ReportPayoutResult",
                                     Payout("q1", PAYOUT_STATUS_SUCCEEDED, 1300)));
  c.Write("payout-payee-invalid-then-success",
          Req(kPayment, "/npd.v1.RefundService/ReportPayoutResult",
              Payout("q1", PAYOUT_STATUS_FAILED_PAYEE_INVALID, 0)) +
              Req(kPayment, "/npd.v1.RefundService/ReportPayoutResult",
                  Payout("q2", PAYOUT_STATUS_SUCCEEDED, 1200)));
  RedriveRefundRequest redrive;
  redrive.set_request_id("q1");
  redrive.set_refund_id("R000000000003");
  redrive.set_note("judicial hold lifted, order 12");
  c.Write("redrive-stuck", Req(kOperator, "/npd.v1.RefundService/RedriveRefund", redrive));
  ListAttentionRequest attention;
  attention.set_page_size(1);
  CancelStalePortRequest stale;
  stale.set_request_id("q1");
  stale.set_port_id("P000000000001");
  stale.set_reason("donor silent, subscriber withdrew");
  c.Write("operations", EncodeClock(120) +
                            Req(kOperator, "/npd.v1.OperationsService/ListAttention", attention) +
                            Req(kOperator, "/npd.v1.OperationsService/CancelStalePort", stale));
  GetHistoryRequest history;
  history.set_msisdn("13800138003");
  history.set_page_size(3);
  GetHistoryRequest port_history;
  port_history.set_port_id("P000000000005");
  GetHistoryRequest refund_history;
  refund_history.set_refund_id("R000000000005");
  c.Write("history", Req(kOperator, "/npd.v1.HistoryService/GetHistory", history) +
                         Req(kCucc, "/npd.v1.HistoryService/GetHistory", port_history) +
                         Req(kCtcc, "/npd.v1.HistoryService/GetHistory", refund_history));
  GetReportRequest report;
  *report.mutable_from() = At(2026, 11, 1);
  *report.mutable_to() = At(2026, 12, 1);
  c.Write("report", Req(kOperator, "/npd.v1.ReportService/GetReport", report) +
                        Req(kCucc, "/npd.v1.ReportService/GetReport", report));
  CheckpointRequest checkpoint;
  checkpoint.set_directory("/var/backups/npd/now");
  c.Write("checkpoint", Req(kOperator, "/npd.v1.AdminService/Checkpoint", checkpoint) +
                            Req(kCmcc, "/npd.v1.AdminService/Checkpoint", checkpoint));
  c.Write("unknown-carrier", Req(kUnknownCarrier, kIssue, Issue("q1", "13800138009")));
  c.Write("undecodable", EncodeRequest(kCmcc, Rpc(kIssue), "\x0a\x05\xff\xfe\xfd\xfc\xfb"));
  // Claims expire a month after the SMS; the stale port expires after 30 days.
  c.Write("month-passes", EncodeClock(60 * 24 * 32));
  // Outside answers: R5's payout queried (found, succeeded), and a retryable error.
  npd::store::v1::StepResultInput query;
  query.set_payout_query(true);
  query.set_payout_found(true);
  query.set_payout_status(PAYOUT_STATUS_SUCCEEDED);
  query.set_payout_amount_fen(1200);
  query.set_reference("UP-1");
  c.Write("outside-payout-query", EncodeOutside(2, 0, query.SerializeAsString()));
  npd::store::v1::StepResultInput retry;
  retry.set_outcome(1);
  retry.set_error("deadline exceeded");
  c.Write("outside-retry", EncodeOutside(2, 200, retry.SerializeAsString()) + EncodeClock(1) +
                               EncodeOutside(2, 10, retry.SerializeAsString()));
  std::printf("fuzz_requests: %d seeds\n", c.written());
}

std::string PageInput(uint8_t kind, Who who, const google::protobuf::Message& request) {
  return std::string{static_cast<char>(kind), static_cast<char>(who)} + request.SerializeAsString();
}

void PageTokenSeeds(const std::string& root) {
  Corpus c(root, "fuzz_page_tokens");
  ListPortsRequest ports;
  ports.set_page_size(1);
  c.Write("ports-operator-1", PageInput(0, kOperator, ports));
  ports.set_page_token("P000000000003");
  c.Write("ports-after-3", PageInput(0, kOperator, ports));
  ports.set_page_size(2);
  ports.clear_page_token();
  c.Write("ports-cmcc-2", PageInput(0, kCmcc, ports));
  ports.set_msisdn("13800138003");
  c.Write("ports-by-number", PageInput(0, kCtcc, ports));
  ports.clear_msisdn();
  ports.set_state(PORT_STATE_COMPLETED);
  ports.set_carrier("cucc");
  c.Write("ports-filtered", PageInput(0, kOperator, ports));
  c.Write("ports-other-carrier", PageInput(0, kCtcc, ports));
  ListRefundsRequest refunds;
  refunds.set_page_size(1);
  c.Write("refunds-1", PageInput(1, kOperator, refunds));
  refunds.set_page_token("R000000000002");
  c.Write("refunds-after-2", PageInput(1, kOperator, refunds));
  refunds.clear_page_token();
  refunds.set_msisdn("13301000006");
  c.Write("refunds-by-number", PageInput(1, kCtcc, refunds));
  refunds.clear_msisdn();
  refunds.set_home_province("Beijing");
  refunds.set_state(REFUND_STATE_STUCK);
  c.Write("refunds-filtered", PageInput(1, kOperator, refunds));
  ListAttentionRequest attention;
  attention.set_page_size(1);
  c.Write("attention-1", PageInput(2, kOperator, attention));
  attention.set_page_token("P000000000004");
  c.Write("attention-after-port", PageInput(2, kOperator, attention));
  attention.set_page_token("R000000000002");
  attention.set_kind(ATTENTION_KIND_STUCK_REFUND);
  c.Write("attention-refunds", PageInput(2, kOperator, attention));
  GetHistoryRequest history;
  history.set_msisdn("13800138003");
  history.set_page_size(2);
  c.Write("history-number", PageInput(3, kOperator, history));
  history.set_after_sequence(12);
  c.Write("history-after", PageInput(3, kCtcc, history));
  history.set_port_id("P000000000006");
  history.set_page_size(1);
  c.Write("history-port", PageInput(3, kCmcc, history));
  history.set_refund_id("R000000000005");
  history.set_after_sequence(0);
  c.Write("history-refund", PageInput(3, kCtcc, history));
  SubscribeRequest subscribe;
  c.Write("subscribe-resume", PageInput(4, kCmcc, subscribe));
  subscribe.set_from_sequence(3);
  c.Write("subscribe-from-3", PageInput(4, kOperator, subscribe));
  subscribe.set_from_sequence(5);
  c.Write("subscribe-at-head", PageInput(4, kCucc, subscribe));
  std::printf("fuzz_page_tokens: %d seeds\n", c.written());
}

// One journal input from entries.
std::string JournalInput(const std::vector<npd::store::v1::JournalEntry>& entries) {
  std::string out;
  for (const auto& e : entries) {
    const std::string bytes = e.SerializeAsString();
    out.push_back(static_cast<char>(bytes.size() & 0xff));
    out.push_back(static_cast<char>(bytes.size() >> 8));
    out += bytes;
  }
  return out;
}

void JournalSeeds(const std::string& root) {
  Corpus c(root, "fuzz_journal");
  // Live steps on the scenario, journaled as npd journals them; each becomes a seed.
  const Scenario& scenario = TheScenario();
  StoreDriver driver(DefaultContext(), scenario.commits, scenario.end);
  const uint64_t before = driver.counters().last_journal_sequence();
  auto carrier = [](const std::string& id) {
    return service::Principal{.kind = service::PrincipalKind::kCarrier, .id = id};
  };
  ResetRandom(0);
  IssueAuthCodeResponse issued;
  (void)RunRequest(driver, carrier("cmcc"), "/npd.v1.PortingService/IssueAuthCode",
                   Issue("j1", "13800138009"), &engine::HandleIssueAuthCode,
                   &engine::RedactAuthCode, &issued);
  SubmitPortResponse submitted;
  (void)RunRequest(driver, carrier("cucc"), "/npd.v1.PortingService/SubmitPort",
                   Submit("j2", "13800138009", issued.code()), &engine::HandleSubmitPort, nullptr,
                   &submitted);
  (void)RunRequest<AnswerPortRequest, AnswerPortResponse>(
      driver, carrier("cmcc"), "/npd.v1.PortingService/AnswerPort",
      Answer("j3", submitted.port().port_id(), true), &engine::HandleAnswerPort, nullptr, nullptr);
  (void)RunRequest<ClaimRefundRequest, ClaimRefundResponse>(
      driver, carrier("cmcc"), "/npd.v1.RefundService/ClaimRefund", Claim("j4", "R000000000002"),
      &engine::HandleClaimRefund, nullptr, nullptr);
  (void)RunRequest<ConfirmRequest, ConfirmResponse>(
      driver, carrier("cmcc"), "/npd.v1.RoutingFeedService/Confirm", Confirm("j5", 4),
      &engine::HandleConfirm, nullptr, nullptr);
  driver.AdvanceTo(driver.now() + absl::Hours(1));
  core::StepResult query;
  query.payout_query = true;
  query.payout_status = PAYOUT_STATUS_SUCCEEDED;
  query.payout_amount_fen = 1200;
  auto outbox = driver.store().GetOutbox("R000000000005");
  if (outbox.ok() && outbox->has_value()) {
    query.version = (*outbox)->version();
    (void)AnswerOutboxStep(driver, "R000000000005", (*outbox)->step(), query, 0.25);
  }
  auto journal = driver.store().ReadJournal(before, 100);
  if (!journal.ok()) Violation("ReadJournal: " + journal.status().ToString());
  int n = 0;
  for (const auto& entry : *journal) {
    c.Write(absl::StrCat("step-", ++n, "-", entry.command()), JournalInput({entry}));
  }
  c.Write("all-steps", JournalInput(*journal));
  c.Write("setup", JournalInput({engine::SetupStep(DefaultContext())}));
  npd::store::v1::EngineSetup setup = engine::SetupOf(DefaultContext());
  setup.set_carriers_csv("id,name,short_code\ncmcc,China Mobile,10086\n");
  setup.set_blocks_csv("prefix,carrier,kind\n138,cmcc,mobile\n");
  setup.set_local_networks_csv("block,province,city,area_code\n1380013,Beijing,Beijing,010\n");
  npd::store::v1::JournalEntry small;
  small.set_command("config");
  *small.mutable_setup() = setup;
  c.Write("setup-small-plan-then-steps", JournalInput({small, (*journal)[0], (*journal)[1]}));
  c.Write("feed-prune", JournalInput({engine::FeedPruneStep(3)}));
  npd::store::v1::TimerRecord timer;
  timer.set_kind(npd::store::v1::TIMER_KIND_ACK_DEADLINE);
  *timer.mutable_due_at() = core::ToProto(scenario.end);
  timer.set_msisdn("13800138007");
  timer.set_port_id("P000000000006");
  npd::store::v1::JournalEntry timer_entry = engine::TimerStep(timer);
  *timer_entry.mutable_at() = core::ToProto(scenario.end + absl::Hours(1));
  c.Write("timer-ack-deadline", JournalInput({timer_entry}));
  c.Write("begin-payout", JournalInput({engine::BeginPayoutStep("R000000000002", 2)}));
  std::printf("fuzz_journal: %d seeds\n", c.written());
}

}  // namespace
}  // namespace npd::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_seeds DIR  (DIR: tests/fuzz/corpus)\n");
    return 2;
  }
  npd::fuzz::InstallDeterministicRandom();
  npd::fuzz::RequestSeeds(argv[1]);
  npd::fuzz::PageTokenSeeds(argv[1]);
  npd::fuzz::JournalSeeds(argv[1]);
  return 0;
}
