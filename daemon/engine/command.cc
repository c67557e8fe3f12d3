#include "daemon/engine/command.h"

#include <openssl/evp.h>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace npd::engine {

std::string IdempotencyKey(const std::string& principal, const std::string& request_id) {
  return absl::StrCat(principal, "\n", request_id);
}

std::string PayloadHash(const std::string& method, const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  const std::string message = absl::StrCat(method, "\n", bytes);
  std::string digest(EVP_MAX_MD_SIZE, '\0');
  unsigned int length = 0;
  EVP_Digest(message.data(), message.size(), reinterpret_cast<unsigned char*>(digest.data()),
             &length, EVP_sha256(), nullptr);
  digest.resize(length);
  return digest;
}

absl::Status CheckOrReplay(Txn& txn, const std::string& key, const std::string& method,
                           const std::string& payload_hash, google::protobuf::Message& response,
                           bool& replayed) {
  replayed = false;
  auto stored = txn.GetIdempotency(key);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return absl::OkStatus();
  const auto& record = **stored;
  if (record.method() != method || record.payload_hash() != payload_hash) {
    return absl::AlreadyExistsError(
        "request_id was already used for a different request; use a new request_id");
  }
  if (!response.ParseFromString(record.response())) {
    return absl::InternalError("stored response of this request_id does not parse");
  }
  replayed = true;
  return absl::OkStatus();
}

}  // namespace npd::engine
