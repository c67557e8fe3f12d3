#include "daemon/core/routing_digest.h"

#include <openssl/evp.h>

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "daemon/core/string_view_compat.h"

namespace npd::core {
namespace {

bool AllDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return absl::ascii_isdigit(c); });
}

}  // namespace

uint64_t EntryDigest(std::string_view msisdn, std::string_view serving_carrier) {
  std::string text;
  text.reserve(msisdn.size() + 1 + serving_carrier.size());
  text.append(msisdn);
  text.push_back(':');
  text.append(serving_carrier);
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), hash, &length, EVP_sha256(), nullptr);
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | hash[i];
  return value;
}

std::string_view BlockOf(std::string_view msisdn) { return msisdn.substr(0, kBlockDigits); }

absl::Status ValidateScopePrefix(std::string_view prefix, std::string_view field) {
  if (prefix.size() > kBlockDigits || !AllDigits(prefix)) {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(field), " must be 0 to 7 digits, got '", AbslView(prefix), "'"));
  }
  return absl::OkStatus();
}

absl::Status ValidateBlock(std::string_view block, std::string_view field) {
  if (block.size() != kBlockDigits || !AllDigits(block) || block[0] != '1') {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(field),
                     " must be 7 digits starting with 1 (the first 7 digits of a number), got '",
                     AbslView(block), "'"));
  }
  return absl::OkStatus();
}

std::vector<npd::v1::BlockMismatch> CompareSummaries(const BlockSummaries& npd,
                                                     const BlockSummaries& carrier,
                                                     uint64_t& compared) {
  std::set<std::string_view> blocks;
  for (const auto& [block, summary] : npd) {
    if (summary.count > 0) blocks.insert(block);
  }
  for (const auto& [block, summary] : carrier) {
    if (summary.count > 0) blocks.insert(block);
  }
  compared = blocks.size();
  std::vector<npd::v1::BlockMismatch> mismatches;
  for (std::string_view block : blocks) {
    auto n = npd.find(block);
    auto c = carrier.find(block);
    const BlockSummary ours = n == npd.end() ? BlockSummary() : n->second;
    const BlockSummary theirs = c == carrier.end() ? BlockSummary() : c->second;
    if (ours == theirs) continue;
    auto& mismatch = mismatches.emplace_back();
    mismatch.set_block(std::string(block));
    mismatch.set_npd_count(ours.count);
    mismatch.set_npd_digest(ours.digest);
    mismatch.set_carrier_count(theirs.count);
  }
  return mismatches;
}

absl::StatusOr<std::vector<npd::v1::RoutingDifference>> DiffEntries(
    const std::vector<npd::v1::RoutingEntry>& npd_entries,
    const std::vector<npd::v1::RoutingEntry>& carrier_entries,
    const RangeHolderOf& range_holder_of) {
  std::map<std::string_view, const npd::v1::RoutingEntry*> ours;
  std::map<std::string_view, const npd::v1::RoutingEntry*> theirs;
  for (const auto& e : npd_entries) ours[e.msisdn()] = &e;
  for (const auto& e : carrier_entries) theirs[e.msisdn()] = &e;
  std::set<std::string_view> numbers;
  for (const auto& [m, _] : ours) numbers.insert(m);
  for (const auto& [m, _] : theirs) numbers.insert(m);

  std::vector<npd::v1::RoutingDifference> differences;
  for (std::string_view msisdn : numbers) {
    auto n = ours.find(msisdn);
    auto c = theirs.find(msisdn);
    const std::string carrier_serving = c == theirs.end() ? "" : c->second->serving_carrier();
    if (n != ours.end() && n->second->serving_carrier() == carrier_serving) continue;
    npd::v1::RoutingDifference difference;
    difference.set_msisdn(std::string(msisdn));
    difference.set_carrier_serving(carrier_serving);
    if (n != ours.end()) {
      *difference.mutable_correct() = *n->second;
    } else {
      auto holder = range_holder_of(msisdn);
      if (!holder.ok()) return holder.status();
      auto& correct = *difference.mutable_correct();
      correct.set_msisdn(std::string(msisdn));
      correct.set_serving_carrier(*holder);
      correct.set_range_holder(*holder);
    }
    differences.push_back(std::move(difference));
  }
  return differences;
}

}  // namespace npd::core
