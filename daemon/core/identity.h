// Identity and authorisation-code hashing (domain.md section 9). npd never stores or logs a name, an ID
// number or a code: only HMAC-SHA256 digests keyed with the server secret.
#ifndef NPD_DAEMON_CORE_IDENTITY_H_
#define NPD_DAEMON_CORE_IDENTITY_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "npd/v1/common.pb.h"

namespace npd::core {

// OK when the identity is complete and plausible: a known id_type; a non-empty id_number of at most 32
// characters (resident and temporary cards: 18 characters, 17 digits then a digit or 'X', with a valid
// ISO 7064 MOD 11-2 check character); a non-empty name of at most 64 bytes. INVALID_ARGUMENT naming the
// field otherwise. The message never contains the values themselves.
absl::Status ValidateIdentity(const npd::v1::Identity& identity);

// The canonical text that is hashed: "<id_type number>|<ID NUMBER upper-cased, trimmed>|<name trimmed,
// inner runs of spaces folded to one>".
std::string NormaliseIdentity(const npd::v1::Identity& identity);

// OK when code is exactly 6 ASCII digits; INVALID_ARGUMENT otherwise.
absl::Status ValidateAuthCodeFormat(std::string_view code);

// Keyed hashing. Thread-safe (immutable after construction).
class IdentityHasher {
 public:
  // secret must be non-empty (config validation guarantees it).
  explicit IdentityHasher(std::string secret);

  // 32-byte HMAC-SHA256(secret, "identity:" + NormaliseIdentity(identity)).
  std::string HashIdentity(const npd::v1::Identity& identity) const;
  // 32-byte HMAC-SHA256(secret, "authcode:" + msisdn + ":" + code).
  std::string HashAuthCode(std::string_view msisdn, std::string_view code) const;

 private:
  std::string Hmac(std::string_view message) const;
  std::string secret_;
};

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_IDENTITY_H_
