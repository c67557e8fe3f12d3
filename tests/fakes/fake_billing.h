// The donor carrier's billing system as npd calls it for a refund case (npd/ext/v1/billing.proto),
// with a ledger of what npd asked for. Amounts come from a per-number BillScenario.
#ifndef NPD_TESTS_FAKES_FAKE_BILLING_H_
#define NPD_TESTS_FAKES_FAKE_BILLING_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "npd/ext/v1/billing.grpc.pb.h"
#include "tests/fakes/bill_scenario.h"
#include "tests/fakes/fault_injector.h"
#include "tests/fakes/npd_callbacks.h"

namespace npd::fakes {

struct BillingOptions {
  // The scenario of a number; asked on every call (judicial_hold may change), but a refund's bill
  // is fixed when first produced. Default (unset): DefaultBillScenario.
  std::function<BillScenario(const std::string& msisdn)> scenario;
  // The donor carrier this billing belongs to: its pushes are made as billing-<carrier>.
  // Default: "cmcc".
  std::string carrier = "cmcc";
  // When set, the donor per number instead (one fake serving several donors). Default: unset.
  std::function<std::string(const std::string& msisdn)> carrier_of;
};

// The first CloseAccount of a refund, as answered.
struct CloseRecord {
  std::string idempotency_key;
  std::string msisdn;
  npd::ext::v1::CloseOutcome outcome = npd::ext::v1::CLOSE_OUTCOME_UNSPECIFIED;
  int64_t paid_fen = 0;
  int64_t arrears_fen = 0;
  std::string closure_reference;
  // Later CloseAccount calls for the refund (answered with the same reference).
  int repeats = 0;
  // Later calls whose key, outcome or amounts differed from the first (a bug in the caller).
  int conflicts = 0;
};

struct BillingStats {
  uint64_t freezes = 0;          // FreezeAccount calls that reached the ledger
  uint64_t frozen_refunds = 0;   // distinct refunds frozen without a hold
  uint64_t judicial_holds = 0;   // FreezeAccount calls answered judicial_hold
  uint64_t bill_fetches = 0;     // GetFinalBill calls that reached the ledger
  uint64_t bills_not_ready = 0;  // of which answered ready = false
  uint64_t bills_pushed = 0;     // ReportFinalBill callbacks handed to NpdCallbacks (copies count)
  uint64_t closes = 0;           // distinct refunds closed
  uint64_t close_repeats = 0;
  uint64_t close_conflicts = 0;
};

// Thread-safe. Faults (FaultInjector) apply before the ledger: an `error` leaves no trace.
class FakeBilling final : public npd::ext::v1::BillingService::Service {
 public:
  // `faults` and `callbacks` are not owned and must outlive this.
  FakeBilling(BillingOptions options, FaultInjector* faults, NpdCallbacks* callbacks);

  grpc::Status FreezeAccount(grpc::ServerContext* context,
                             const npd::ext::v1::FreezeAccountRequest* request,
                             npd::ext::v1::FreezeAccountResponse* response) override;
  grpc::Status GetFinalBill(grpc::ServerContext* context,
                            const npd::ext::v1::GetFinalBillRequest* request,
                            npd::ext::v1::GetFinalBillResponse* response) override;
  grpc::Status CloseAccount(grpc::ServerContext* context,
                            const npd::ext::v1::CloseAccountRequest* request,
                            npd::ext::v1::CloseAccountResponse* response) override;

  // The scenario of `msisdn` (options' function or the default).
  BillScenario ScenarioFor(const std::string& msisdn) const;
  // ScenarioFor(msisdn).refundable_fen(): what npd must compute for the number.
  int64_t ExpectedRefundable(const std::string& msisdn) const;

  // Per refund: FreezeAccount / GetFinalBill calls that reached the ledger; 0 when never seen.
  int Freezes(const std::string& refund_id) const;
  int BillFetches(const std::string& refund_id) const;
  // The first close of a refund, or nullopt.
  std::optional<CloseRecord> Close(const std::string& refund_id) const;
  BillingStats stats() const;
  FaultInjector& faults() { return *faults_; }

 private:
  struct Account {
    std::string msisdn;
    int freezes = 0;
    int fetches = 0;
    bool frozen = false;  // a freeze without hold was answered
    std::optional<npd::v1::FinalBill> bill;
    std::optional<CloseRecord> close;
  };

  // The refund's bill, produced (and fixed) on first use.
  const npd::v1::FinalBill& BillOf(Account& account, const std::string& refund_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string CarrierOf(const std::string& msisdn) const;

  const BillingOptions options_;
  FaultInjector* faults_;
  NpdCallbacks* callbacks_;
  mutable absl::Mutex mu_;
  std::map<std::string, Account> accounts_ ABSL_GUARDED_BY(mu_);  // by refund_id
  BillingStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace npd::fakes

#endif  // NPD_TESTS_FAKES_FAKE_BILLING_H_
