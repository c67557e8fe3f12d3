#include "tests/clients/npctl/fake_npd.h"

#include <chrono>
#include <map>
#include <set>
#include <thread>
#include <utility>

#include <grpcpp/server_builder.h>

#include "clients/client/routing_digest.h"

namespace npd::testing {

struct FakeNpd::Journal {
  mutable absl::Mutex mu;
  std::vector<std::string> callers ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::IssueAuthCodeRequest> issues ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::AnswerPortRequest> answers ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::ListPortsRequest> lists ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::DisconnectNumberRequest> disconnects ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::ConfirmRequest> confirms ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::CompareBlocksRequest> compares ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::DiffBlockRequest> diffs ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::GetRefundRequest> refund_gets ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::ListRefundsRequest> refund_lists ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::ClaimRefundRequest> claims ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::ReportFinalBillRequest> bills ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::RedriveRefundRequest> redrives ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::ResendRoutingRequest> resends ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::ListAttentionRequest> attention_lists ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::CancelStalePortRequest> stale_cancels ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::GetHistoryRequest> histories ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::GetReportRequest> reports ABSL_GUARDED_BY(mu);
  std::vector<npd::v1::CheckpointRequest> checkpoints ABSL_GUARDED_BY(mu);

  // Appends `request` to `log` under the lock.
  template <typename Request>
  void Record(std::vector<Request>& log, const Request& request) {
    absl::MutexLock lock(&mu);
    log.push_back(request);
  }

  // Records the caller of `context` ("<none>" without the development header) as npctl's --as
  // names it ("cmcc", "operator") and returns it.
  std::string Caller(const grpc::ServerContext& context) {
    const auto& metadata = context.client_metadata();
    const auto it = metadata.find("x-npd-caller");
    std::string caller =
        it == metadata.end() ? "<none>" : std::string(it->second.data(), it->second.size());
    const std::string carrier = "spiffe://npd/carrier/";
    if (caller.rfind(carrier, 0) == 0) caller = caller.substr(carrier.size());
    if (caller.rfind("spiffe://npd/operator/", 0) == 0) caller = "operator";
    absl::MutexLock lock(&mu);
    callers.push_back(caller);
    return caller;
  }
};

namespace {

using grpc::ServerContext;
using grpc::Status;
using grpc::StatusCode;

google::protobuf::Timestamp At(int64_t unix_seconds) {
  google::protobuf::Timestamp time;
  time.set_seconds(unix_seconds);
  return time;
}

// 2026-11-29T11:00:00+08:00.
constexpr int64_t kExpiry = 1795921200;

class Porting final : public npd::v1::PortingService::Service {
 public:
  explicit Porting(FakeNpd::Journal& journal) : journal_(journal) {}

  Status IssueAuthCode(ServerContext* context, const npd::v1::IssueAuthCodeRequest* request,
                       npd::v1::IssueAuthCodeResponse* response) override {
    journal_.Caller(*context);
    {
      absl::MutexLock lock(&journal_.mu);
      journal_.issues.push_back(*request);
    }
    if (request->msisdn() == FakeNpd::kRefusedMsisdn) {
      npd::v1::Refusal& refusal = *response->mutable_refusal();
      refusal.add_reasons(npd::v1::REASON_CODE_R06_PORT_INTERVAL_120D);
      refusal.add_reasons(npd::v1::REASON_CODE_R13_PORT_IN_PROGRESS);
      refusal.set_text(FakeNpd::kRefusalText);
      refusal.set_rule_version(FakeNpd::kRuleVersion);
      return Status::OK;
    }
    response->set_issued(true);
    response->set_code("123456");
    *response->mutable_expires_at() = At(kExpiry);
    return Status::OK;
  }

  Status SubmitPort(ServerContext* context, const npd::v1::SubmitPortRequest* request,
                    npd::v1::SubmitPortResponse* response) override {
    journal_.Caller(*context);
    *response->mutable_port() = FakeNpd::FakePort();
    response->mutable_port()->set_channel(request->channel());
    return Status::OK;
  }

  Status AnswerPort(ServerContext* context, const npd::v1::AnswerPortRequest* request,
                    npd::v1::AnswerPortResponse* response) override {
    const std::string caller = journal_.Caller(*context);
    {
      absl::MutexLock lock(&journal_.mu);
      journal_.answers.push_back(*request);
    }
    if (caller != "cmcc") return Status(StatusCode::PERMISSION_DENIED, "only the donor may answer");
    npd::v1::Port& port = *response->mutable_port();
    port = FakeNpd::FakePort();
    if (request->approve()) {
      port.set_state(npd::v1::PORT_STATE_SCHEDULED);
      *port.mutable_cutover_at() = At(kExpiry);
    } else {
      port.set_state(npd::v1::PORT_STATE_REJECTED);
      *port.mutable_refusal()->mutable_reasons() = request->reasons();
      port.mutable_refusal()->set_text(request->note());
    }
    return Status::OK;
  }

