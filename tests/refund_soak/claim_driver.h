// The soak's claims: in passes, lists the cases in AWAIT_CLAIM (as the operator) and acts on each
// as its number's ClaimPlan says, as the donor, from a random province of the plan and with the
// account holder's identity used at the port. Wrong-identity claims must be refused (F05); a wallet
// the payment channel refuses must bring the case back to AWAIT_CLAIM with F06, after which the
// holder claims again with a valid bank card. Every claim's request_id is fixed
// ("soak-<refund_id>-claim-<n>"), so a claim repeated after a kill replays npd's stored answer.
#ifndef NPD_TESTS_REFUND_SOAK_CLAIM_DRIVER_H_
#define NPD_TESTS_REFUND_SOAK_CLAIM_DRIVER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "npd/v1/refund.pb.h"
#include "tests/refund_soak/npd_calls.h"
#include "tests/refund_soak/soak_numbers.h"

namespace npd::refund_soak {

// What the driver did to one case.
struct ClaimRecord {
  bool invalid_payee_accepted = false;  // the refused-wallet claim was accepted by npd
  bool f06_seen = false;                // the case came back to AWAIT_CLAIM with F06
  bool f05_refused = false;             // the wrong identity was refused with F05
  bool claimed = false;                 // a claim with a valid card was accepted
  bool done = false;                    // the driver will not claim again (claimed or an error)
  bool anomaly_reported = false;        // listed in AWAIT_CLAIM again once done (reported once)
  int64_t refundable_fen = 0;           // the case's amount when that claim was accepted
};

struct ClaimStats {
  int64_t claimed = 0;             // cases with an accepted valid claim
  int64_t claimed_fen = 0;         // sum of their refundable_fen
  int64_t f05_refusals = 0;        // wrong-identity claims refused F05
  int64_t invalid_payee_sent = 0;  // refused-wallet claims accepted by npd
  int64_t f06_returns = 0;         // of which seen back in AWAIT_CLAIM with F06
  int64_t passes = 0;              // listing passes made
  int64_t retries = 0;             // calls repeated because npd was down
};

class ClaimDriver {
 public:
  // `numbers` outlives this. `clients` threads send a pass's claims in parallel.
  ClaimDriver(const std::string& address, const SoakNumbers& numbers, int clients, uint64_t seed);
  ~ClaimDriver();  // Stop()

  void Start();
  // Stops after the current pass and joins. Idempotent.
  void Stop();

  ClaimStats stats() const;
  // By refund_id, every case the driver acted on.
  std::map<std::string, ClaimRecord> records() const;
  // Answers a valid claim must not get (refused, wrong identity accepted, ...), one line each.
  std::vector<std::string> errors() const;

 private:
  void Loop();
  // Acts on one case in AWAIT_CLAIM; `rng_seed` makes the card and province.
  void Act(const npd::v1::Refund& refund, uint64_t rng_seed);
  // Sends one claim until npd answers; false once stopping.
  bool Send(const npd::v1::Refund& refund, const std::string& request_id,
            const npd::v1::Identity& claimant, const npd::v1::PayeeAccount& payee,
            uint64_t rng_seed, npd::v1::ClaimRefundResponse* response);
  void Error(std::string line);

  RefundCalls calls_;
  const SoakNumbers& numbers_;
  const int clients_;
  const uint64_t seed_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> retries_{0};
  mutable absl::Mutex mu_;
  std::map<std::string, ClaimRecord> records_ ABSL_GUARDED_BY(mu_);
  ClaimStats stats_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> errors_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// A 16-19 digit UnionPay-style card number ("62...") with a valid Luhn check digit.
std::string LuhnCard(uint64_t seed);

}  // namespace npd::refund_soak

#endif  // NPD_TESTS_REFUND_SOAK_CLAIM_DRIVER_H_
