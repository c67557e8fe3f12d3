// Shared by the fakes' tests: stubs of the four services over a real channel, requests with the
// keys npd uses, and a tiny RefundService standing in for npd that records the callbacks it gets.
#ifndef NPD_TESTS_FAKES_FAKES_TEST_UTIL_H_
#define NPD_TESTS_FAKES_FAKES_TEST_UTIL_H_

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "npd/ext/v1/billing.grpc.pb.h"
#include "npd/ext/v1/payment.grpc.pb.h"
#include "npd/ext/v1/settlement.grpc.pb.h"
#include "npd/ext/v1/sms.grpc.pb.h"
#include "npd/v1/refund.grpc.pb.h"

namespace npd::fakes::testing {

// Stubs of the four outside services at `address`.
struct OutsideClient {
  explicit OutsideClient(const std::string& address)
      : channel(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())),
        billing(npd::ext::v1::BillingService::NewStub(channel)),
        payment(npd::ext::v1::PaymentService::NewStub(channel)),
        settlement(npd::ext::v1::SettlementService::NewStub(channel)),
        sms(npd::ext::v1::SmsService::NewStub(channel)) {}

  // Pay as npd does: key "<refund_id>:payout:<generation>", to a wallet.
  grpc::Status Pay(const std::string& refund_id, int generation, int64_t amount_fen,
                   npd::ext::v1::PayResponse* response, const std::string& wallet = "alice@pay",
                   absl::Duration deadline = absl::Seconds(10)) {
    npd::ext::v1::PayRequest request;
    request.set_idempotency_key(absl::StrCat(refund_id, ":payout:", generation));
    request.set_refund_id(refund_id);
    request.set_amount_fen(amount_fen);
    request.mutable_payee()->set_kind(npd::v1::PAYEE_KIND_WALLET);
    request.mutable_payee()->set_account(wallet);
    request.mutable_payee()->set_holder_name("Zhang San");
    request.set_paying_province("Beijing");
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    return payment->Pay(&context, request, response);
  }

  grpc::Status Query(const std::string& key, npd::ext::v1::QueryPayoutResponse* response) {
    npd::ext::v1::QueryPayoutRequest request;
    request.set_idempotency_key(key);
    grpc::ClientContext context;
    return payment->QueryPayout(&context, request, response);
  }

  grpc::Status Freeze(const std::string& refund_id, const std::string& msisdn,
                      npd::ext::v1::FreezeAccountResponse* response) {
    npd::ext::v1::FreezeAccountRequest request;
    request.set_idempotency_key(absl::StrCat(refund_id, ":freeze"));
    request.set_refund_id(refund_id);
    request.set_msisdn(msisdn);
    request.set_province("Beijing");
    grpc::ClientContext context;
    return billing->FreezeAccount(&context, request, response);
  }

  grpc::Status Bill(const std::string& refund_id, const std::string& msisdn,
                    npd::ext::v1::GetFinalBillResponse* response) {
    npd::ext::v1::GetFinalBillRequest request;
    request.set_idempotency_key(absl::StrCat(refund_id, ":bill"));
    request.set_refund_id(refund_id);
    request.set_msisdn(msisdn);
    grpc::ClientContext context;
    return billing->GetFinalBill(&context, request, response);
  }

  grpc::Status Sms(const std::string& refund_id, const std::string& msisdn,
                   npd::ext::v1::SendSmsResponse* response) {
    npd::ext::v1::SendSmsRequest request;
    request.set_idempotency_key(absl::StrCat(refund_id, ":notify"));
    request.set_msisdn(msisdn);
    request.set_via_carrier("cucc");
    request.set_text("claim your refund");
    grpc::ClientContext context;
    return sms->SendSms(&context, request, response);
  }

  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<npd::ext::v1::BillingService::Stub> billing;
  std::unique_ptr<npd::ext::v1::PaymentService::Stub> payment;
  std::unique_ptr<npd::ext::v1::SettlementService::Stub> settlement;
  std::unique_ptr<npd::ext::v1::SmsService::Stub> sms;
};

// One callback as npd received it.
struct Arrival {
  std::string caller;
  std::string request_id;
  npd::v1::ReportFinalBillRequest bill;       // for ReportFinalBill
  npd::v1::ReportPayoutResultRequest payout;  // for ReportPayoutResult
  bool is_bill = false;
};

// npd's RefundService as far as the callbacks go: records and acknowledges them. Serves on
// 127.0.0.1 at a free port from construction.
class RecordingNpd final : public npd::v1::RefundService::Service {
 public:
  RecordingNpd() {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
    address_ = absl::StrCat("127.0.0.1:", port);
  }
  ~RecordingNpd() override { server_->Shutdown(); }

  const std::string& address() const { return address_; }

  grpc::Status ReportFinalBill(grpc::ServerContext* context,
                               const npd::v1::ReportFinalBillRequest* request,
                               npd::v1::ReportFinalBillResponse* response) override {
    Arrival a{CallerOf(*context), request->request_id(), *request, {}, true};
    absl::MutexLock lock(&mu_);
    arrivals_.push_back(std::move(a));
    response->set_applied(true);
    return grpc::Status::OK;
  }

  grpc::Status ReportPayoutResult(grpc::ServerContext* context,
                                  const npd::v1::ReportPayoutResultRequest* request,
                                  npd::v1::ReportPayoutResultResponse* response) override {
    Arrival a{CallerOf(*context), request->request_id(), {}, *request, false};
    absl::MutexLock lock(&mu_);
    arrivals_.push_back(std::move(a));
    response->set_applied(true);
    return grpc::Status::OK;
  }

  std::vector<Arrival> arrivals() const {
    absl::MutexLock lock(&mu_);
    return arrivals_;
  }

  // Waits until at least `n` callbacks arrived, at most `timeout`; returns what arrived.
  std::vector<Arrival> WaitFor(size_t n, absl::Duration timeout = absl::Seconds(3)) const {
    const absl::Time until = absl::Now() + timeout;
    while (arrivals().size() < n && absl::Now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return arrivals();
  }

 private:
  static std::string CallerOf(const grpc::ServerContext& context) {
    auto it = context.client_metadata().find("x-npd-caller");
    if (it == context.client_metadata().end()) return "";
    return std::string(it->second.data(), it->second.size());
  }

  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  mutable absl::Mutex mu_;
  std::vector<Arrival> arrivals_;
};

}  // namespace npd::fakes::testing

#endif  // NPD_TESTS_FAKES_FAKES_TEST_UTIL_H_
