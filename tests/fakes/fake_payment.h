// The payment channel (npd/ext/v1/payment.proto): a ledger of payouts keyed by idempotency key that
// never pays a key twice, and counts what a soak test must check: no refund paid twice.
#ifndef NPD_TESTS_FAKES_FAKE_PAYMENT_H_
#define NPD_TESTS_FAKES_FAKE_PAYMENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "npd/ext/v1/payment.grpc.pb.h"
#include "tests/fakes/delayed_tasks.h"
#include "tests/fakes/fault_injector.h"
#include "tests/fakes/npd_callbacks.h"

namespace npd::fakes {

// The identity payout reports are made as (spiffe://npd/payment/default).
inline constexpr char kPaymentCaller[] = "payment";

struct PaymentOptions {
  // True when the channel refuses the payee (FAILED_PAYEE_INVALID, no money). Default (unset):
  // DefaultPayeeInvalid.
  std::function<bool(const npd::v1::PayeeAccount&)> payee_invalid;
  // Share of new valid payouts answered PENDING; they become SUCCEEDED after pending_delay (or on
  // the first Pay/QueryPayout of the key after that). Default: 0.
  double pending_rate = 0;
  // Default: 500 ms.
  absl::Duration pending_delay = absl::Milliseconds(500);
  // Report every final outcome of a new key to npd (ReportPayoutResult as `payment`). Default:
  // true.
  bool report_results = true;
};

// Wallet accounts (PAYEE_KIND_WALLET) whose id starts with "invalid".
bool DefaultPayeeInvalid(const npd::v1::PayeeAccount& payee);

// One payout, by its idempotency key.
struct PayoutRecord {
  std::string idempotency_key;
  std::string refund_id;
  int64_t amount_fen = 0;  // as requested
  npd::v1::PayeeAccount payee;
  npd::v1::PayoutStatus status = npd::v1::PAYOUT_STATUS_UNSPECIFIED;
  std::string payout_reference;
  std::string failure_text;
  // Later Pay calls with the key (answered from this record: duplicates prevented).
  int repeats = 0;
  // Of which with another refund, amount or payee (a bug in the caller).
  int conflicts = 0;
};

struct PaymentStats {
  uint64_t payouts = 0;               // distinct keys recorded
  uint64_t succeeded = 0;             // payouts SUCCEEDED (money moved)
  uint64_t failed_payee_invalid = 0;  // payouts refused, no money
  uint64_t pending = 0;               // payouts PENDING now
  int64_t total_paid_fen = 0;         // sum over SUCCEEDED payouts
  uint64_t duplicates_prevented = 0;  // Pay calls with a known key
  uint64_t key_conflicts = 0;         // of which with different contents
  uint64_t queries = 0;               // QueryPayout calls that reached the ledger
  uint64_t results_reported = 0;      // ReportPayoutResult callbacks handed over (copies count)
};

// Thread-safe. Faults apply before the ledger: an `error` leaves no trace.
class FakePayment final : public npd::ext::v1::PaymentService::Service {
 public:
  // Not owned, must outlive this.
  FakePayment(PaymentOptions options, FaultInjector* faults, NpdCallbacks* callbacks,
              DelayedTasks* tasks);

  // INVALID_ARGUMENT (nothing recorded) without key or refund_id, or amount_fen <= 0.
  grpc::Status Pay(grpc::ServerContext* context, const npd::ext::v1::PayRequest* request,
                   npd::ext::v1::PayResponse* response) override;
  grpc::Status QueryPayout(grpc::ServerContext* context,
                           const npd::ext::v1::QueryPayoutRequest* request,
                           npd::ext::v1::QueryPayoutResponse* response) override;

  // The channel decides the payout of `idempotency_key` itself, out of band and later (a payout it
  // had refused turns out paid, a PENDING one completes): its ledger says `status` from now on (a
  // SUCCEEDED counts as money moved, in violations() too) and, when `report`, npd is told
  // (ReportPayoutResult as `payment`, with a request_id of its own, even when report_results is
  // off). A PENDING payout set here no longer completes by itself. False for a key the channel does
  // not know.
  bool SetOutcome(const std::string& idempotency_key, npd::v1::PayoutStatus status, bool report);
  // The payout of a key, or nullopt.
  std::optional<PayoutRecord> Payout(const std::string& idempotency_key) const;
  // SUCCEEDED payouts of a refund, over all its keys.
  int SucceededPayouts(const std::string& refund_id) const;
  // Refunds with more than one SUCCEEDED payout (paid twice), in refund_id order. Must be empty.
  std::vector<std::string> violations() const;
  PaymentStats stats() const;
  FaultInjector& faults() { return *faults_; }

 private:
  struct Entry {
    PayoutRecord record;
    absl::Time final_at;        // when a PENDING payout becomes SUCCEEDED
    bool report_twice = false;  // the Pay's duplicate_callback, for a PENDING payout's report
  };

  // Makes a due PENDING payout SUCCEEDED; returns its report when one must be sent.
  std::optional<Callback> SettleIfDue(Entry& entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::optional<Callback> ReportOf(const PayoutRecord& record) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The report of `record` under `request_id`, whatever report_results says.
  static Callback MakeReport(const PayoutRecord& record, std::string request_id);
  // Adds (+1) or removes (-1) `record` from the counts of its status.
  void Count(const PayoutRecord& record, int sign) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CountSucceeded(const PayoutRecord& record) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Settles `key` if due and sends its report (the pending timer and lazy settlement).
  void SettleKey(const std::string& key);

  const PaymentOptions options_;
  FaultInjector* faults_;
  NpdCallbacks* callbacks_;
  DelayedTasks* tasks_;
  mutable absl::Mutex mu_;
  std::map<std::string, Entry> payouts_ ABSL_GUARDED_BY(mu_);  // by key
  std::map<std::string, int> succeeded_by_refund_ ABSL_GUARDED_BY(mu_);
  PaymentStats stats_ ABSL_GUARDED_BY(mu_);
  int outcomes_set_ ABSL_GUARDED_BY(mu_) = 0;  // SetOutcome calls, for their request ids
};

}  // namespace npd::fakes

#endif  // NPD_TESTS_FAKES_FAKE_PAYMENT_H_
