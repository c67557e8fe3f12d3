#include "tests/fakes/fake_payment.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace npd::fakes {

using npd::ext::v1::PayRequest;
using npd::ext::v1::PayResponse;
using npd::ext::v1::QueryPayoutRequest;
using npd::ext::v1::QueryPayoutResponse;

namespace {

constexpr char kPayeeRefused[] = "payee account refused by the channel";

bool SamePayee(const npd::v1::PayeeAccount& a, const npd::v1::PayeeAccount& b) {
  return a.kind() == b.kind() && a.account() == b.account() && a.holder_name() == b.holder_name();
}

}  // namespace

bool DefaultPayeeInvalid(const npd::v1::PayeeAccount& payee) {
  return payee.kind() == npd::v1::PAYEE_KIND_WALLET && absl::StartsWith(payee.account(), "invalid");
}

FakePayment::FakePayment(PaymentOptions options, FaultInjector* faults, NpdCallbacks* callbacks,
                         DelayedTasks* tasks)
    : options_(std::move(options)), faults_(faults), callbacks_(callbacks), tasks_(tasks) {}

void FakePayment::CountSucceeded(const PayoutRecord& record) {
  ++stats_.succeeded;
  stats_.total_paid_fen += record.amount_fen;
  ++succeeded_by_refund_[record.refund_id];
}

Callback FakePayment::MakeReport(const PayoutRecord& record, std::string request_id) {
  npd::v1::ReportPayoutResultRequest report;
  report.set_request_id(std::move(request_id));
  report.set_payout_key(record.idempotency_key);
  report.set_status(record.status);
  report.set_payout_reference(record.payout_reference);
  if (record.status == npd::v1::PAYOUT_STATUS_SUCCEEDED) report.set_amount_fen(record.amount_fen);
  report.set_failure_text(record.failure_text);
  return Callback{kPaymentCaller, std::move(report)};
}

std::optional<Callback> FakePayment::ReportOf(const PayoutRecord& record) {
  if (!options_.report_results) return std::nullopt;
  return MakeReport(record, absl::StrCat("payout-result-", record.idempotency_key));
}

void FakePayment::Count(const PayoutRecord& record, int sign) {
  const auto add = [sign](uint64_t& counter) { counter = sign > 0 ? counter + 1 : counter - 1; };
  switch (record.status) {
    case npd::v1::PAYOUT_STATUS_PENDING:
      add(stats_.pending);
      break;
    case npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID:
      add(stats_.failed_payee_invalid);
      break;
    case npd::v1::PAYOUT_STATUS_SUCCEEDED:
      add(stats_.succeeded);
      stats_.total_paid_fen += sign > 0 ? record.amount_fen : -record.amount_fen;
      succeeded_by_refund_[record.refund_id] += sign > 0 ? 1 : -1;
      break;
    default:
      break;
  }
}

bool FakePayment::SetOutcome(const std::string& idempotency_key, npd::v1::PayoutStatus status,
                             bool report) {
  std::optional<Callback> callback;
  {
    absl::MutexLock lock(&mu_);
    auto it = payouts_.find(idempotency_key);
    if (it == payouts_.end()) return false;
    PayoutRecord& record = it->second.record;
    Count(record, -1);
    record.status = status;
    record.failure_text =
        status == npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID ? kPayeeRefused : "";
    Count(record, +1);
    it->second.final_at = absl::InfiniteFuture();
    if (report) {
      ++outcomes_set_;
      callback = MakeReport(
          record, absl::StrCat("payout-result-", idempotency_key, "-outcome-", outcomes_set_));
      ++stats_.results_reported;
    }
  }
  if (callback) callbacks_->Report(std::move(*callback), /*before_answer=*/false, /*twice=*/false);
  return true;
}

std::optional<Callback> FakePayment::SettleIfDue(Entry& entry) {
  PayoutRecord& record = entry.record;
  if (record.status != npd::v1::PAYOUT_STATUS_PENDING || absl::Now() < entry.final_at) {
    return std::nullopt;
  }
  record.status = npd::v1::PAYOUT_STATUS_SUCCEEDED;
  --stats_.pending;
  CountSucceeded(record);
  std::optional<Callback> report = ReportOf(record);
  if (report) stats_.results_reported += entry.report_twice ? 2 : 1;
  return report;
}

void FakePayment::SettleKey(const std::string& key) {
  std::optional<Callback> report;
  bool twice = false;
  {
    absl::MutexLock lock(&mu_);
    auto it = payouts_.find(key);
    if (it == payouts_.end()) return;
    report = SettleIfDue(it->second);
    twice = it->second.report_twice;
  }
  if (report) callbacks_->Report(std::move(*report), /*before_answer=*/false, twice);
}