  Status CancelPort(ServerContext* context, const npd::v1::CancelPortRequest* request,
                    npd::v1::CancelPortResponse* response) override {
    journal_.Caller(*context);
    *response->mutable_port() = FakeNpd::FakePort();
    response->mutable_port()->set_state(npd::v1::PORT_STATE_CANCELLED);
    response->mutable_port()->set_cancel_reason(request->reason());
    return Status::OK;
  }

  // Resends any port but kMissingPort, answering with it back in CUTOVER, resent once.
  Status ResendRouting(ServerContext* context, const npd::v1::ResendRoutingRequest* request,
                       npd::v1::ResendRoutingResponse* response) override {
    journal_.Caller(*context);
    journal_.Record(journal_.resends, *request);
    if (request->port_id() == FakeNpd::kMissingPort) {
      return Status(StatusCode::NOT_FOUND, "no port " + request->port_id());
    }
    *response->mutable_port() = FakeNpd::FakePort();
    response->mutable_port()->set_state(npd::v1::PORT_STATE_CUTOVER);
    response->mutable_port()->set_resend_count(1);
    response->mutable_port()->set_last_resend_sequence(9);
    response->mutable_port()->add_pending_confirmations("ctcc");
    return Status::OK;
  }

  // Answers with a number return cucc -> cmcc of the number, DISCONNECT_PENDING.
  Status DisconnectNumber(ServerContext* context, const npd::v1::DisconnectNumberRequest* request,
                          npd::v1::DisconnectNumberResponse* response) override {
    journal_.Caller(*context);
    {
      absl::MutexLock lock(&journal_.mu);
      journal_.disconnects.push_back(*request);
    }
    npd::v1::Port& port = *response->mutable_port();
    port = FakeNpd::FakePort();
    port.set_kind(npd::v1::PORT_KIND_NUMBER_RETURN);
    port.set_msisdn(request->msisdn());
    port.set_state(npd::v1::PORT_STATE_DISCONNECT_PENDING);
    port.set_donor("cucc");
    port.set_recipient("cmcc");
    *port.mutable_effective_at() = request->effective_at();
    port.set_disconnect_note(request->note());
    return Status::OK;
  }

  Status GetPort(ServerContext* context, const npd::v1::GetPortRequest* request,
                 npd::v1::GetPortResponse* response) override {
    journal_.Caller(*context);
    if (request->port_id() == FakeNpd::kMissingPort) {
      return Status(StatusCode::NOT_FOUND, "no port " + request->port_id());
    }
    *response->mutable_port() = FakeNpd::FakePort();
    return Status::OK;
  }

  Status ListPorts(ServerContext* context, const npd::v1::ListPortsRequest* request,
                   npd::v1::ListPortsResponse* response) override {
    journal_.Caller(*context);
    {
      absl::MutexLock lock(&journal_.mu);
      journal_.lists.push_back(*request);
    }
    const int first = request->page_token().empty() ? 0 : std::stoi(request->page_token());
    for (int i = first; i < 3 && i < first + 2; ++i) {
      npd::v1::Port& port = *response->add_ports();
      port = FakeNpd::FakePort();
      port.set_port_id("P00000000000" + std::to_string(i + 1));
    }
    if (first + 2 < 3) response->set_next_page_token(std::to_string(first + 2));
    return Status::OK;
  }

 private:
  FakeNpd::Journal& journal_;
};

bool ElevenDigits(const std::string& msisdn) {
  return msisdn.size() == 11 && msisdn.find_first_not_of("0123456789") == std::string::npos;
}

npd::v1::NumberInfo Ported(const std::string& msisdn) {
  npd::v1::NumberInfo info;
  info.set_msisdn(msisdn);
  info.set_serving_carrier("cucc");
  info.set_range_holder("cmcc");
  info.set_local_network("010");
  info.set_ported(true);
  info.set_portable(true);
  return info;
}

class Numbers final : public npd::v1::NumberService::Service {
 public:
  explicit Numbers(FakeNpd::Journal& journal) : journal_(journal) {}

  Status Lookup(ServerContext* context, const npd::v1::LookupRequest* request,
                npd::v1::LookupResponse* response) override {
    journal_.Caller(*context);
    if (!ElevenDigits(request->msisdn())) {
      return Status(StatusCode::INVALID_ARGUMENT, "not 11 digits");
    }
    *response->mutable_number() = Ported(request->msisdn());
    return Status::OK;
  }

  Status BatchLookup(ServerContext* context, const npd::v1::BatchLookupRequest* request,
                     npd::v1::BatchLookupResponse* response) override {
    journal_.Caller(*context);
    for (const std::string& msisdn : request->msisdns()) {
      npd::v1::BatchLookupResult& result = *response->add_results();
      result.set_msisdn(msisdn);
      if (ElevenDigits(msisdn)) {
        *result.mutable_number() = Ported(msisdn);
      } else {
        result.set_error("not 11 digits");
      }
    }
    return Status::OK;
  }

 private:
  FakeNpd::Journal& journal_;
};

class Feed final : public npd::v1::RoutingFeedService::Service {
 public:
  explicit Feed(FakeNpd::Journal& journal) : journal_(journal) {}

