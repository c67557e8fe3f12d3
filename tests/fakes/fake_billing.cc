#include "tests/fakes/fake_billing.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"

namespace npd::fakes {

using npd::ext::v1::CloseAccountRequest;
using npd::ext::v1::CloseAccountResponse;
using npd::ext::v1::FreezeAccountRequest;
using npd::ext::v1::FreezeAccountResponse;
using npd::ext::v1::GetFinalBillRequest;
using npd::ext::v1::GetFinalBillResponse;

FakeBilling::FakeBilling(BillingOptions options, FaultInjector* faults, NpdCallbacks* callbacks)
    : options_(std::move(options)), faults_(faults), callbacks_(callbacks) {}

BillScenario FakeBilling::ScenarioFor(const std::string& msisdn) const {
  return options_.scenario ? options_.scenario(msisdn) : DefaultBillScenario(msisdn);
}

int64_t FakeBilling::ExpectedRefundable(const std::string& msisdn) const {
  return ScenarioFor(msisdn).refundable_fen();
}

std::string FakeBilling::CarrierOf(const std::string& msisdn) const {
  return options_.carrier_of ? options_.carrier_of(msisdn) : options_.carrier;
}

const npd::v1::FinalBill& FakeBilling::BillOf(Account& account, const std::string& refund_id) {
  if (!account.bill) {
    const BillScenario s = ScenarioFor(account.msisdn);
    npd::v1::FinalBill bill;
    bill.set_bill_id(absl::StrCat("B", refund_id));
    bill.set_cash_balance_fen(s.cash_balance_fen);
    bill.set_non_refundable_fen(s.non_refundable_fen);
    bill.set_third_party_topup_fen(s.third_party_topup_fen);
    bill.set_final_charges_fen(s.final_charges_fen);
    *bill.mutable_produced_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
    account.bill = std::move(bill);
  }
  return *account.bill;
}

grpc::Status FakeBilling::FreezeAccount(grpc::ServerContext* context,
                                        const FreezeAccountRequest* request,
                                        FreezeAccountResponse* response) {
  const FaultDraw f = faults_->Draw(/*has_effect=*/true);
  if (f.error) return InjectedError();
  if (f.slow) faults_->Sleep(context, faults_->plan().slow_delay);
  if (request->refund_id().empty() || request->msisdn().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "refund_id and msisdn are required");
  }
  const BillScenario scenario = ScenarioFor(request->msisdn());
  std::optional<Callback> push;
  {
    absl::MutexLock lock(&mu_);
    Account& account = accounts_[request->refund_id()];
    account.msisdn = request->msisdn();
    ++account.freezes;
    ++stats_.freezes;
    if (scenario.judicial_hold) {
      ++stats_.judicial_holds;
      response->set_judicial_hold(true);
      response->set_hold_text("account frozen by court order");
    } else if (!account.frozen) {
      account.frozen = true;
      ++stats_.frozen_refunds;
      if (scenario.push) {
        npd::v1::ReportFinalBillRequest report;
        report.set_request_id(absl::StrCat("bill-push-", request->refund_id()));
        report.set_refund_id(request->refund_id());
        *report.mutable_bill() = BillOf(account, request->refund_id());
        push = Callback{"billing-" + CarrierOf(request->msisdn()), std::move(report)};
        stats_.bills_pushed += f.duplicate_callback ? 2 : 1;
      }
    }
  }
  if (push) {
    if (f.out_of_order_callback) faults_->CountInjected(FaultKind::kOutOfOrderCallback);
    if (f.duplicate_callback) faults_->CountInjected(FaultKind::kDuplicateCallback);
    callbacks_->Report(std::move(*push), f.out_of_order_callback, f.duplicate_callback);
  }
  if (f.crash_after_effect) return CrashedAfter("freezing");
  if (f.timeout) faults_->Sleep(context, faults_->plan().timeout_delay);
  return grpc::Status::OK;
}

