#include "daemon/replay/store_diff.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/message_differencer.h"
#include "npd/store/v1/journal.pb.h"
#include "npd/store/v1/records.pb.h"
#include "npd/v1/feed.pb.h"

namespace npd::replay {
namespace {

using google::protobuf::Message;

// How one table's values parse and which number a record belongs to.
struct TableKind {
  std::string name;
  // A fresh message of the type of the value at `key`; unset for tables whose value is not a
  // message.
  std::function<std::unique_ptr<Message>(std::string_view key)> make;
  // The number of a record (its parsed value, or its key for index tables).
  std::function<std::string(std::string_view key, const Message* value)> msisdn;
};

std::string Upto0(std::string_view key) {
  const size_t zero = key.find('\0');
  return std::string(key.substr(0, zero));
}

template <typename T>
std::function<std::unique_ptr<Message>(std::string_view)> Make() {
  return [](std::string_view) { return std::make_unique<T>(); };
}

// meta holds the counters and the carriers' feed cursors.
std::unique_ptr<Message> MakeMeta(std::string_view key) {
  if (key == "counters") return std::make_unique<npd::store::v1::Counters>();
  return std::make_unique<npd::store::v1::FeedCursor>();
}

const std::vector<TableKind>& Tables() {
  using namespace npd::store::v1;  // NOLINT(build/namespaces)
  static const auto* tables = new std::vector<TableKind>{
      {"numbers", Make<NumberRecord>(),
       [](std::string_view key, const Message*) { return std::string(key); }},
      {"ports", Make<PortRecord>(),
       [](std::string_view, const Message* m) {
         return static_cast<const PortRecord*>(m)->port().msisdn();
       }},
      {"ports_by_msisdn", nullptr, [](std::string_view key, const Message*) { return Upto0(key); }},
      {"events", Make<EventRecord>(),
       [](std::string_view key, const Message*) { return Upto0(key); }},
      {"feed", Make<npd::v1::RoutingChange>(),
       [](std::string_view, const Message* m) {
         return static_cast<const npd::v1::RoutingChange*>(m)->msisdn();
       }},
      {"timers", Make<TimerRecord>(),
       [](std::string_view, const Message* m) {
         return static_cast<const TimerRecord*>(m)->msisdn();
       }},
      {"awaiting", nullptr, [](std::string_view, const Message*) { return std::string(); }},
      {"refunds", Make<RefundRecord>(),
       [](std::string_view, const Message* m) {
         return static_cast<const RefundRecord*>(m)->refund().msisdn();
       }},
      {"outbox", Make<OutboxRecord>(),
       [](std::string_view, const Message*) { return std::string(); }},
      {"journal", Make<JournalEntry>(),
       [](std::string_view, const Message*) { return std::string(); }},
      {"meta", &MakeMeta, [](std::string_view, const Message*) { return std::string(); }},
  };
  return *tables;
}

// The key as text: printable bytes as they are, '\0' as '/', fixed-width integers as numbers.
std::string PrintableKey(std::string_view table, std::string_view key) {
  if ((table == "feed" || table == "awaiting" || table == "journal") && key.size() == 8) {
    uint64_t value = 0;
    for (unsigned char c : key) value = (value << 8) | c;
    return absl::StrCat(value);
  }
  if (table == "events") {
    const size_t zero = key.find('\0');
    if (zero != std::string_view::npos && key.size() == zero + 9) {
      uint64_t value = 0;
      for (unsigned char c : key.substr(zero + 1)) value = (value << 8) | c;
      return absl::StrCat(std::string(key.substr(0, zero)), "#", value);
    }
  }
  std::string out;
  for (unsigned char c : key) {
    if (c == 0) {
      out += '/';
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      absl::StrAppend(&out, "\\x", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

std::string FieldDifferences(const Message& replayed, const Message& stored) {
  google::protobuf::util::MessageDifferencer differ;
  // The wrapped data key of a sealed payee is written live only, never journaled (Txn::Unrecorded).
  differ.IgnoreField(npd::store::v1::RefundRecord::descriptor()->FindFieldByName("payee_data_key"));
  std::string report;
  differ.ReportDifferencesToString(&report);
  if (differ.Compare(replayed, stored)) return "";
  // One line: "modified: port.state: PORT_STATE_CUTOVER -> PORT_STATE_COMPLETED; ..." (without the
  // "ignored: payee_data_key" the reporter also writes).
  std::vector<absl::string_view> lines;
  for (absl::string_view line : absl::StrSplit(report, '\n', absl::SkipEmpty())) {
    if (!absl::StartsWith(line, "ignored:")) lines.push_back(line);
  }
  return absl::StrJoin(lines, "; ");
}

}  // namespace

const std::vector<std::string>& ComparedTables() {
  static const auto* names = [] {
    auto* out = new std::vector<std::string>();
    for (const auto& t : Tables()) out->push_back(t.name);
    return out;
  }();
  return *names;
}

absl::StatusOr<std::vector<Difference>> CompareStores(storage::Store& stored,
                                                      storage::Store& replayed, size_t max) {
  std::vector<Difference> out;
  for (const TableKind& table : Tables()) {
    if (out.size() >= max) break;
    std::map<std::string, std::string, std::less<>> expected;
    absl::Status s = replayed.ScanTable(table.name, [&](std::string_view k, std::string_view v) {
      expected.emplace(std::string(k), std::string(v));
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    auto parse = [&](std::string_view key, std::string_view bytes) -> std::unique_ptr<Message> {
      if (!table.make) return nullptr;
      auto message = table.make(key);
      if (!message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return nullptr;
      return message;
    };
    auto add = [&](std::string_view key, std::string_view value_for_number, std::string what) {
      if (out.size() >= max) return;
      auto message = parse(key, value_for_number);
      out.push_back(Difference{table.msisdn(key, message.get()), table.name,
                               PrintableKey(table.name, key), std::move(what)});
    };
    s = stored.ScanTable(table.name, [&](std::string_view key, std::string_view value) {
      auto it = expected.find(key);
      if (it == expected.end()) {
        add(key, value, "only in the stored state: no step of the journal wrote it");
        return absl::OkStatus();
      }
      if (it->second != value) {
        auto want = parse(key, it->second);
        auto have = parse(key, value);
        std::string what;
        if (want == nullptr || have == nullptr) {
          what = have == nullptr && table.make
                     ? "the stored value does not parse"
                     : absl::StrCat("replayed \"", it->second, "\" vs stored \"",
                                    std::string(value), "\"");
        } else {
          what = FieldDifferences(*want, *have);
        }
        // An identical message can serialise differently; only report real differences.
        if (!what.empty()) add(key, value, absl::StrCat("differs (replayed -> stored): ", what));
      }
      expected.erase(it);
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    for (const auto& [key, value] : expected) {
      add(key, value, "missing from the stored state: the journal writes it");
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Difference& a, const Difference& b) {
    return std::tie(a.msisdn, a.table, a.key) < std::tie(b.msisdn, b.table, b.key);
  });
  return out;
}

std::string Describe(const Difference& d) {
  return absl::StrCat(d.msisdn.empty() ? "(global)" : d.msisdn, " ", d.table, " ", d.key, ": ",
                      d.what);
}

}  // namespace npd::replay