  Status Subscribe(ServerContext* context, const npd::v1::SubscribeRequest* request,
                   grpc::ServerWriter<npd::v1::SubscribeResponse>* writer) override {
    journal_.Caller(*context);
    const std::vector<npd::v1::RoutingChange> changes = FakeNpd::FakeChanges();
    const uint64_t from = request->from_sequence() == 0 ? 1 : request->from_sequence();
    if (from > changes.size() + 1) {
      return Status(StatusCode::INVALID_ARGUMENT, "from_sequence is beyond the head");
    }
    for (const npd::v1::RoutingChange& change : changes) {
      if (change.sequence() < from) continue;
      npd::v1::SubscribeResponse message;
      *message.mutable_change() = change;
      if (!writer->Write(message)) return Status::OK;
    }
    while (!context->IsCancelled()) {
      npd::v1::SubscribeResponse message;
      message.mutable_heartbeat()->set_head_sequence(changes.size());
      *message.mutable_heartbeat()->mutable_sent_at() = At(kExpiry);
      if (!writer->Write(message)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Status::OK;
  }

  Status ExportSnapshot(ServerContext* context, const npd::v1::ExportSnapshotRequest* /*request*/,
                        grpc::ServerWriter<npd::v1::ExportSnapshotResponse>* writer) override {
    journal_.Caller(*context);
    npd::v1::ExportSnapshotResponse message;
    message.mutable_header()->set_feed_sequence(FakeNpd::kSnapshotSequence);
    *message.mutable_header()->mutable_taken_at() = At(kExpiry);
    writer->Write(message);
    // One entry per chunk, to exercise chunking.
    for (const auto& entry : FakeNpd::FakeEntries()) {
      message.Clear();
      *message.mutable_chunk()->add_entries() = entry;
      writer->Write(message);
    }
    message.Clear();
    message.mutable_trailer()->set_entry_count(FakeNpd::FakeEntries().size());
    writer->Write(message);
    return Status::OK;
  }

  Status Confirm(ServerContext* context, const npd::v1::ConfirmRequest* request,
                 npd::v1::ConfirmResponse* response) override {
    journal_.Caller(*context);
    absl::MutexLock lock(&journal_.mu);
    journal_.confirms.push_back(*request);
    response->set_confirmed_sequence(request->sequence());
    response->set_head_sequence(FakeNpd::FakeChanges().size());
    return Status::OK;
  }

 private:
  FakeNpd::Journal& journal_;
};

// Audits against FakeEntries() with the real digest definition.
class Audit final : public npd::v1::AuditService::Service {
 public:
  explicit Audit(FakeNpd::Journal& journal) : journal_(journal) {}

  Status CompareBlocks(ServerContext* context, const npd::v1::CompareBlocksRequest* request,
                       npd::v1::CompareBlocksResponse* response) override {
    journal_.Caller(*context);
    {
      absl::MutexLock lock(&journal_.mu);
      journal_.compares.push_back(*request);
    }
    std::map<std::string, std::pair<uint64_t, uint64_t>> ours;  // block -> count, digest
    std::map<std::string, std::pair<uint64_t, uint64_t>> theirs;
    for (const auto& e : FakeNpd::FakeEntries()) {
      if (!e.msisdn().starts_with(request->scope_prefix())) continue;
      auto& [count, digest] = ours[e.msisdn().substr(0, 7)];
      ++count;
      digest ^= client::AuditEntryDigest(e.msisdn(), e.serving_carrier());
    }
    for (const auto& b : request->blocks()) theirs[b.block()] = {b.count(), b.digest()};
    std::set<std::string> blocks;
    for (const auto& [block, _] : ours) blocks.insert(block);
    for (const auto& [block, _] : theirs) blocks.insert(block);
    for (const auto& block : blocks) {
      const auto o = ours.count(block) ? ours[block] : std::pair<uint64_t, uint64_t>{};
      const auto t = theirs.count(block) ? theirs[block] : std::pair<uint64_t, uint64_t>{};
      if (o == t) continue;
      auto& mismatch = *response->add_mismatches();
      mismatch.set_block(block);
      mismatch.set_npd_count(o.first);
      mismatch.set_npd_digest(o.second);
      mismatch.set_carrier_count(t.first);
    }
    response->set_blocks_compared(blocks.size());
    response->set_feed_sequence(FakeNpd::kSnapshotSequence);
    return Status::OK;
  }

  Status DiffBlock(ServerContext* context, const npd::v1::DiffBlockRequest* request,
                   npd::v1::DiffBlockResponse* response) override {
    journal_.Caller(*context);
    {
      absl::MutexLock lock(&journal_.mu);
      journal_.diffs.push_back(*request);
    }
    std::map<std::string, npd::v1::RoutingEntry> ours;
    std::map<std::string, std::string> theirs;
    for (const auto& e : FakeNpd::FakeEntries()) {
      if (e.msisdn().starts_with(request->block())) ours[e.msisdn()] = e;
    }
    for (const auto& e : request->entries()) theirs[e.msisdn()] = e.serving_carrier();
    std::set<std::string> numbers;
    for (const auto& [m, _] : ours) numbers.insert(m);
    for (const auto& [m, _] : theirs) numbers.insert(m);
    for (const auto& m : numbers) {
      const std::string carrier = theirs.count(m) ? theirs[m] : "";
      if (ours.count(m) && ours[m].serving_carrier() == carrier) continue;
      auto& d = *response->add_differences();
      d.set_msisdn(m);
      d.set_carrier_serving(carrier);
      if (ours.count(m)) {
        *d.mutable_correct() = ours[m];
      } else {
        d.mutable_correct()->set_msisdn(m);
        d.mutable_correct()->set_serving_carrier("cmcc");
        d.mutable_correct()->set_range_holder("cmcc");
      }
    }
    response->set_feed_sequence(FakeNpd::kSnapshotSequence);
    return Status::OK;
  }

 private:
  FakeNpd::Journal& journal_;
};

// Attention items: two on the first page (token "P000000000002"), one STUCK refund on the second;
// with a kind filter only the items of that kind, on one page.
class Operations final : public npd::v1::OperationsService::Service {
 public:
  explicit Operations(FakeNpd::Journal& journal) : journal_(journal) {}

  Status ListAttention(ServerContext* context, const npd::v1::ListAttentionRequest* request,
                       npd::v1::ListAttentionResponse* response) override {
    const std::string caller = journal_.Caller(*context);
    journal_.Record(journal_.attention_lists, *request);
    if (caller != "operator") {
      return Status(StatusCode::PERMISSION_DENIED, "operations are for the operator role only");
    }
    std::vector<npd::v1::AttentionItem> items = FakeNpd::FakeAttention();
    if (request->kind() != npd::v1::ATTENTION_KIND_UNSPECIFIED) {
      for (const auto& item : items) {
        if (item.kind() == request->kind()) *response->add_items() = item;
      }
      return Status::OK;
    }
    if (request->page_token().empty()) {
      *response->add_items() = items[0];
      *response->add_items() = items[1];
      response->set_next_page_token("P000000000002");
    } else {
      *response->add_items() = items[2];
    }
    return Status::OK;
  }

  Status CancelStalePort(ServerContext* context, const npd::v1::CancelStalePortRequest* request,
                         npd::v1::CancelStalePortResponse* response) override {
    journal_.Caller(*context);
    journal_.Record(journal_.stale_cancels, *request);
    if (request->port_id() == FakeNpd::kMissingPort) {
      return Status(StatusCode::NOT_FOUND, "no port " + request->port_id());
    }
    *response->mutable_port() = FakeNpd::FakePort();
    response->mutable_port()->set_port_id(request->port_id());
    response->mutable_port()->set_state(npd::v1::PORT_STATE_CANCELLED);
    response->mutable_port()->set_cancel_reason(request->reason());
    return Status::OK;
  }

 private:
  FakeNpd::Journal& journal_;
};

class Refunds final : public npd::v1::RefundService::Service {
 public:
  explicit Refunds(FakeNpd::Journal& journal) : journal_(journal) {}

  Status GetRefund(ServerContext* context, const npd::v1::GetRefundRequest* request,
                   npd::v1::GetRefundResponse* response) override {
    journal_.Caller(*context);
    journal_.Record(journal_.refund_gets, *request);
    if (request->refund_id() == FakeNpd::kMissingRefund) {
      return Status(StatusCode::NOT_FOUND, "no refund " + request->refund_id());
    }
    *response->mutable_refund() = request->refund_id() == FakeNpd::kConflictRefund
                                      ? FakeNpd::ConflictRefund()
                                      : FakeNpd::FakeRefund();
    response->mutable_refund()->set_refund_id(request->refund_id());
    return Status::OK;
  }

  Status ListRefunds(ServerContext* context, const npd::v1::ListRefundsRequest* request,
                     npd::v1::ListRefundsResponse* response) override {
    journal_.Caller(*context);
    journal_.Record(journal_.refund_lists, *request);
    const int first = request->page_token().empty() ? 0 : std::stoi(request->page_token());
    for (int i = first; i < 3 && i < first + 2; ++i) {
      npd::v1::Refund& refund = *response->add_refunds();
      refund = FakeNpd::FakeRefund();
      refund.set_refund_id("R00000000000" + std::to_string(i + 1));
    }
    if (first + 2 < 3) response->set_next_page_token(std::to_string(first + 2));
    return Status::OK;
  }

  Status ClaimRefund(ServerContext* context, const npd::v1::ClaimRefundRequest* request,
                     npd::v1::ClaimRefundResponse* response) override {
    journal_.Caller(*context);
    journal_.Record(journal_.claims, *request);
    npd::v1::Refund& refund = *response->mutable_refund();
    refund = FakeNpd::FakeRefund();
    refund.set_refund_id(request->refund_id());
    if (request->refund_id() == FakeNpd::kRefusedRefund) {
      response->mutable_refusal()->add_reasons(npd::v1::REFUND_REASON_F05_IDENTITY_MISMATCH);
      response->mutable_refusal()->add_reasons(npd::v1::REFUND_REASON_F09_DUPLICATE_CLAIM);
      response->mutable_refusal()->set_text(FakeNpd::kRefundRefusalText);
      refund.set_refused_claims(1);
      return Status::OK;
    }
    response->set_accepted(true);
    refund.set_state(npd::v1::REFUND_STATE_FUNDS_RESERVED);
    npd::v1::RefundClaim& claim = *refund.mutable_claim();
    claim.set_channel(request->channel());
    claim.set_claim_province(request->claim_province());
    claim.set_payee_kind(request->payee().kind());
    const std::string& account = request->payee().account();
    claim.set_payee_last4(account.size() > 4 ? account.substr(account.size() - 4) : account);
    *claim.mutable_claimed_at() = At(kExpiry);
    claim.set_request_id(request->request_id());
    return Status::OK;
  }

  Status ReportFinalBill(ServerContext* context, const npd::v1::ReportFinalBillRequest* request,
                         npd::v1::ReportFinalBillResponse* response) override {
    journal_.Caller(*context);
    journal_.Record(journal_.bills, *request);
    npd::v1::Refund& refund = *response->mutable_refund();
    refund = FakeNpd::FakeRefund();
    refund.set_refund_id(request->refund_id());
    refund.set_state(npd::v1::REFUND_STATE_AMOUNT_COMPUTED);
    *refund.mutable_final_bill() = request->bill();
    const npd::v1::FinalBill& bill = request->bill();
    refund.set_refundable_fen(bill.cash_balance_fen() - bill.non_refundable_fen() -
                              bill.third_party_topup_fen() - bill.final_charges_fen());
    response->set_applied(true);
    return Status::OK;
  }

  Status RedriveRefund(ServerContext* context, const npd::v1::RedriveRefundRequest* request,
                       npd::v1::RedriveRefundResponse* response) override {
    const std::string caller = journal_.Caller(*context);
    journal_.Record(journal_.redrives, *request);
    if (caller != "operator") {
      return Status(StatusCode::PERMISSION_DENIED, "only the operator may re-drive");
    }
    if (request->refund_id() == FakeNpd::kMissingRefund) {
      return Status(StatusCode::NOT_FOUND, "no refund " + request->refund_id());
    }
    if (request->paid_generation() == FakeNpd::kUnpaidGeneration) {
      return Status(
          StatusCode::FAILED_PRECONDITION,
          "refund " + request->refund_id() + " is STUCK: npd holds no SUCCEEDED fact of payout #9");
    }
    npd::v1::Refund& refund = *response->mutable_refund();
    refund = FakeNpd::FakeRefund();
    refund.set_refund_id(request->refund_id());
    if (request->paid_generation() > 0) {
      refund.set_state(npd::v1::REFUND_STATE_PAID);
      refund.set_payout_generation(request->paid_generation());
      refund.set_payout_key(request->refund_id() +
                            ":payout:" + std::to_string(request->paid_generation()));
      refund.set_paid_fen(refund.refundable_fen());
      return Status::OK;
    }
    refund.set_state(npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
    npd::v1::RefundStepStatus& pending = *refund.mutable_pending_step();
    pending.set_step(npd::v1::REFUND_STEP_PAYOUT);
    pending.set_idempotency_key(request->refund_id() + ":payout:1");
    *pending.mutable_next_attempt_at() = At(kExpiry);
    return Status::OK;
  }

 private:
  FakeNpd::Journal& journal_;
};

class History final : public npd::v1::HistoryService::Service {
 public:
  explicit History(FakeNpd::Journal& journal) : journal_(journal) {}

  Status GetHistory(ServerContext* context, const npd::v1::GetHistoryRequest* request,
                    npd::v1::GetHistoryResponse* response) override {
    journal_.Caller(*context);
    journal_.Record(journal_.histories, *request);
    if (request->port_id() == FakeNpd::kMissingPort) {
      return Status(StatusCode::NOT_FOUND, "no port " + request->port_id());
    }
    if (request->refund_id() == FakeNpd::kMissingRefund) {
      return Status(StatusCode::NOT_FOUND, "no refund " + request->refund_id());
    }
    response->set_msisdn("13800138000");
    const int page_size =
        request->page_size() > 0 && request->page_size() < 2 ? request->page_size() : 2;
    for (const npd::v1::HistoryEvent& event : FakeNpd::FakeHistory()) {
      if (event.sequence() <= request->after_sequence()) continue;
      if (!request->port_id().empty() && event.port_id() != request->port_id()) continue;
      if (!request->refund_id().empty() && event.refund_id() != request->refund_id()) continue;
      if (response->events_size() == page_size) {
        response->set_next_after_sequence(response->events(page_size - 1).sequence());
        break;
      }
      *response->add_events() = event;
    }
    return Status::OK;
  }

 private:
  FakeNpd::Journal& journal_;
};

class Reports final : public npd::v1::ReportService::Service {
 public:
  explicit Reports(FakeNpd::Journal& journal) : journal_(journal) {}

  Status GetReport(ServerContext* context, const npd::v1::GetReportRequest* request,
                   npd::v1::GetReportResponse* response) override {
    const std::string caller = journal_.Caller(*context);
    journal_.Record(journal_.reports, *request);
    const std::set<std::string> carriers = {"cmcc", "ctcc", "cucc"};
    if (!request->carrier().empty() && carriers.count(request->carrier()) == 0) {
      return Status(StatusCode::INVALID_ARGUMENT,
                    "carrier: unknown carrier '" + request->carrier() + "'");
    }
    if (caller != "operator" && !request->carrier().empty() && request->carrier() != caller) {
      return Status(StatusCode::PERMISSION_DENIED, "a carrier may ask only for its own report");
    }
    npd::v1::Report& report = *response->mutable_report();
    *report.mutable_from() = request->from();
    *report.mutable_to() = request->to();
    report.set_last_event_sequence(FakeNpd::kReportEventSequence);
    for (const std::string& carrier : carriers) {
      if (!request->carrier().empty() && carrier != request->carrier()) continue;
      npd::v1::CarrierReport& row = *report.add_carriers();
      row.set_carrier(carrier);
      if (carrier == "cmcc") {
        row.set_ports_out(2);
        row.mutable_donor_answers()->set_count(2);
        row.mutable_donor_answers()->set_median_seconds(600);
        row.mutable_donor_answers()->set_p95_seconds(3700);
        row.set_donor_answers_on_time(1);
        row.set_donor_on_time_share(0.5);
        row.set_payout_conflicts(1);
        row.set_payout_reconciliations(1);
      }
      if (carrier == "cucc") row.set_ports_in(2);
    }
    return Status::OK;
  }

 private:
  FakeNpd::Journal& journal_;
};

class Admin final : public npd::v1::AdminService::Service {
 public:
  explicit Admin(FakeNpd::Journal& journal) : journal_(journal) {}

  Status Checkpoint(ServerContext* context, const npd::v1::CheckpointRequest* request,
                    npd::v1::CheckpointResponse* response) override {
    const std::string caller = journal_.Caller(*context);
    journal_.Record(journal_.checkpoints, *request);
    if (caller != "operator") {
      return Status(StatusCode::PERMISSION_DENIED, "only the operator may checkpoint npd");
    }
    if (request->directory().empty() || request->directory()[0] != '/') {
      return Status(StatusCode::INVALID_ARGUMENT, "directory is not absolute");
    }
    response->set_directory(request->directory());
    response->set_last_event_sequence(FakeNpd::kReportEventSequence);
    response->set_feed_head(FakeNpd::kSnapshotSequence);
    response->set_identity_secret_included(true);
    return Status::OK;
  }

 private:
  FakeNpd::Journal& journal_;
};

}  // namespace

FakeNpd::FakeNpd() : journal_(std::make_unique<Journal>()) {
  services_.push_back(std::make_unique<Porting>(*journal_));
  services_.push_back(std::make_unique<Numbers>(*journal_));
  services_.push_back(std::make_unique<Feed>(*journal_));
  services_.push_back(std::make_unique<Audit>(*journal_));
  services_.push_back(std::make_unique<Refunds>(*journal_));
  services_.push_back(std::make_unique<Operations>(*journal_));
  services_.push_back(std::make_unique<History>(*journal_));
  services_.push_back(std::make_unique<Reports>(*journal_));
  services_.push_back(std::make_unique<Admin>(*journal_));
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  for (const auto& service : services_) builder.RegisterService(service.get());
  server_ = builder.BuildAndStart();
  address_ = "127.0.0.1:" + std::to_string(port);
}

FakeNpd::~FakeNpd() {
  // Cancels open feed streams, so their handlers return.
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
}

std::vector<std::string> FakeNpd::callers() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->callers;
}

std::vector<npd::v1::IssueAuthCodeRequest> FakeNpd::issue_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->issues;
}

std::vector<npd::v1::DisconnectNumberRequest> FakeNpd::disconnect_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->disconnects;
}

std::vector<npd::v1::AnswerPortRequest> FakeNpd::answer_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->answers;
}

