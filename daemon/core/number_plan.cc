#include "daemon/core/number_plan.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "daemon/core/csv_table.h"
#include "daemon/core/string_view_compat.h"

namespace npd::core {
namespace {

constexpr char kCarriersDoc[] = "carriers.csv";
constexpr char kBlocksDoc[] = "number_blocks.csv";
constexpr char kLocalNetworksDoc[] = "local_networks.csv";
constexpr size_t kMsisdnLength = 11;
constexpr size_t kLocalBlockLength = 7;
constexpr size_t kMaxCarrierIdLength = 16;
constexpr size_t kMaxPrefixLength = 4;

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

// Lower-case letters and digits, starting with a letter.
bool IsCarrierIdSyntax(std::string_view id) {
  if (id.empty() || id.size() > kMaxCarrierIdLength || !absl::ascii_islower(id.front())) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_islower(static_cast<unsigned char>(c)) ||
           absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

bool ParseBlockKind(std::string_view text, BlockKind& kind) {
  if (text == "mobile") {
    kind = BlockKind::kMobile;
  } else if (text == "satellite") {
    kind = BlockKind::kSatellite;
  } else if (text == "resale") {
    kind = BlockKind::kResale;
  } else if (text == "iot") {
    kind = BlockKind::kIot;
  } else {
    return false;
  }
  return true;
}

// The entry of `blocks` whose key is the longest prefix of `digits`, or blocks.end().
template <typename BlockMap>
typename BlockMap::const_iterator FindBlock(const BlockMap& blocks, std::string_view digits) {
  for (size_t length = std::min(digits.size(), kMaxPrefixLength); length > 0; --length) {
    auto it = blocks.find(digits.substr(0, length));
    if (it != blocks.end()) return it;
  }
  return blocks.end();
}

bool IsAreaCode(std::string_view code) {
  return AllDigits(code) && code.size() >= 3 && code.size() <= 4 && code.front() == '0';
}

}  // namespace

absl::Status ValidateMsisdn(std::string_view msisdn) {
  if (msisdn.size() != kMsisdnLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("msisdn must be 11 digits, got ", msisdn.size()));
  }
  if (!AllDigits(msisdn)) return absl::InvalidArgumentError("msisdn must contain only digits");
  if (msisdn.front() != '1') return absl::InvalidArgumentError("msisdn must start with 1");
  return absl::OkStatus();
}

absl::StatusOr<NumberPlan> NumberPlan::Parse(std::string_view carriers_csv,
                                             std::string_view blocks_csv,
                                             std::string_view local_networks_csv) {
  NumberPlan plan;
  plan.source_ =
      Source{std::string(carriers_csv), std::string(blocks_csv), std::string(local_networks_csv)};

  auto carrier_rows = ParseCsv(kCarriersDoc, carriers_csv, {"id", "name", "short_code"});
  if (!carrier_rows.ok()) return carrier_rows.status();
  for (auto& row : *carrier_rows) {
    const std::string& id = row.fields[0];
    if (!IsCarrierIdSyntax(id)) {
      return CsvError(kCarriersDoc, row.line,
                      absl::StrCat("carrier id \"", id,
                                   "\" must be 1-16 lower-case letters and digits, starting with a "
                                   "letter"));
    }
    if (id == "operator" || id == "npd" || id == "payment" || id == "billing") {
      return CsvError(kCarriersDoc, row.line,
                      absl::StrCat("carrier id \"", id, "\" is reserved for a role"));
    }
    if (plan.IsCarrier(id)) {
      return CsvError(kCarriersDoc, row.line, absl::StrCat("duplicate carrier id \"", id, "\""));
    }
    if (row.fields[1].empty()) {
      return CsvError(kCarriersDoc, row.line, absl::StrCat("carrier \"", id, "\" has no name"));
    }
    const std::string& short_code = row.fields[2];
    if (!AllDigits(short_code) || short_code.size() < 3 || short_code.size() > 8) {
      return CsvError(kCarriersDoc, row.line,
                      absl::StrCat("short code \"", short_code, "\" must be 3-8 digits"));
    }
    plan.carriers_.push_back(
        CarrierInfo{std::move(row.fields[0]), std::move(row.fields[1]), std::move(row.fields[2])});
  }
  if (plan.carriers_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(kCarriersDoc, ": no carrier is listed"));
  }

