#include "clients/carrier_sim/block_digest.h"

#include <string>

#include "clients/client/routing_digest.h"

namespace npd::carrier_sim {

std::map<std::string, Block> GroupByBlock(const std::vector<LocalEntry>& entries) {
  std::map<std::string, Block> blocks;
  for (const LocalEntry& entry : entries) {
    Block& block = blocks[entry.msisdn.substr(0, client::kAuditBlockDigits)];
    ++block.count;
    block.digest ^= client::AuditEntryDigest(entry.msisdn, entry.serving_carrier);
    block.entries.push_back(entry);
  }
  return blocks;
}

std::vector<npd::v1::BlockDigest> BlockDigests(const std::map<std::string, Block>& blocks) {
  std::vector<npd::v1::BlockDigest> digests;
  digests.reserve(blocks.size());
  for (const auto& [name, block] : blocks) {
    npd::v1::BlockDigest& digest = digests.emplace_back();
    digest.set_block(name);
    digest.set_count(block.count);
    digest.set_digest(block.digest);
  }
  return digests;
}

}  // namespace npd::carrier_sim
