#include "tests/fakes/fake_outside.h"

#include <chrono>
#include <utility>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "clients/client/identity.h"
#include "absl/strings/str_join.h"

namespace npd::fakes {
namespace {

// Distinct, well-mixed seeds for the four services from one run seed (SplitMix64).
uint64_t ServiceSeed(uint64_t seed, uint64_t service) {
  uint64_t z = seed + (service + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::string CountsLine(const FaultCounts& counts) {
  std::vector<std::string> parts;
  uint64_t total = 0;
  for (int k = 0; k < kFaultKindCount; ++k) {
    parts.push_back(
        absl::StrCat(std::string(FaultKindName(static_cast<FaultKind>(k))), "=", counts[k]));
    total += counts[k];
  }
  return absl::StrCat(total, " (", absl::StrJoin(parts, " "), ")");
}

}  // namespace

namespace {

CallbackOptions WithTls(CallbackOptions options, const std::string& tls_dir) {
  if (options.tls_dir.empty()) options.tls_dir = tls_dir;
  return options;
}

// Like a real outside system: its own certificate, and only clients with a certificate of the
// CA (npd's) get in.
std::shared_ptr<grpc::ServerCredentials> ServerCredentials(const std::string& tls_dir) {
  if (tls_dir.empty()) return grpc::InsecureServerCredentials();
  return client::MutualTlsServerCredentials(tls_dir, "outside", /*refresh_seconds=*/1);
}

}  // namespace

void FakeOutsideOptions::SetAllFaults(const FaultPlan& plan) {
  billing_faults = payment_faults = settlement_faults = sms_faults = plan;
}

FakeOutside::FakeOutside(FakeOutsideOptions options)
    : options_(std::move(options)),
      billing_faults_(options_.billing_faults, ServiceSeed(options_.seed, 0), &stopping_),
      payment_faults_(options_.payment_faults, ServiceSeed(options_.seed, 1), &stopping_),
      settlement_faults_(options_.settlement_faults, ServiceSeed(options_.seed, 2), &stopping_),
      sms_faults_(options_.sms_faults, ServiceSeed(options_.seed, 3), &stopping_),
      tasks_(options_.background_workers),
      callbacks_(WithTls(options_.callbacks, options_.tls_dir), &tasks_),
      billing_(options_.billing, &billing_faults_, &callbacks_),
      payment_(options_.payment, &payment_faults_, &callbacks_, &tasks_),
      settlement_(&settlement_faults_),
      sms_(&sms_faults_) {
  if (!options_.npd_address.empty()) callbacks_.SetTarget(options_.npd_address);
}

FakeOutside::~FakeOutside() { Stop(); }

absl::StatusOr<std::string> FakeOutside::Start() {
  if (server_ != nullptr || stopped_) return absl::FailedPreconditionError("already started");
  for (const FaultPlan* plan : {&options_.billing_faults, &options_.payment_faults,
                                &options_.settlement_faults, &options_.sms_faults}) {
    if (absl::Status s = plan->Validate(); !s.ok()) return s;
  }
  if (!(options_.payment.pending_rate >= 0 && options_.payment.pending_rate <= 1)) {
    return absl::InvalidArgumentError("pending_rate must be in [0, 1]");
  }
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options_.listen, ServerCredentials(options_.tls_dir), &port);
  builder.RegisterService(&billing_);
  builder.RegisterService(&payment_);
  builder.RegisterService(&settlement_);
  builder.RegisterService(&sms_);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port == 0) {
    server_.reset();
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.listen));
  }
  address_ = absl::StrCat(options_.listen.substr(0, options_.listen.rfind(':')), ":", port);
  return address_;
}

void FakeOutside::Stop() {
  if (stopped_) return;
  stopped_ = true;
  stopping_.Notify();
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    server_->Wait();
  }
  tasks_.Stop();
}

void FakeOutside::SetFaultPlan(const FaultPlan& plan) {
  for (FaultInjector* f : {&billing_faults_, &payment_faults_, &settlement_faults_, &sms_faults_}) {
    f->SetPlan(plan);
  }
}

FaultCounts FakeOutside::faults() const {
  FaultCounts total = {};
  for (const FaultInjector* f :
       {&billing_faults_, &payment_faults_, &settlement_faults_, &sms_faults_}) {
    const FaultCounts c = f->counts();
    for (int k = 0; k < kFaultKindCount; ++k) total[k] += c[k];
  }
  return total;
}

std::string FakeOutside::Summary() const {
  const PaymentStats p = payment_.stats();
  const BillingStats b = billing_.stats();
  const SettlementStats s = settlement_.stats();
  const SmsStats m = sms_.stats();
  const CallbackStats c = callbacks_.stats();
  const std::vector<std::string> paid_twice = payment_.violations();
  return absl::StrCat(
      "payouts: ", p.payouts, " keys, ", p.succeeded, " succeeded, ", p.failed_payee_invalid,
      " payee invalid, ", p.pending, " pending\n",  //
      "paid: ", p.total_paid_fen, " fen\n",         //
      "duplicates prevented: pay ", p.duplicates_prevented, " (conflicting ", p.key_conflicts,
      "), settlement ", s.duplicates, " (conflicting ", s.conflicts, "), sms ",
      m.duplicates_prevented, ", close ", b.close_repeats, " (conflicting ", b.close_conflicts,
      ")\n",  //
      "violations (refunds paid twice): ", paid_twice.size(),
      paid_twice.empty() ? "" : absl::StrCat(" [", absl::StrJoin(paid_twice, ", "), "]"), "\n",
      "billing: ", b.freezes, " freezes (", b.judicial_holds, " judicial holds), ", b.bill_fetches,
      " bill fetches (", b.bills_not_ready, " not ready), ", b.bills_pushed, " pushed, ", b.closes,
      " closed\n",                                                     //
      "settlement: ", s.entries, " entries, ", s.total_fen, " fen\n",  //
      "sms: ", m.sent, " sent\n",                                      //
      "faults injected: ", CountsLine(faults()), "\n",                 //
      "  billing ", CountsLine(billing_faults_.counts()), "\n",        //
      "  payment ", CountsLine(payment_faults_.counts()), "\n",        //
      "  settlement ", CountsLine(settlement_faults_.counts()), "\n",  //
      "  sms ", CountsLine(sms_faults_.counts()), "\n",                //
      "callbacks: ", c.attempts, " attempts, ", c.delivered, " delivered, ", c.rejected,
      " rejected, ", c.dropped, " dropped\n");
}

}  // namespace npd::fakes
