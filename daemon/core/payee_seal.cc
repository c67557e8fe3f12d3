#include "daemon/core/payee_seal.h"

#include <openssl/evp.h>

#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "daemon/core/string_view_compat.h"

namespace npd::core {
namespace {

constexpr size_t kTagBytes = 16;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// nonce || AES-256-GCM(key, nonce, aad, plain) || tag.
std::string Encrypt(std::string_view key, std::string_view nonce, std::string_view aad,
                    std::string_view plain) {
  CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string out(nonce);
  out.resize(nonce.size() + plain.size() + kTagBytes);
  auto* cipher = reinterpret_cast<unsigned char*>(out.data() + nonce.size());
  int length = 0;
  const bool ok =
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) == 1 &&
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr,
                         reinterpret_cast<const unsigned char*>(key.data()),
                         reinterpret_cast<const unsigned char*>(nonce.data())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &length,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), cipher, &length,
                        reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), cipher + length, &length) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, cipher + plain.size()) == 1;
  return ok ? out : std::string();
}

absl::StatusOr<std::string> Decrypt(std::string_view key, std::string_view sealed,
                                    std::string_view aad) {
  if (key.size() != kPayeeKeyBytes || sealed.size() < kPayeeNonceBytes + kTagBytes) {
    return absl::DataLossError("sealed payee data is malformed");
  }
  const std::string_view nonce = sealed.substr(0, kPayeeNonceBytes);
  const std::string_view cipher =
      sealed.substr(kPayeeNonceBytes, sealed.size() - kPayeeNonceBytes - kTagBytes);
  std::string tag(sealed.substr(sealed.size() - kTagBytes));
  CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string plain(cipher.size(), '\0');
  int length = 0;
  const bool ok =
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kPayeeNonceBytes, nullptr) == 1 &&
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr,
                         reinterpret_cast<const unsigned char*>(key.data()),
                         reinterpret_cast<const unsigned char*>(nonce.data())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &length,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &length,
                        reinterpret_cast<const unsigned char*>(cipher.data()),
                        static_cast<int>(cipher.size())) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + length,
                          &length) == 1;
  if (!ok) return absl::DataLossError("sealed payee data does not open with this key and case");
  return plain;
}

bool IsKeyId(absl::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<PayeeKeyRing> PayeeKeyRing::Parse(std::string_view text) {
  PayeeKeyRing ring;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(AbslView(text), '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<absl::string_view> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
    const auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("payee key file, line ", line_number, ": ",
                                                     why, " (expected \"<id> <64 hex digits>\")"));
    };
    if (parts.size() != 2) return bad("not two fields");
    if (!IsKeyId(parts[0])) return bad("the id is not 1-32 of [A-Za-z0-9._-]");
    if (parts[1].size() != 2 * kPayeeKeyBytes ||
        !std::all_of(parts[1].begin(), parts[1].end(),
                     [](char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)); })) {
      return bad("the key is not 64 hex digits");
    }
    const std::string id(parts[0]);
    if (ring.keys_.contains(id)) return bad(absl::StrCat("key id ", id, " appears twice"));
    ring.keys_[id] = absl::HexStringToBytes(parts[1]);
    ring.current_ = id;
  }
  if (ring.current_.empty()) return absl::InvalidArgumentError("payee key file holds no key");
  return ring;
}

const std::string* PayeeKeyRing::Find(const std::string& id) const {
  auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : &it->second;
}

std::string PayeeLast4(std::string_view account) {
  return std::string(account.size() <= 4 ? account : account.substr(account.size() - 4));
}

void ErasePayee(npd::store::v1::RefundRecord& record) {
  record.clear_sealed_payee();
  record.clear_payee_data_key();
}

std::string PayeeAssociatedData(std::string_view refund_id, int generation) {
  return absl::StrCat("npd-payee:", AbslView(refund_id), ":", generation);
}

std::string SealPayee(const npd::v1::PayeeAccount& payee, std::string_view data_key,
                      std::string_view nonce, std::string_view associated_data) {
  return Encrypt(data_key, nonce, associated_data, payee.SerializeAsString());
}

absl::StatusOr<npd::v1::PayeeAccount> OpenPayee(std::string_view sealed, std::string_view data_key,
                                                std::string_view associated_data) {
  auto plain = Decrypt(data_key, sealed, associated_data);
  if (!plain.ok()) return plain.status();
  npd::v1::PayeeAccount payee;
  if (!payee.ParseFromString(*plain)) return absl::DataLossError("sealed payee does not parse");
  return payee;
}

std::string WrapDataKey(const PayeeKeyRing& ring, std::string_view data_key, std::string_view nonce,
                        std::string_view associated_data) {
  return absl::StrCat(ring.current_id(), ":",
                      Encrypt(*ring.Find(ring.current_id()), nonce,
                              absl::StrCat(AbslView(associated_data), ":data-key"), data_key));
}

absl::StatusOr<std::string> UnwrapDataKey(const PayeeKeyRing& ring, std::string_view wrapped,
                                          std::string_view associated_data) {
  const size_t colon = wrapped.find(':');
  if (colon == std::string_view::npos) return absl::DataLossError("wrapped data key is malformed");
  const std::string id(wrapped.substr(0, colon));
  const std::string* key = ring.Find(id);
  if (key == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("the payee key '", id, "' this case was sealed with is no longer configured"));
  }
  return Decrypt(*key, wrapped.substr(colon + 1),
                 absl::StrCat(AbslView(associated_data), ":data-key"));
}

absl::StatusOr<npd::v1::PayeeAccount> OpenRecordPayee(const PayeeKeyRing& ring,
                                                      const npd::store::v1::RefundRecord& record) {
  if (record.sealed_payee().empty() || record.payee_data_key().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("refund ", record.refund().refund_id(), " holds no payee account"));
  }
  const std::string aad =
      PayeeAssociatedData(record.refund().refund_id(), record.refund().payout_generation());
  auto data_key = UnwrapDataKey(ring, record.payee_data_key(), aad);
  if (!data_key.ok()) return data_key.status();
  return OpenPayee(record.sealed_payee(), *data_key, aad);
}

}  // namespace npd::core
