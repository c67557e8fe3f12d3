// The national number plan as npd needs it: the carrier set, which carrier holds each number block
// and whether the block is portable, and the local network (area code) of each 7-digit block.
//
// All of it is data (see data/README.md for the CSV formats), parsed from text so that core stays
// free of I/O: the daemon reads the files and hands their contents to NumberPlan::Parse.
#ifndef NPD_DAEMON_CORE_NUMBER_PLAN_H_
#define NPD_DAEMON_CORE_NUMBER_PLAN_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace npd::core {

// A carrier that takes part in number portability. The id is what callers authenticate as ("cmcc").
struct CarrierInfo {
  std::string id;          // lower-case ascii, e.g. "cmcc"
  std::string name;        // e.g. "China Mobile"
  std::string short_code;  // customer service short code, e.g. "10086"
};

// What a number block is used for. Only kMobile blocks are portable.
enum class BlockKind { kMobile, kSatellite, kResale, kIot };

// Everything the plan says about one number.
struct NumberFacts {
  std::string msisdn;
  std::string range_holder;  // carrier id holding the block
  std::string block;         // the matching prefix (3 or 4 digits)
  BlockKind kind = BlockKind::kMobile;
  bool portable = true;  // kind == kMobile
  std::string
      local_network;     // area code of the 7-digit block, empty when the plan does not list it
  std::string province;  // province of that block ("Beijing"), empty likewise
};

// Returns OK when msisdn is an 11-digit mainland mobile number: digits only, starting with '1'.
// INVALID_ARGUMENT with a message naming the problem otherwise.
absl::Status ValidateMsisdn(std::string_view msisdn);

// Immutable after Parse; safe to share between threads.
class NumberPlan {
 public:
  // Parses the three CSV documents (formats in data/README.md; '#' starts a comment line, the first
  // non-comment line is a header). Fails with INVALID_ARGUMENT naming the document and line when a
  // row is malformed, a block names an unknown carrier, a prefix or 7-digit block is duplicated, or
  // a 7-digit block is covered by no number block; naming the document when its header is missing
  // or it lists no carrier.
  static absl::StatusOr<NumberPlan> Parse(std::string_view carriers_csv,
                                          std::string_view blocks_csv,
                                          std::string_view local_networks_csv);

  // The three documents Parse was given, verbatim (the journal records them so that offline
  // replay uses the plan that was in force).
  struct Source {
    std::string carriers_csv;
    std::string blocks_csv;
    std::string local_networks_csv;
  };
  const Source& source() const { return source_; }

  // Carriers in the order of the carriers document.
  const std::vector<CarrierInfo>& carriers() const { return carriers_; }
  // Carrier ids, sorted.
  std::vector<std::string> CarrierIds() const;
  bool IsCarrier(std::string_view id) const;

  // Facts of one number using the longest matching block prefix. INVALID_ARGUMENT when the number
  // is malformed (ValidateMsisdn) or no block covers it ("number block 1xx is not in the number
  // plan").
  absl::StatusOr<NumberFacts> Describe(std::string_view msisdn) const;

  // True when some 7-digit block of the plan has this local network (area code).
  bool IsLocalNetwork(std::string_view area_code) const;
  // True when some 7-digit block of the plan is in this province (as written in the plan).
  bool IsProvince(std::string_view province) const;

 private:
  struct Block {
    std::string carrier;
    BlockKind kind;
  };
  Source source_;
  std::vector<CarrierInfo> carriers_;
  std::map<std::string, Block, std::less<>> blocks_;  // prefix -> block
  struct LocalNetwork {
    std::string area_code;
    std::string province;
  };
  std::map<std::string, LocalNetwork, std::less<>> local_networks_;  // 7-digit prefix -> network
  std::set<std::string, std::less<>> area_codes_;  // area codes of local_networks_
  std::set<std::string, std::less<>> provinces_;   // provinces of local_networks_
};

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_NUMBER_PLAN_H_
