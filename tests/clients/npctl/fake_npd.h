// An in-process stand-in for npd that answers npctl's calls with fixed data and records what it was
// sent, so that tests can check npctl's requests, output and exit codes without the real daemon.
#ifndef NPD_TESTS_CLIENTS_NPCTL_FAKE_NPD_H_
#define NPD_TESTS_CLIENTS_NPCTL_FAKE_NPD_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/server.h>

#include "absl/synchronization/mutex.h"
#include "npd/v1/admin.grpc.pb.h"
#include "npd/v1/audit.grpc.pb.h"
#include "npd/v1/feed.grpc.pb.h"
#include "npd/v1/history.grpc.pb.h"
#include "npd/v1/number.grpc.pb.h"
#include "npd/v1/operations.grpc.pb.h"
#include "npd/v1/porting.grpc.pb.h"
#include "npd/v1/refund.grpc.pb.h"
#include "npd/v1/report.grpc.pb.h"

namespace npd::testing {

// The answers the fake gives:
// - IssueAuthCode: code 123456 expiring 2026-11-29T11:00:00+08:00; for kRefusedMsisdn a refusal
//   (R06, R13, text kRefusalText, rules kRuleVersion).
// - SubmitPort / AnswerPort / CancelPort / GetPort: FakePort() moved to the matching state;
//   AnswerPort as anyone but cmcc is PERMISSION_DENIED "only the donor may answer"; GetPort of
//   kMissingPort is NOT_FOUND.
// - ListPorts: three ports, at most two per page.
// - Lookup / BatchLookup: a number ported from cmcc to cucc; a number that is not 11 digits is
//   INVALID_ARGUMENT (Lookup) or an error entry (BatchLookup).
// - Subscribe: FakeChanges() from the requested position (0 counts as 1), then a heartbeat every
//   100 ms until cancelled; from beyond the head + 1 is INVALID_ARGUMENT.
// - Confirm: records and accepts.
// - ExportSnapshot: header at kSnapshotSequence, FakeEntries() one per chunk, trailer.
// - CompareBlocks / DiffBlock: audit against FakeEntries() (digest per audit.proto; a number only
//   the carrier holds is corrected to cmcc); records the requests.
// - GetRefund: FakeRefund() (ConflictRefund() for kConflictRefund); kMissingRefund is NOT_FOUND.
// - RedriveRefund: operator only; FakeRefund() PAYOUT_REQUESTED, or PAID under payout
//   paid_generation when one is named (kUnpaidGeneration: FAILED_PRECONDITION).
// - GetReport: cmcc with 2 ports out, two donor answers, one payout conflict and one
//   reconciliation; cucc with 2 ports in.
// - ListAttention: FakeAttention(), two items on the first page and one on the second; with a kind
//   filter only that kind, one page; PERMISSION_DENIED for anyone but the operator.
// - CancelStalePort: FakePort() CANCELLED with the reason; kMissingPort is NOT_FOUND.
// - GetHistory: FakeHistory() filtered by the subject (a port: events with its port id; a refund
//   case: events with its refund id), after after_sequence, at most two events a page (fewer when
//   page_size is smaller); kMissingPort and kMissingRefund are NOT_FOUND; records the requests.
class FakeNpd {
 public:
  static constexpr char kRefusedMsisdn[] = "13900000000";
  static constexpr char kRefusalText[] = "last port less than 120 days ago";
  static constexpr char kRuleVersion[] = "npd-rules-2019.1";
  static constexpr char kMissingPort[] = "P999999999999";
  static constexpr uint64_t kSnapshotSequence = 3;
  static constexpr char kMissingRefund[] = "R999999999999";
  static constexpr char kRefusedRefund[] = "R000000000009";
  // GetRefund answers this case with ConflictRefund().
  static constexpr char kConflictRefund[] = "R000000000007";
  // RedriveRefund with this paid_generation is FAILED_PRECONDITION (no SUCCEEDED fact of it).
  static constexpr int32_t kUnpaidGeneration = 9;
  static constexpr char kRefundRefusalText[] = "claimant is not the account holder";
  static constexpr uint64_t kReportEventSequence = 4321;

  // Starts serving on 127.0.0.1 at a free port.
  FakeNpd();
  ~FakeNpd();

  // "127.0.0.1:<port>".
  const std::string& address() const { return address_; }

  // Everything received so far, in arrival order. Thread-safe.
  std::vector<std::string> callers() const;
  std::vector<npd::v1::IssueAuthCodeRequest> issue_requests() const;
  std::vector<npd::v1::AnswerPortRequest> answer_requests() const;
  std::vector<npd::v1::ListPortsRequest> list_requests() const;
  std::vector<npd::v1::DisconnectNumberRequest> disconnect_requests() const;
  std::vector<npd::v1::ConfirmRequest> confirm_requests() const;
  std::vector<npd::v1::CompareBlocksRequest> compare_requests() const;
  std::vector<npd::v1::DiffBlockRequest> diff_requests() const;
  std::vector<npd::v1::GetRefundRequest> get_refund_requests() const;
  std::vector<npd::v1::ListRefundsRequest> list_refund_requests() const;
  std::vector<npd::v1::ClaimRefundRequest> claim_requests() const;
  std::vector<npd::v1::ReportFinalBillRequest> report_bill_requests() const;
  std::vector<npd::v1::RedriveRefundRequest> redrive_requests() const;
  std::vector<npd::v1::ResendRoutingRequest> resend_requests() const;
  std::vector<npd::v1::ListAttentionRequest> attention_requests() const;
  std::vector<npd::v1::CancelStalePortRequest> stale_cancel_requests() const;
  std::vector<npd::v1::GetHistoryRequest> history_requests() const;
  std::vector<npd::v1::GetReportRequest> report_requests() const;
  std::vector<npd::v1::CheckpointRequest> checkpoint_requests() const;

  // The port every port call answers with (PENDING_DONOR, cmcc -> cucc).
  static npd::v1::Port FakePort();
  // Three routing changes, sequences 1 to 3.
  static std::vector<npd::v1::RoutingChange> FakeChanges();
  // npd's routing entries: 13800138000-2 served by cucc, range holder cmcc.
  static std::vector<npd::v1::RoutingEntry> FakeEntries();
  // The refund case every refund call answers with (R000000000001, AWAIT_CLAIM, cmcc -> cucc, 82.00
  // CNY refundable from a 100.00 CNY balance).
  static npd::v1::Refund FakeRefund();
  // FakeRefund() STUCK at its payout by payout conflict #2 (open; #1 resolved by "alice"): payout
  // 1 refused by Pay, payout 2 answered SUCCEEDED by a query but reported FAILED (its reference
  // carries an escape character), and a report of payout 2 under check.
  static npd::v1::Refund ConflictRefund();
  // PARTIAL_FAILURE P000000000001, DONOR_OVERDUE P000000000002, STUCK_REFUND R000000000003; each
  // since 2026-11-29T11:00:00+08:00.
  static std::vector<npd::v1::AttentionItem> FakeAttention();
  // Five events of 13800138000, sequences 3, 5, 8, 9, 12: cmcc's code (no port), cucc's submit of
  // P000000000001, the cutover by npd's timer (no request id), an operator's resend by "alice", and
  // a step of refund case R000000000001 by npd's outbox (no request id).
  static std::vector<npd::v1::HistoryEvent> FakeHistory();

  // Records one call's caller header and request; used by the services.
  struct Journal;

 private:
  std::unique_ptr<Journal> journal_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace npd::testing

#endif  // NPD_TESTS_CLIENTS_NPCTL_FAKE_NPD_H_
