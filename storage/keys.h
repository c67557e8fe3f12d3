// The key layout both stores share (internal to storage/). The RocksDB store writes these bytes as
// keys; the memory store uses the same strings as std::map keys, so both iterate in the same order.
//
// Fixed-width integers are 8-byte big-endian so that bytewise order is numeric order. Text parts
// (msisdn, port id) are followed by '\0' where something comes after them, so "12" sorts and
// prefix-matches apart from "123". msisdn and port_id therefore must not contain '\0' (they are
// digits, and "P" + digits).
#ifndef NPD_STORAGE_KEYS_H_
#define NPD_STORAGE_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace npd::storage::keys {

// Debian's abseil keeps its own string_view type; this bridges std::string_view into absl::StrCat
// and friends.
inline absl::string_view ToAbsl(std::string_view view) { return {view.data(), view.size()}; }

// Meta key of the Counters record.
inline constexpr std::string_view kCounters = "counters";
// Prefix of the meta keys of FeedCursor records ("cursor/<carrier>").
inline constexpr std::string_view kCursorPrefix = "cursor/";

// Appends `value` as 8 bytes, most significant first.
void AppendBigEndian64(std::string& out, uint64_t value);
// Reads 8 big-endian bytes from the start of `in`. REQUIRES: in.size() >= 8.
uint64_t ReadBigEndian64(std::string_view in);
// 8-byte big-endian `value`.
std::string BigEndian64(uint64_t value);

// ports_by_msisdn: msisdn '\0' port_id -> empty.
std::string PortIndexKey(std::string_view msisdn, std::string_view port_id);
// Every index key of one number starts with this.
std::string PortIndexPrefix(std::string_view msisdn);

// events: msisdn '\0' sequence(8 BE) -> EventRecord.
std::string EventKey(std::string_view msisdn, uint64_t sequence);
// Every event key of one number starts with this.
std::string EventPrefix(std::string_view msisdn);

// meta: "cursor/" carrier -> FeedCursor.
std::string CursorKey(std::string_view carrier);

// `key` quoted when it is printable ASCII, otherwise as hex (0x...): for error messages.
std::string Describe(std::string_view key);

}  // namespace npd::storage::keys

#endif  // NPD_STORAGE_KEYS_H_