std::vector<npd::v1::ListPortsRequest> FakeNpd::list_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->lists;
}

std::vector<npd::v1::ConfirmRequest> FakeNpd::confirm_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->confirms;
}

std::vector<npd::v1::CompareBlocksRequest> FakeNpd::compare_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->compares;
}

std::vector<npd::v1::DiffBlockRequest> FakeNpd::diff_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->diffs;
}

std::vector<npd::v1::GetRefundRequest> FakeNpd::get_refund_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->refund_gets;
}

std::vector<npd::v1::ListRefundsRequest> FakeNpd::list_refund_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->refund_lists;
}

std::vector<npd::v1::ClaimRefundRequest> FakeNpd::claim_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->claims;
}

std::vector<npd::v1::ReportFinalBillRequest> FakeNpd::report_bill_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->bills;
}

std::vector<npd::v1::ResendRoutingRequest> FakeNpd::resend_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->resends;
}

std::vector<npd::v1::ListAttentionRequest> FakeNpd::attention_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->attention_lists;
}

std::vector<npd::v1::CancelStalePortRequest> FakeNpd::stale_cancel_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->stale_cancels;
}

std::vector<npd::v1::AttentionItem> FakeNpd::FakeAttention() {
  std::vector<npd::v1::AttentionItem> items(3);
  items[0].set_kind(npd::v1::ATTENTION_KIND_PARTIAL_FAILURE);
  items[0].set_msisdn("13800138000");
  items[0].set_port_id("P000000000001");
  items[0].set_port_state(npd::v1::PORT_STATE_PARTIAL_FAILURE);
  *items[0].mutable_since() = At(kExpiry);
  items[0].set_detail("not confirmed by ctcc after 1 resend(s)");
  items[1].set_kind(npd::v1::ATTENTION_KIND_DONOR_OVERDUE);
  items[1].set_msisdn("13301001234");
  items[1].set_port_id("P000000000002");
  items[1].set_port_state(npd::v1::PORT_STATE_PENDING_DONOR);
  *items[1].mutable_since() = At(kExpiry);
  items[1].set_detail("donor ctcc has not answered");
  items[2].set_kind(npd::v1::ATTENTION_KIND_STUCK_REFUND);
  items[2].set_msisdn("13800138001");
  items[2].set_port_id("P000000000003");
  items[2].set_refund_id("R000000000003");
  items[2].set_refund_state(npd::v1::REFUND_STATE_STUCK);
  *items[2].mutable_since() = At(kExpiry);
  items[2].set_detail("step PAYOUT after 8 attempt(s): UNAVAILABLE");
  return items;
}

