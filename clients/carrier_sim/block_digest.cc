#include "clients/carrier_sim/block_digest.h"

#include <openssl/evp.h>

#include <string>

namespace npd::carrier_sim {

uint64_t EntryDigest(std::string_view msisdn, std::string_view serving_carrier) {
  std::string text;
  text.reserve(msisdn.size() + 1 + serving_carrier.size());
  text.append(msisdn).append(":").append(serving_carrier);
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // EVP_Digest with SHA-256 cannot fail short of memory exhaustion; a zeroed hash would then only
  // show up as an audit mismatch, never as a wrong "clean".
  if (EVP_Digest(text.data(), text.size(), hash, &length, EVP_sha256(), nullptr) != 1) return 0;
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | hash[i];
  return value;
}

std::map<std::string, Block> GroupByBlock(const std::vector<LocalEntry>& entries) {
  std::map<std::string, Block> blocks;
  for (const LocalEntry& entry : entries) {
    Block& block = blocks[entry.msisdn.substr(0, kBlockDigits)];
    ++block.count;
    block.digest ^= EntryDigest(entry.msisdn, entry.serving_carrier);
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