  auto block_rows = ParseCsv(kBlocksDoc, blocks_csv, {"prefix", "carrier", "kind"});
  if (!block_rows.ok()) return block_rows.status();
  for (auto& row : *block_rows) {
    const std::string& prefix = row.fields[0];
    if (!AllDigits(prefix) || prefix.size() < 3 || prefix.size() > 4 || prefix.front() != '1') {
      return CsvError(
          kBlocksDoc, row.line,
          absl::StrCat("prefix \"", prefix, "\" must be 3 or 4 digits starting with 1"));
    }
    if (!plan.IsCarrier(row.fields[1])) {
      return CsvError(kBlocksDoc, row.line,
                      absl::StrCat("unknown carrier \"", row.fields[1], "\""));
    }
    Block block{std::move(row.fields[1]), BlockKind::kMobile};
    if (!ParseBlockKind(row.fields[2], block.kind)) {
      return CsvError(
          kBlocksDoc, row.line,
          absl::StrCat("kind \"", row.fields[2], "\" must be mobile, satellite, resale or iot"));
    }
    if (!plan.blocks_.emplace(prefix, std::move(block)).second) {
      return CsvError(kBlocksDoc, row.line, absl::StrCat("duplicate prefix ", prefix));
    }
  }

  auto network_rows =
      ParseCsv(kLocalNetworksDoc, local_networks_csv, {"block", "province", "city", "area_code"});
  if (!network_rows.ok()) return network_rows.status();
  for (auto& row : *network_rows) {
    const std::string& block = row.fields[0];
    if (!AllDigits(block) || block.size() != kLocalBlockLength || block.front() != '1') {
      return CsvError(kLocalNetworksDoc, row.line,
                      absl::StrCat("block \"", block, "\" must be 7 digits starting with 1"));
    }
    if (FindBlock(plan.blocks_, block) == plan.blocks_.end()) {
      return CsvError(kLocalNetworksDoc, row.line,
                      absl::StrCat("block ", block, " is not covered by number_blocks.csv"));
    }
    if (row.fields[1].empty() || row.fields[2].empty()) {
      return CsvError(kLocalNetworksDoc, row.line,
                      absl::StrCat("block ", block, " needs a province and a city"));
    }
    const std::string& area_code = row.fields[3];
    if (!IsAreaCode(area_code)) {
      return CsvError(
          kLocalNetworksDoc, row.line,
          absl::StrCat("area code \"", area_code, "\" must be 3 or 4 digits starting with 0"));
    }
    if (!plan.local_networks_.emplace(block, LocalNetwork{area_code, row.fields[1]}).second) {
      return CsvError(kLocalNetworksDoc, row.line, absl::StrCat("duplicate block ", block));
    }
    plan.area_codes_.insert(area_code);
    plan.provinces_.insert(row.fields[1]);
  }
  return plan;
}

std::vector<std::string> NumberPlan::CarrierIds() const {
  std::vector<std::string> ids;
  ids.reserve(carriers_.size());
  for (const auto& carrier : carriers_) ids.push_back(carrier.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

bool NumberPlan::IsCarrier(std::string_view id) const {
  return std::any_of(carriers_.begin(), carriers_.end(),
                     [id](const CarrierInfo& carrier) { return carrier.id == id; });
}

absl::StatusOr<NumberFacts> NumberPlan::Describe(std::string_view msisdn) const {
  if (absl::Status valid = ValidateMsisdn(msisdn); !valid.ok()) return valid;
  auto block = FindBlock(blocks_, msisdn);
  if (block == blocks_.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("number block ", AbslView(msisdn.substr(0, 3)), " is not in the number plan"));
  }
  NumberFacts facts;
  facts.msisdn = std::string(msisdn);
  facts.range_holder = block->second.carrier;
  facts.block = block->first;
  facts.kind = block->second.kind;
  facts.portable = block->second.kind == BlockKind::kMobile;
  if (auto it = local_networks_.find(msisdn.substr(0, kLocalBlockLength));
      it != local_networks_.end()) {
    facts.local_network = it->second.area_code;
    facts.province = it->second.province;
  }
  return facts;
}

bool NumberPlan::IsLocalNetwork(std::string_view area_code) const {
  return area_codes_.contains(area_code);
}

bool NumberPlan::IsProvince(std::string_view province) const {
  return provinces_.contains(province);
}

}  // namespace npd::core
