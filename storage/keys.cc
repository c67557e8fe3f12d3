#include "storage/keys.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace npd::storage::keys {

void AppendBigEndian64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

uint64_t ReadBigEndian64(std::string_view in) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(in[i]);
  return value;
}

std::string BigEndian64(uint64_t value) {
  std::string out;
  AppendBigEndian64(out, value);
  return out;
}

std::string PortIndexKey(std::string_view msisdn, std::string_view port_id) {
  return absl::StrCat(PortIndexPrefix(msisdn), ToAbsl(port_id));
}

std::string PortIndexPrefix(std::string_view msisdn) {
  std::string key(msisdn);
  key.push_back('\0');
  return key;
}

std::string EventKey(std::string_view msisdn, uint64_t sequence) {
  std::string key = EventPrefix(msisdn);
  AppendBigEndian64(key, sequence);
  return key;
}

std::string EventPrefix(std::string_view msisdn) {
  std::string key(msisdn);
  key.push_back('\0');
  return key;
}

std::string CursorKey(std::string_view carrier) {
  return absl::StrCat(ToAbsl(kCursorPrefix), ToAbsl(carrier));
}

std::string Describe(std::string_view key) {
  for (char c : key) {
    if (c < 0x20 || c > 0x7e) return absl::StrCat("0x", absl::BytesToHexString(ToAbsl(key)));
  }
  return absl::StrCat("\"", ToAbsl(key), "\"");
}

}  // namespace npd::storage::keys
