// The numbers the soak ports and what it intends for each one's refund: drawn from the 7-digit
// blocks of the shipped plan (data/local_networks.csv, every province and carrier), each with its
// donor (the range holder), a recipient of another carrier, and a claim plan.
#ifndef NPD_TESTS_REFUND_SOAK_SOAK_NUMBERS_H_
#define NPD_TESTS_REFUND_SOAK_SOAK_NUMBERS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace npd::refund_soak {

// What the claim driver does once the number's case is in AWAIT_CLAIM.
enum class ClaimPlan {
  kUnclaimed,           // nothing: the case stays AWAIT_CLAIM (unclaimed by design), ~10%
  kDirect,              // one claim with a valid bank card, ~83%
  kInvalidPayeeFirst,   // a wallet the payment channel refuses (F06), then a valid card, ~5%
  kWrongIdentityFirst,  // another person's identity (refused F05), then the holder's, ~2%
};

const char* ClaimPlanName(ClaimPlan plan);

struct SoakNumber {
  std::string msisdn;
  std::string donor;          // range holder of the block: the donor of its first port
  std::string recipient;      // another carrier
  std::string local_network;  // area code of the block
  std::string province;       // home province of the case
  ClaimPlan claim_plan = ClaimPlan::kDirect;
};

// Immutable after Draw; safe to share between threads.
class SoakNumbers {
 public:
  // `count` distinct numbers from the plan in `plan_dir`, shuffled by `seed`. INVALID_ARGUMENT when
  // the plan cannot be read or holds fewer numbers than `count`.
  static absl::StatusOr<SoakNumbers> Draw(const std::string& plan_dir, int count, uint64_t seed);

  const std::vector<SoakNumber>& all() const { return numbers_; }
  // The number's entry; nullptr for a number not drawn.
  const SoakNumber* Find(const std::string& msisdn) const;
  // The donor of `msisdn` (for the fake billing's pushes); "cmcc" for a number not drawn.
  std::string DonorOf(const std::string& msisdn) const;
  // Every province of the plan, sorted (claims are made in any of them).
  const std::vector<std::string>& provinces() const { return provinces_; }

 private:
  std::vector<SoakNumber> numbers_;
  std::map<std::string, size_t> index_;  // msisdn -> position in numbers_
  std::vector<std::string> provinces_;
};

}  // namespace npd::refund_soak

#endif  // NPD_TESTS_REFUND_SOAK_SOAK_NUMBERS_H_
