#include "tests/refund_soak/soak_numbers.h"

#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "tests/support/plan_files.h"

namespace npd::refund_soak {
namespace {

struct Block {
  std::string prefix;  // 7 digits
  std::string holder;
  std::string province;
  std::string area_code;
};

// The 7-digit blocks of local_networks.csv (block,province,city,area_code) with their holders.
std::vector<Block> ReadBlocks(const std::string& plan_dir, const core::NumberPlan& plan) {
  std::vector<Block> blocks;
  std::istringstream in(npd::testing::ReadText(plan_dir + "/local_networks.csv"));
  bool header_seen = false;
  for (std::string line; std::getline(in, line);) {
    const absl::string_view row = absl::StripAsciiWhitespace(line);
    if (row.empty() || row.front() == '#') continue;
    if (!header_seen) {
      header_seen = true;
      continue;
    }
    std::vector<std::string> fields = absl::StrSplit(row, ',');
    if (fields.size() != 4) throw std::runtime_error("local_networks.csv: bad row " + line);
    for (std::string& f : fields) f = std::string(absl::StripAsciiWhitespace(f));
    auto facts = plan.Describe(fields[0] + "0000");
    if (!facts.ok()) throw std::runtime_error(std::string(facts.status().message()));
    if (!facts->portable) continue;
    blocks.push_back({fields[0], facts->range_holder, fields[1], fields[3]});
  }
  return blocks;
}

ClaimPlan DrawClaimPlan(std::mt19937_64& rng) {
  const double r = std::uniform_real_distribution<double>(0, 1)(rng);
  if (r < 0.10) return ClaimPlan::kUnclaimed;
  if (r < 0.15) return ClaimPlan::kInvalidPayeeFirst;
  if (r < 0.17) return ClaimPlan::kWrongIdentityFirst;
  return ClaimPlan::kDirect;
}

}  // namespace

const char* ClaimPlanName(ClaimPlan plan) {
  switch (plan) {
    case ClaimPlan::kUnclaimed:
      return "unclaimed";
    case ClaimPlan::kDirect:
      return "direct";
    case ClaimPlan::kInvalidPayeeFirst:
      return "invalid-payee-first";
    case ClaimPlan::kWrongIdentityFirst:
      return "wrong-identity-first";
  }
  return "?";
}

absl::StatusOr<SoakNumbers> SoakNumbers::Draw(const std::string& plan_dir, int count,
                                              uint64_t seed) {
  SoakNumbers out;
  std::vector<Block> blocks;
  std::vector<std::string> carriers;
  try {
    const core::NumberPlan plan = npd::testing::ShippedPlan(plan_dir);
    blocks = ReadBlocks(plan_dir, plan);
    carriers = plan.CarrierIds();
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(e.what());
  }
  if (blocks.empty() || carriers.size() < 2 ||
      static_cast<size_t>(count) > blocks.size() * 10000 / 2) {
    return absl::InvalidArgumentError(
        absl::StrFormat("the plan in %s has too few numbers or carriers for %d", plan_dir, count));
  }
  std::set<std::string> provinces;
  for (const Block& b : blocks) provinces.insert(b.province);
  out.provinces_.assign(provinces.begin(), provinces.end());

  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> pick_block(0, blocks.size() - 1);
  std::uniform_int_distribution<int> pick_suffix(0, 9999);
  std::uniform_int_distribution<size_t> pick_carrier(0, carriers.size() - 1);
  while (out.numbers_.size() < static_cast<size_t>(count)) {
    const Block& block = blocks[pick_block(rng)];
    std::string msisdn = absl::StrFormat("%s%04d", block.prefix, pick_suffix(rng));
    if (out.index_.count(msisdn) > 0) continue;
    SoakNumber number{msisdn, block.holder, "", block.area_code, block.province};
    do {
      number.recipient = carriers[pick_carrier(rng)];
    } while (number.recipient == block.holder);
    number.claim_plan = DrawClaimPlan(rng);
    out.index_.emplace(msisdn, out.numbers_.size());
    out.numbers_.push_back(std::move(number));
  }
  return out;
}

const SoakNumber* SoakNumbers::Find(const std::string& msisdn) const {
  auto it = index_.find(msisdn);
  return it == index_.end() ? nullptr : &numbers_[it->second];
}

std::string SoakNumbers::DonorOf(const std::string& msisdn) const {
  const SoakNumber* number = Find(msisdn);
  return number == nullptr ? "cmcc" : number->donor;
}

}  // namespace npd::refund_soak
