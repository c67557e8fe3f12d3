// The inter-province settlement ledger (npd/ext/v1/settlement.proto): one entry per entry_key; a
// repeated key returns that entry with duplicate = true.
#ifndef NPD_TESTS_FAKES_FAKE_SETTLEMENT_H_
#define NPD_TESTS_FAKES_FAKE_SETTLEMENT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "npd/ext/v1/settlement.grpc.pb.h"
#include "tests/fakes/fault_injector.h"

namespace npd::fakes {

// One posted entry, as first posted.
struct SettlementEntry {
  std::string entry_id;
  npd::ext::v1::PostEntryRequest request;
  // Later posts of the key (answered duplicate = true).
  int repeats = 0;
  // Of which with different contents (a bug in the caller).
  int conflicts = 0;
};

struct SettlementStats {
  uint64_t entries = 0;
  int64_t total_fen = 0;
  uint64_t duplicates = 0;  // posts of a known key
  uint64_t conflicts = 0;
};

// Thread-safe. Faults apply before the ledger: an `error` leaves no trace.
class FakeSettlement final : public npd::ext::v1::SettlementService::Service {
 public:
  // `faults` is not owned and must outlive this.
  explicit FakeSettlement(FaultInjector* faults);

  // INVALID_ARGUMENT (nothing recorded) without entry_key or refund_id, or amount_fen <= 0.
  grpc::Status PostEntry(grpc::ServerContext* context,
                         const npd::ext::v1::PostEntryRequest* request,
                         npd::ext::v1::PostEntryResponse* response) override;

  std::optional<SettlementEntry> Entry(const std::string& entry_key) const;
  // Entries (distinct keys) posted for a refund; more than one is a violation.
  int EntriesFor(const std::string& refund_id) const;
  SettlementStats stats() const;
  FaultInjector& faults() { return *faults_; }

 private:
  FaultInjector* faults_;
  mutable absl::Mutex mu_;
  std::map<std::string, SettlementEntry> entries_ ABSL_GUARDED_BY(mu_);  // by entry_key
  std::map<std::string, int> entries_by_refund_ ABSL_GUARDED_BY(mu_);
  SettlementStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace npd::fakes

#endif  // NPD_TESTS_FAKES_FAKE_SETTLEMENT_H_