std::vector<npd::v1::RedriveRefundRequest> FakeNpd::redrive_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->redrives;
}

std::vector<npd::v1::RoutingEntry> FakeNpd::FakeEntries() {
  std::vector<npd::v1::RoutingEntry> entries;
  for (const char* msisdn : {"13800138000", "13800138001", "13800138002"}) {
    npd::v1::RoutingEntry entry;
    entry.set_msisdn(msisdn);
    entry.set_serving_carrier("cucc");
    entry.set_range_holder("cmcc");
    entries.push_back(entry);
  }
  return entries;
}

npd::v1::Port FakeNpd::FakePort() {
  npd::v1::Port port;
  port.set_port_id("P000000000001");
  port.set_msisdn("13800138000");
  port.set_state(npd::v1::PORT_STATE_PENDING_DONOR);
  port.set_donor("cmcc");
  port.set_recipient("cucc");
  port.set_range_holder("cmcc");
  port.set_local_network("010");
  port.set_channel(npd::v1::CHANNEL_ONLINE);
  *port.mutable_submitted_at() = At(kExpiry - 3600);
  *port.mutable_donor_deadline_at() = At(kExpiry);
  port.set_version(1);
  return port;
}

std::vector<npd::v1::GetHistoryRequest> FakeNpd::history_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->histories;
}

