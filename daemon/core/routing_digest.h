// The audit's arithmetic (npd/v1/audit.proto): block summaries of routing entries and the
// comparison of npd's entries with a carrier's. Pure: no I/O, no clock. Used by the AuditService;
// clients implement the digest from audit.proto themselves (npctl:
// clients/client/routing_digest.h).
//
// An entry is one number whose serving carrier differs from its range holder. Its block is the
// first 7 digits of the msisdn. A block's summary is (count, digest) where digest is the XOR over
// its entries of EntryDigest(msisdn, serving_carrier).
#ifndef NPD_DAEMON_CORE_ROUTING_DIGEST_H_
#define NPD_DAEMON_CORE_ROUTING_DIGEST_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "npd/v1/audit.pb.h"
#include "npd/v1/common.pb.h"

namespace npd::core {

inline constexpr size_t kBlockDigits = 7;

// The first 8 bytes, read big-endian, of SHA-256(msisdn ":" serving_carrier).
uint64_t EntryDigest(std::string_view msisdn, std::string_view serving_carrier);

// The block of a number: its first 7 characters (all of it when shorter).
std::string_view BlockOf(std::string_view msisdn);

// Count and XOR digest of one block's entries. Adding the same entry twice cancels its digest, so
// callers reject duplicates first.
struct BlockSummary {
  uint64_t count = 0;
  uint64_t digest = 0;
  void Add(std::string_view msisdn, std::string_view serving_carrier) {
    ++count;
    digest ^= EntryDigest(msisdn, serving_carrier);
  }
  bool operator==(const BlockSummary&) const = default;
};

// Summaries by block, ascending.
using BlockSummaries = std::map<std::string, BlockSummary, std::less<>>;

// OK for 0 to 7 digits; INVALID_ARGUMENT naming `field` otherwise.
absl::Status ValidateScopePrefix(std::string_view prefix, std::string_view field);
// OK for exactly 7 digits starting with '1'; INVALID_ARGUMENT naming `field` otherwise.
absl::Status ValidateBlock(std::string_view block, std::string_view field);

// Blocks whose summaries differ between npd and the carrier, ascending; a block missing on one side
// counts as empty there. `compared` gets the number of blocks non-empty on either side.
std::vector<npd::v1::BlockMismatch> CompareSummaries(const BlockSummaries& npd,
                                                     const BlockSummaries& carrier,
                                                     uint64_t& compared);

// The range holder of a number, for entries only the carrier holds.
using RangeHolderOf = std::function<absl::StatusOr<std::string>(std::string_view msisdn)>;

// Numbers whose routing differs between npd's entries and the carrier's (both of one block, each
// without duplicate msisdns; any order), ascending by msisdn. For a number only the carrier holds,
// `correct` serves from the range holder (the carrier should delete its entry). Errors only from
// `range_holder_of`.
absl::StatusOr<std::vector<npd::v1::RoutingDifference>> DiffEntries(
    const std::vector<npd::v1::RoutingEntry>& npd_entries,
    const std::vector<npd::v1::RoutingEntry>& carrier_entries,
    const RangeHolderOf& range_holder_of);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_ROUTING_DIGEST_H_