grpc::Status FakeBilling::GetFinalBill(grpc::ServerContext* context,
                                       const GetFinalBillRequest* request,
                                       GetFinalBillResponse* response) {
  const FaultDraw f = faults_->Draw(/*has_effect=*/false);
  if (f.error) return InjectedError();
  if (f.slow) faults_->Sleep(context, faults_->plan().slow_delay);
  if (request->refund_id().empty() || request->msisdn().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "refund_id and msisdn are required");
  }
  const int polls_until_ready = ScenarioFor(request->msisdn()).polls_until_ready;
  {
    absl::MutexLock lock(&mu_);
    Account& account = accounts_[request->refund_id()];
    account.msisdn = request->msisdn();
    ++stats_.bill_fetches;
    // A pushed bill is ready whatever the count.
    if (!account.bill && account.fetches < polls_until_ready) {
      ++account.fetches;
      ++stats_.bills_not_ready;
      response->set_ready(false);
    } else {
      ++account.fetches;
      response->set_ready(true);
      *response->mutable_bill() = BillOf(account, request->refund_id());
    }
  }
  if (f.timeout) faults_->Sleep(context, faults_->plan().timeout_delay);
  return grpc::Status::OK;
}

grpc::Status FakeBilling::CloseAccount(grpc::ServerContext* context,
                                       const CloseAccountRequest* request,
                                       CloseAccountResponse* response) {
  const FaultDraw f = faults_->Draw(/*has_effect=*/true);
  if (f.error) return InjectedError();
  if (f.slow) faults_->Sleep(context, faults_->plan().slow_delay);
  if (request->refund_id().empty() || request->idempotency_key().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "refund_id and idempotency_key are required");
  }
  if (request->outcome() == npd::ext::v1::CLOSE_OUTCOME_UNSPECIFIED || request->paid_fen() < 0 ||
      request->arrears_fen() < 0 ||
      (request->outcome() == npd::ext::v1::CLOSE_OUTCOME_REFUNDED && request->paid_fen() <= 0)) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "outcome required; amounts >= 0; REFUNDED needs paid_fen > 0");
  }
  {
    absl::MutexLock lock(&mu_);
    Account& account = accounts_[request->refund_id()];
    if (account.msisdn.empty()) account.msisdn = request->msisdn();
    if (!account.close) {
      CloseRecord close;
      close.idempotency_key = request->idempotency_key();
      close.msisdn = request->msisdn();
      close.outcome = request->outcome();
      close.paid_fen = request->paid_fen();
      close.arrears_fen = request->arrears_fen();
      close.closure_reference = absl::StrCat("CL", request->refund_id());
      account.close = std::move(close);
      ++stats_.closes;
    } else {
      CloseRecord& close = *account.close;
      ++close.repeats;
      ++stats_.close_repeats;
      if (close.idempotency_key != request->idempotency_key() ||
          close.outcome != request->outcome() || close.paid_fen != request->paid_fen() ||
          close.arrears_fen != request->arrears_fen()) {
        ++close.conflicts;
        ++stats_.close_conflicts;
      }
    }
    response->set_closure_reference(account.close->closure_reference);
  }
  if (f.crash_after_effect) return CrashedAfter("closing the account");
  if (f.timeout) faults_->Sleep(context, faults_->plan().timeout_delay);
  return grpc::Status::OK;
}

int FakeBilling::Freezes(const std::string& refund_id) const {
  absl::MutexLock lock(&mu_);
  auto it = accounts_.find(refund_id);
  return it == accounts_.end() ? 0 : it->second.freezes;
}

int FakeBilling::BillFetches(const std::string& refund_id) const {
  absl::MutexLock lock(&mu_);
  auto it = accounts_.find(refund_id);
  return it == accounts_.end() ? 0 : it->second.fetches;
}

std::optional<CloseRecord> FakeBilling::Close(const std::string& refund_id) const {
  absl::MutexLock lock(&mu_);
  auto it = accounts_.find(refund_id);
  return it == accounts_.end() ? std::nullopt : it->second.close;
}

BillingStats FakeBilling::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace npd::fakes