grpc::Status FakePayment::Pay(grpc::ServerContext* context, const PayRequest* request,
                              PayResponse* response) {
  const FaultDraw f = faults_->Draw(/*has_effect=*/true);
  if (f.error) return InjectedError();
  if (f.slow) faults_->Sleep(context, faults_->plan().slow_delay);
  if (request->idempotency_key().empty() || request->refund_id().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "idempotency_key and refund_id are required");
  }
  if (request->amount_fen() <= 0) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "amount_fen must be > 0");
  }
  std::optional<Callback> new_report;   // the outcome of a new key
  std::optional<Callback> late_report;  // a PENDING payout that came due
  bool late_twice = false;
  bool pending = false;
  {
    absl::MutexLock lock(&mu_);
    auto [it, inserted] = payouts_.try_emplace(request->idempotency_key());
    Entry& entry = it->second;
    PayoutRecord& record = entry.record;
    if (!inserted) {
      ++record.repeats;
      ++stats_.duplicates_prevented;
      if (record.refund_id != request->refund_id() || record.amount_fen != request->amount_fen() ||
          !SamePayee(record.payee, request->payee())) {
        ++record.conflicts;
        ++stats_.key_conflicts;
      }
      late_report = SettleIfDue(entry);
      late_twice = entry.report_twice;
    } else {
      ++stats_.payouts;
      record.idempotency_key = request->idempotency_key();
      record.refund_id = request->refund_id();
      record.amount_fen = request->amount_fen();
      record.payee = request->payee();
      record.payout_reference = absl::StrFormat("PAY%08d", stats_.payouts);
      const bool invalid = options_.payee_invalid ? options_.payee_invalid(request->payee())
                                                  : DefaultPayeeInvalid(request->payee());
      if (invalid) {
        record.status = npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID;
        record.failure_text = kPayeeRefused;
        ++stats_.failed_payee_invalid;
      } else if (options_.pending_rate > 0 && faults_->Chance(options_.pending_rate)) {
        record.status = npd::v1::PAYOUT_STATUS_PENDING;
        entry.final_at = absl::Now() + options_.pending_delay;
        entry.report_twice = f.duplicate_callback;
        ++stats_.pending;
        pending = true;
      } else {
        record.status = npd::v1::PAYOUT_STATUS_SUCCEEDED;
        CountSucceeded(record);
      }
      if (!pending) {
        new_report = ReportOf(record);
        if (new_report) stats_.results_reported += f.duplicate_callback ? 2 : 1;
      }
    }
    response->set_status(record.status);
    response->set_payout_reference(record.payout_reference);
    response->set_failure_text(record.failure_text);
  }
  if (pending) {
    tasks_->RunAfter(options_.pending_delay,
                     [this, key = request->idempotency_key()] { SettleKey(key); });
  }
  if (late_report) callbacks_->Report(std::move(*late_report), false, late_twice);
  if (new_report) {
    if (f.out_of_order_callback) faults_->CountInjected(FaultKind::kOutOfOrderCallback);
    if (f.duplicate_callback) faults_->CountInjected(FaultKind::kDuplicateCallback);
    callbacks_->Report(std::move(*new_report), f.out_of_order_callback, f.duplicate_callback);
  } else if (pending && f.duplicate_callback) {
    faults_->CountInjected(FaultKind::kDuplicateCallback);
  }
  if (f.crash_after_effect) return CrashedAfter("paying");
  if (f.timeout) faults_->Sleep(context, faults_->plan().timeout_delay);
  return grpc::Status::OK;
}

grpc::Status FakePayment::QueryPayout(grpc::ServerContext* context,
                                      const QueryPayoutRequest* request,
                                      QueryPayoutResponse* response) {
  const FaultDraw f = faults_->Draw(/*has_effect=*/false);
  if (f.error) return InjectedError();
  if (f.slow) faults_->Sleep(context, faults_->plan().slow_delay);
  std::optional<Callback> late_report;
  bool late_twice = false;
  {
    absl::MutexLock lock(&mu_);
    ++stats_.queries;
    auto it = payouts_.find(request->idempotency_key());
    if (it != payouts_.end()) {
      late_report = SettleIfDue(it->second);
      late_twice = it->second.report_twice;
      const PayoutRecord& record = it->second.record;
      response->set_found(true);
      response->set_status(record.status);
      response->set_payout_reference(record.payout_reference);
      if (record.status == npd::v1::PAYOUT_STATUS_SUCCEEDED) {
        response->set_amount_fen(record.amount_fen);
      }
      response->set_failure_text(record.failure_text);
    }
  }
  if (late_report) callbacks_->Report(std::move(*late_report), false, late_twice);
  if (f.timeout) faults_->Sleep(context, faults_->plan().timeout_delay);
  return grpc::Status::OK;
}

std::optional<PayoutRecord> FakePayment::Payout(const std::string& idempotency_key) const {
  absl::MutexLock lock(&mu_);
  auto it = payouts_.find(idempotency_key);
  if (it == payouts_.end()) return std::nullopt;
  return it->second.record;
}

int FakePayment::SucceededPayouts(const std::string& refund_id) const {
  absl::MutexLock lock(&mu_);
  auto it = succeeded_by_refund_.find(refund_id);
  return it == succeeded_by_refund_.end() ? 0 : it->second;
}

std::vector<std::string> FakePayment::violations() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> paid_twice;
  for (const auto& [refund_id, count] : succeeded_by_refund_) {
    if (count > 1) paid_twice.push_back(refund_id);
  }
  return paid_twice;
}

PaymentStats FakePayment::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace npd::fakes