std::vector<npd::v1::HistoryEvent> FakeNpd::FakeHistory() {
  const auto event = [](uint64_t sequence, const std::string& actor, const std::string& command,
                        const std::string& request_id, const std::string& type) {
    npd::v1::HistoryEvent e;
    e.set_sequence(sequence);
    e.set_msisdn("13800138000");
    *e.mutable_at() = At(kExpiry + static_cast<int64_t>(sequence));
    e.set_actor(actor);
    e.set_command(command);
    e.set_request_id(request_id);
    e.set_type(type);
    return e;
  };
  std::vector<npd::v1::HistoryEvent> events;
  events.push_back(event(3, "cmcc", "IssueAuthCode", "req-code", "AUTH_CODE_ISSUED"));
  events.back().set_detail("code valid for 60m");
  events.push_back(event(5, "cucc", "SubmitPort", "req-submit", "PORT_SUBMITTED"));
  events.back().set_port_id("P000000000001");
  events.back().set_state_after(npd::v1::PORT_STATE_PENDING_DONOR);
  events.push_back(event(8, "npd", "timer:CUTOVER", "", "PORT_CUTOVER"));
  events.back().set_port_id("P000000000001");
  events.back().set_state_before(npd::v1::PORT_STATE_SCHEDULED);
  events.back().set_state_after(npd::v1::PORT_STATE_CUTOVER);
  events.back().set_detail("routing moved from cmcc to cucc");
  events.push_back(event(9, "operator", "ResendRouting", "req-resend", "ROUTING_RESENT"));
  events.back().set_operator_name("alice");
  events.back().set_port_id("P000000000001");
  events.back().set_state_before(npd::v1::PORT_STATE_PARTIAL_FAILURE);
  events.back().set_state_after(npd::v1::PORT_STATE_CUTOVER);
  events.push_back(event(12, "npd", "outbox:FREEZE_ACCOUNT", "", "REFUND_ACCOUNT_FROZEN"));
  events.back().set_port_id("P000000000001");
  events.back().set_refund_id("R000000000001");
  events.back().set_refund_state_before(npd::v1::REFUND_STATE_OPENED);
  events.back().set_refund_state_after(npd::v1::REFUND_STATE_ACCOUNT_FROZEN);
  return events;
}

