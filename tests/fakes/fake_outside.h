// The four outside systems npd calls for refunds (billing, payment, settlement, SMS) on one real
// gRPC server, with seeded fault injection and callbacks into npd. What the refund integration
// tests and the refund soak run against; their ledgers are the ground truth those tests check.
#ifndef NPD_TESTS_FAKES_FAKE_OUTSIDE_H_
#define NPD_TESTS_FAKES_FAKE_OUTSIDE_H_

#include <cstdint>
#include <memory>
#include <string>

#include <grpcpp/server.h>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "tests/fakes/delayed_tasks.h"
#include "tests/fakes/fake_billing.h"
#include "tests/fakes/fake_payment.h"
#include "tests/fakes/fake_settlement.h"
#include "tests/fakes/fake_sms.h"
#include "tests/fakes/fault_injector.h"
#include "tests/fakes/npd_callbacks.h"

namespace npd::fakes {

struct FakeOutsideOptions {
  // Where to listen. Default: "127.0.0.1:0" (a free port).
  std::string listen = "127.0.0.1:0";
  // Directory laid out by scripts/dev-pki: the fakes serve mutual TLS with outside.pem/.key and
  // require client certificates (npd's) that chain to ca.pem, and call npd back as
  // billing-<carrier> and payment. Empty: plaintext both ways (npd's development mode).
  std::string tls_dir;
  // Seeds every service's fault generator (each its own stream). Default: 1.
  uint64_t seed = 1;
  // Faults per service. Default: none.
  FaultPlan billing_faults;
  FaultPlan payment_faults;
  FaultPlan settlement_faults;
  FaultPlan sms_faults;
  BillingOptions billing;
  PaymentOptions payment;
  CallbackOptions callbacks;
  // npd's "host:port" for callbacks; empty: none until SetNpdAddress. Default: empty.
  std::string npd_address;
  // Threads sending later callbacks and settling PENDING payouts. Default: 4.
  int background_workers = 4;

  // Sets the same plan on all four services.
  void SetAllFaults(const FaultPlan& plan);
};

// Owns the four fakes and their server. Accessors and SetNpdAddress/SetFaultPlan are thread-safe;
// Start and Stop are called from one thread.
class FakeOutside {
 public:
  explicit FakeOutside(FakeOutsideOptions options);
  // Stop().
  ~FakeOutside();
  FakeOutside(const FakeOutside&) = delete;
  FakeOutside& operator=(const FakeOutside&) = delete;

  // Starts serving; returns the bound "host:port". INVALID_ARGUMENT for a bad fault plan or
  // pending_rate, UNAVAILABLE when the address cannot be bound, FAILED_PRECONDITION when started.
  absl::StatusOr<std::string> Start();
  // Cuts fault sleeps short, stops the server and drops queued callbacks. Ledgers stay readable.
  // Idempotent.
  void Stop();
  // The bound "host:port" once started, else empty.
  const std::string& address() const { return address_; }

  // Where callbacks go from now on (npd restarted, maybe on another port); empty stops them.
  void SetNpdAddress(const std::string& address) { callbacks_.SetTarget(address); }
  // The same plan on all four services from now on (e.g. none, to let a soak drain).
  void SetFaultPlan(const FaultPlan& plan);

  FakeBilling& billing() { return billing_; }
  FakePayment& payment() { return payment_; }
  FakeSettlement& settlement() { return settlement_; }
  FakeSms& sms() { return sms_; }
  NpdCallbacks& callbacks() { return callbacks_; }
  const FakeBilling& billing() const { return billing_; }
  const FakePayment& payment() const { return payment_; }
  const FakeSettlement& settlement() const { return settlement_; }
  const FakeSms& sms() const { return sms_; }

  // Injected faults by kind, summed over the four services.
  FaultCounts faults() const;
  // The figures, one per line: payouts, fen paid, duplicates prevented, violations, faults by kind
  // (total and per service), callbacks.
  std::string Summary() const;

 private:
  const FakeOutsideOptions options_;
  absl::Notification stopping_;
  FaultInjector billing_faults_;
  FaultInjector payment_faults_;
  FaultInjector settlement_faults_;
  FaultInjector sms_faults_;
  DelayedTasks tasks_;
  NpdCallbacks callbacks_;
  FakeBilling billing_;
  FakePayment payment_;
  FakeSettlement settlement_;
  FakeSms sms_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  bool stopped_ = false;
};

}  // namespace npd::fakes

#endif  // NPD_TESTS_FAKES_FAKE_OUTSIDE_H_
