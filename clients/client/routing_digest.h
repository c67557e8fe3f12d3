// The audit digest as audit.proto defines it, computed on the carrier's side (npctl audit). npd
// computes the same in daemon/core/routing_digest.h; clients implement the API, not npd's code.
#ifndef NPD_CLIENTS_CLIENT_ROUTING_DIGEST_H_
#define NPD_CLIENTS_CLIENT_ROUTING_DIGEST_H_

#include <cstdint>
#include <string_view>

namespace npd::client {

// A block is the first 7 digits of a number.
inline constexpr size_t kAuditBlockDigits = 7;

// The first 8 bytes, read big-endian, of SHA-256(msisdn ":" serving_carrier). A block's digest is
// the XOR of its entries' digests. Thread-safe.
uint64_t AuditEntryDigest(std::string_view msisdn, std::string_view serving_carrier);

}  // namespace npd::client

#endif  // NPD_CLIENTS_CLIENT_ROUTING_DIGEST_H_
