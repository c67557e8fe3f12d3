// The audit's block summaries, computed exactly as proto/npd/v1/audit.proto specifies: a block is
// the first 7 digits of an msisdn; its count is the number of entries in it and its digest the XOR,
// over those entries, of the first 8 bytes (big-endian) of SHA-256("<msisdn>:<serving_carrier>").
#ifndef NPD_CLIENTS_CARRIER_SIM_BLOCK_DIGEST_H_
#define NPD_CLIENTS_CARRIER_SIM_BLOCK_DIGEST_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "clients/carrier_sim/local_np_db.h"
#include "clients/client/routing_digest.h"
#include "npd/v1/audit.pb.h"

namespace npd::carrier_sim {

// Digits of a block, and each entry's digest: clients/client/routing_digest.h (shared with npctl).
using client::AuditEntryDigest;
using client::kAuditBlockDigits;

// One block's entries and summary.
struct Block {
  uint64_t count = 0;
  uint64_t digest = 0;
  std::vector<LocalEntry> entries;
};

// Groups `entries` by block (msisdn prefix of kAuditBlockDigits; a shorter msisdn forms its own
// block), ascending. Pure.
std::map<std::string, Block> GroupByBlock(const std::vector<LocalEntry>& entries);

// The CompareBlocks summaries of `blocks`, ascending.
std::vector<npd::v1::BlockDigest> BlockDigests(const std::map<std::string, Block>& blocks);

}  // namespace npd::carrier_sim

#endif  // NPD_CLIENTS_CARRIER_SIM_BLOCK_DIGEST_H_