npd::v1::Refund FakeNpd::FakeRefund() {
  npd::v1::Refund refund;
  refund.set_refund_id("R000000000001");
  refund.set_port_id("P000000000001");
  refund.set_msisdn("13800138000");
  refund.set_donor("cmcc");
  refund.set_recipient("cucc");
  refund.set_home_province("北京");
  refund.set_state(npd::v1::REFUND_STATE_AWAIT_CLAIM);
  refund.add_reasons(npd::v1::REFUND_REASON_F02_NON_REFUNDABLE_PROMO);
  npd::v1::FinalBill& bill = *refund.mutable_final_bill();
  bill.set_bill_id("B-0001");
  bill.set_cash_balance_fen(10000);
  bill.set_non_refundable_fen(1800);
  refund.set_refundable_fen(8200);
  *refund.mutable_claim_deadline_at() = At(kExpiry + 86400);
  *refund.mutable_opened_at() = At(kExpiry - 3600);
  return refund;
}

npd::v1::Refund FakeNpd::ConflictRefund() {
  npd::v1::Refund refund = FakeRefund();
  refund.set_state(npd::v1::REFUND_STATE_STUCK);
  refund.set_payout_generation(2);
  refund.set_payout_key("R000000000007:payout:2");
  npd::v1::RefundStuck& stuck = *refund.mutable_stuck();
  stuck.set_from_state(npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  stuck.set_step(npd::v1::REFUND_STEP_PAYOUT);
  stuck.set_last_error("payout conflict #2 on R000000000007:payout:2");
  *stuck.mutable_since() = At(kExpiry);
  const auto fact = [](int32_t generation, npd::v1::PayoutStatus status,
                       npd::v1::PayoutSource source, const std::string& reference) {
    npd::v1::PayoutOutcome f;
    f.set_generation(generation);
    f.set_payout_key("R000000000007:payout:" + std::to_string(generation));
    f.set_status(status);
    if (status == npd::v1::PAYOUT_STATUS_SUCCEEDED) f.set_amount_fen(8200);
    f.set_reference(reference);
    f.set_source(source);
    *f.mutable_at() = At(kExpiry);
    return f;
  };
  *refund.add_payout_outcomes() =
      fact(1, npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID, npd::v1::PAYOUT_SOURCE_PAY_ANSWER, "");
  *refund.add_payout_outcomes() =
      fact(2, npd::v1::PAYOUT_STATUS_SUCCEEDED, npd::v1::PAYOUT_SOURCE_QUERY_ANSWER, "PAY\x1b[2J");
  npd::v1::PayoutConflict& resolved = *refund.add_payout_conflicts();
  resolved.set_number(1);
  resolved.set_payout_key("R000000000007:payout:1");
  *resolved.mutable_earlier() =
      fact(1, npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID, npd::v1::PAYOUT_SOURCE_PAY_ANSWER, "");
  *resolved.mutable_reported() =
      fact(1, npd::v1::PAYOUT_STATUS_SUCCEEDED, npd::v1::PAYOUT_SOURCE_CALLBACK, "LATE-1");
  *resolved.mutable_at() = At(kExpiry - 7200);
  resolved.set_resolved(true);
  *resolved.mutable_resolved_at() = At(kExpiry - 3600);
  resolved.set_resolution("channel reversed payout 1");
  npd::v1::PayoutConflict& open = *refund.add_payout_conflicts();
  open.set_number(2);
  open.set_payout_key("R000000000007:payout:2");
  *open.mutable_earlier() =
      fact(2, npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID, npd::v1::PAYOUT_SOURCE_CALLBACK, "");
  *open.mutable_reported() =
      fact(2, npd::v1::PAYOUT_STATUS_SUCCEEDED, npd::v1::PAYOUT_SOURCE_QUERY_ANSWER, "PAY\x1b[2J");
  *open.mutable_at() = At(kExpiry);
  *refund.mutable_reported_payout() =
      fact(2, npd::v1::PAYOUT_STATUS_SUCCEEDED, npd::v1::PAYOUT_SOURCE_CALLBACK, "");
  return refund;
}

std::vector<npd::v1::RoutingChange> FakeNpd::FakeChanges() {
  std::vector<npd::v1::RoutingChange> changes;
  const char* const kNumbers[] = {"13800138000", "13800138001", "13800138002"};
  for (uint64_t sequence = 1; sequence <= 3; ++sequence) {
    npd::v1::RoutingChange change;
    change.set_sequence(sequence);
    change.set_msisdn(kNumbers[sequence - 1]);
    change.set_previous_carrier("cmcc");
    change.set_serving_carrier("cucc");
    change.set_range_holder("cmcc");
    change.set_port_id("P00000000000" + std::to_string(sequence));
    change.set_kind(npd::v1::ROUTING_CHANGE_KIND_PORTED);
    *change.mutable_effective_at() = At(kExpiry);
    changes.push_back(change);
  }
  return changes;
}

std::vector<npd::v1::GetReportRequest> FakeNpd::report_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->reports;
}

std::vector<npd::v1::CheckpointRequest> FakeNpd::checkpoint_requests() const {
  absl::MutexLock lock(&journal_->mu);
  return journal_->checkpoints;
}

}  // namespace npd::testing
