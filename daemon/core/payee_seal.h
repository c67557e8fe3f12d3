// Payee accounts (a bank card or a wallet, with the holder's name) are the one piece of personal
// data npd must keep readable for a while: the payment channel needs the account to pay a refund.
// They are sealed with AES-256-GCM (OpenSSL), crypto-shredded afterwards:
//
//   - each accepted claim gets a random data key; the account (the serialised PayeeAccount) is
//     encrypted with it. The ciphertext is what the store and the journal keep.
//   - the data key is kept only in the case's stored record, wrapped (encrypted) with the payee
//     key (security.payee_key_file), which lives outside the data directory: a data directory, a
//     checkpoint or a backup alone never reads a card.
//   - the journal never holds the data key, so once the case's retention has passed and the key is
//     erased from the record, the ciphertexts left in the journal and in later backups are
//     unreadable even with the payee key.
//
// Both encryptions bind the case and the payout generation as additional data, so a ciphertext or a
// wrapped key copied onto another case does not open. Pure functions: randomness (keys, nonces)
// comes in as arguments. Thread-safe.
#ifndef NPD_DAEMON_CORE_PAYEE_SEAL_H_
#define NPD_DAEMON_CORE_PAYEE_SEAL_H_

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "npd/store/v1/records.pb.h"
#include "npd/v1/refund.pb.h"

namespace npd::core {

inline constexpr size_t kPayeeKeyBytes = 32;  // AES-256
inline constexpr size_t kPayeeNonceBytes = 12;

// The payee keys: every key npd may unwrap with, by id, and the one it wraps new data keys with.
class PayeeKeyRing {
 public:
  // The key file: one key per line, "<id> <64 hex digits>" (id: 1-32 of [A-Za-z0-9._-]); blank
  // lines and lines starting with '#' are skipped. The last key wraps new data keys; the others
  // still unwrap older ones (keep a retired key until the cases it wrapped are past retention).
  // INVALID_ARGUMENT naming the line for anything else, or for no key at all. Key bytes never
  // appear in messages.
  static absl::StatusOr<PayeeKeyRing> Parse(std::string_view text);

  const std::string& current_id() const { return current_; }
  // The key of `id`, or null.
  const std::string* Find(const std::string& id) const;

 private:
  std::map<std::string, std::string> keys_;
  std::string current_;
};

// The last four characters of an account: all the API and the history ever show of it.
std::string PayeeLast4(std::string_view account);

// Crypto-shreds a case's payee account: the sealed account and its wrapped data key are removed
// from the record (the ciphertext left in the journal can no longer be opened).
void ErasePayee(npd::store::v1::RefundRecord& record);

// The additional data both encryptions bind: "npd-payee:<refund_id>:<generation>".
std::string PayeeAssociatedData(std::string_view refund_id, int generation);

// nonce || ciphertext || 16-byte tag of `payee` under `data_key` (32 bytes) and `nonce` (12).
std::string SealPayee(const npd::v1::PayeeAccount& payee, std::string_view data_key,
                      std::string_view nonce, std::string_view associated_data);
// The account; DATA_LOSS when the ciphertext, the key or the associated data do not match.
absl::StatusOr<npd::v1::PayeeAccount> OpenPayee(std::string_view sealed, std::string_view data_key,
                                                std::string_view associated_data);

// `data_key` wrapped with the ring's current key: "<key id>:" followed by nonce || ciphertext ||
// tag.
std::string WrapDataKey(const PayeeKeyRing& ring, std::string_view data_key, std::string_view nonce,
                        std::string_view associated_data);
// The data key; NOT_FOUND when the ring no longer has the key it was wrapped with, DATA_LOSS when
// it does not open.
absl::StatusOr<std::string> UnwrapDataKey(const PayeeKeyRing& ring, std::string_view wrapped,
                                          std::string_view associated_data);

// The payee account of `record`'s current claim (its refund id and payout generation bound):
// FAILED_PRECONDITION when the record holds none (never claimed, or erased), NOT_FOUND or DATA_LOSS
// as UnwrapDataKey and OpenPayee say.
absl::StatusOr<npd::v1::PayeeAccount> OpenRecordPayee(const PayeeKeyRing& ring,
                                                      const npd::store::v1::RefundRecord& record);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_PAYEE_SEAL_H_
