#include "daemon/core/identity.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "daemon/core/string_view_compat.h"

namespace npd::core {
namespace {

constexpr size_t kMaxIdNumberLength = 32;
constexpr size_t kMaxNameBytes = 64;
constexpr size_t kResidentIdLength = 18;
constexpr size_t kAuthCodeLength = 6;

bool IsDigit(char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }

// ISO 7064 MOD 11-2 check character of the first 17 digits of a resident identity card number
// (GB 11643-1999).
char ResidentCheckCharacter(std::string_view first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheck[sum % 11];
}

absl::Status ValidateResidentNumber(std::string_view number) {
  if (number.size() != kResidentIdLength) {
    return absl::InvalidArgumentError(
        "id_number of a resident or temporary identity card must be 18 characters");
  }
  const std::string_view first17 = number.substr(0, 17);
  const char last = number[17];
  if (!std::all_of(first17.begin(), first17.end(), IsDigit) || !(IsDigit(last) || last == 'X')) {
    return absl::InvalidArgumentError(
        "id_number of a resident or temporary identity card must be 17 digits followed by a digit "
        "or X");
  }
  if (ResidentCheckCharacter(first17) != last) {
    return absl::InvalidArgumentError("id_number has a wrong check character");
  }
  return absl::OkStatus();
}

std::string NormalisedIdNumber(std::string_view id_number) {
  return absl::AsciiStrToUpper(absl::StripAsciiWhitespace(AbslView(id_number)));
}

// Trimmed, with every inner run of ASCII whitespace folded to one space.
std::string NormalisedName(std::string_view name) {
  std::string out;
  bool in_space = false;
  for (char c : absl::StripAsciiWhitespace(AbslView(name))) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      in_space = true;
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

absl::Status ValidateIdentity(const npd::v1::Identity& identity) {
  if (identity.id_type() == npd::v1::ID_TYPE_UNSPECIFIED ||
      !npd::v1::IdType_IsValid(identity.id_type())) {
    return absl::InvalidArgumentError("id_type must be a known identity document type");
  }
  const std::string id_number = NormalisedIdNumber(identity.id_number());
  if (id_number.empty()) return absl::InvalidArgumentError("id_number is required");
  if (id_number.size() > kMaxIdNumberLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("id_number must be at most ", kMaxIdNumberLength, " characters"));
  }
  if (identity.id_type() == npd::v1::ID_TYPE_RESIDENT ||
      identity.id_type() == npd::v1::ID_TYPE_TEMPORARY) {
    if (absl::Status s = ValidateResidentNumber(id_number); !s.ok()) return s;
  }
  const std::string name = NormalisedName(identity.name());
  if (name.empty()) return absl::InvalidArgumentError("name is required");
  if (name.size() > kMaxNameBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("name must be at most ", kMaxNameBytes, " bytes"));
  }
  return absl::OkStatus();
}

std::string NormaliseIdentity(const npd::v1::Identity& identity) {
  return absl::StrCat(static_cast<int>(identity.id_type()), "|",
                      NormalisedIdNumber(identity.id_number()), "|",
                      NormalisedName(identity.name()));
}

absl::Status ValidateAuthCodeFormat(std::string_view code) {
  if (code.size() != kAuthCodeLength || !std::all_of(code.begin(), code.end(), IsDigit)) {
    return absl::InvalidArgumentError("authorisation code must be exactly 6 digits");
  }
  return absl::OkStatus();
}

IdentityHasher::IdentityHasher(std::string secret) : secret_(std::move(secret)) {}

std::string IdentityHasher::HashIdentity(const npd::v1::Identity& identity) const {
  return Hmac(absl::StrCat("identity:", NormaliseIdentity(identity)));
}

std::string IdentityHasher::HashAuthCode(std::string_view msisdn, std::string_view code) const {
  return Hmac(absl::StrCat("authcode:", AbslView(msisdn), ":", AbslView(code)));
}

std::string IdentityHasher::Hmac(std::string_view message) const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // HMAC-SHA256 over in-memory buffers fails only when the library cannot allocate; an empty digest
  // then never equals a stored hash.
  if (HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
           &length) == nullptr) {
    return std::string();
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace npd::core
