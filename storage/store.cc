#include "storage/store.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "storage/keys.h"

namespace npd::storage {
namespace {

// Microseconds since the epoch, clamped to [0, INT64_MAX] so that the unsigned big-endian encoding
// keeps numeric order (a negative value would otherwise sort after every real due time).
uint64_t DueMicros(const google::protobuf::Timestamp& at) {
  constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / 1'000'000 - 1;
  if (at.seconds() < 0) return 0;
  if (at.seconds() > kMaxSeconds) return std::numeric_limits<int64_t>::max();
  const int64_t micros = at.seconds() * 1'000'000 + at.nanos() / 1'000;
  return micros < 0 ? 0 : static_cast<uint64_t>(micros);
}

}  // namespace

bool WriteSet::empty() const {
  return numbers.empty() && ports.empty() && events.empty() && feed.empty() &&
         timers_added.empty() && timers_removed.empty() && idempotency.empty() && cursors.empty() &&
         !counters.has_value() && awaiting_removed.empty() && awaiting_added.empty() &&
         refunds.empty() && outbox_put.empty() && outbox_removed.empty() && journal.empty() &&
         !prune_feed_below.has_value();
}

std::string RefundIdForPort(std::string_view port_id) {
  if (!port_id.starts_with('P')) return "";
  std::string refund_id(port_id);
  refund_id[0] = 'R';
  return refund_id;
}

// Layout: due_at (8 BE, microseconds, negative clamped to 0) | kind (1 byte) | msisdn '\0' |
// port_id '\0' | generation (8 BE, two's complement). Bytewise order is due-time order, ties broken
// by the rest.
std::string TimerKey(const npd::store::v1::TimerRecord& timer) {
  std::string key;
  key.reserve(8 + 1 + timer.msisdn().size() + 1 + timer.port_id().size() + 1 + 8);
  keys::AppendBigEndian64(key, DueMicros(timer.due_at()));
  key.push_back(static_cast<char>(static_cast<uint8_t>(timer.kind())));
  key.append(timer.msisdn());
  key.push_back('\0');
  key.append(timer.port_id());
  key.push_back('\0');
  keys::AppendBigEndian64(key, static_cast<uint64_t>(timer.generation()));
  return key;
}

}  // namespace npd::storage
