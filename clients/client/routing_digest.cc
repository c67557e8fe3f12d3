#include "clients/client/routing_digest.h"

#include <openssl/evp.h>

#include <string>

namespace npd::client {

uint64_t AuditEntryDigest(std::string_view msisdn, std::string_view serving_carrier) {
  std::string text(msisdn);
  text.push_back(':');
  text.append(serving_carrier);
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), hash, &length, EVP_sha256(), nullptr);
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | hash[i];
  return value;
}

}  // namespace npd::client
