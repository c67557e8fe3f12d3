#include "tests/fuzz/support/invariants.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/core/port_machine.h"
#include "daemon/engine/journal.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "npd/v1/porting.pb.h"
#include "storage/keys.h"
#include "tests/fuzz/support/fuzz_world.h"

namespace npd::fuzz {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using npd::store::v1::EventRecord;
using npd::store::v1::JournalEntry;
using npd::store::v1::NumberRecord;
using npd::store::v1::PortRecord;
using npd::store::v1::RefundRecord;

constexpr size_t kDigestBytes = 32;  // HMAC-SHA256 and SHA-256

std::string Key(std::string_view key) { return storage::keys::Describe(key); }

template <typename Record>
Record Parse(std::string_view table, std::string_view key, std::string_view value) {
  Record record;
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    Violation(std::string(table) + " " + Key(key) + ": the stored record does not parse");
  }
  return record;
}

// Calls `visit(key, value)` for every record of `table`.
template <typename Visit>
void Scan(storage::Store& store, const std::string& table, Visit visit) {
  absl::Status s = store.ScanTable(table, [&](std::string_view key, std::string_view value) {
    visit(key, value);
    return absl::OkStatus();
  });
  if (!s.ok()) Violation(absl::StrCat("ScanTable ", table, ": ", s.ToString()));
}

// Every bytes field named *_hash, at any depth: empty or a digest.
void CheckHashes(const Message& message, const std::string& where) {
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          CheckHashes(reflection->GetRepeatedMessage(message, field, i), where);
        }
      } else {
        CheckHashes(reflection->GetMessage(message, field), where);
      }
    } else if (field->type() == FieldDescriptor::TYPE_BYTES && !field->is_repeated() &&
               std::string_view(field->name()).ends_with("_hash")) {
      const std::string value = reflection->GetString(message, field);
      if (!value.empty() && value.size() != kDigestBytes) {
        Violation(absl::StrCat(where, ": ", field->full_name(), " is ", value.size(),
                               " bytes, not a ", kDigestBytes, "-byte digest"));
      }
    }
  }
}

// The request or response type of rpc `method` ("/npd.v1.PortingService/SubmitPort"), or null.
std::unique_ptr<Message> NewMessageOf(const std::string& method, bool response) {
  std::string name = method.substr(method.empty() ? 0 : 1);
  const size_t slash = name.rfind('/');
  if (slash == std::string::npos) return nullptr;
  name[slash] = '.';
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
  if (descriptor == nullptr) return nullptr;
  const auto* type = response ? descriptor->output_type() : descriptor->input_type();
  return std::unique_ptr<Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

bool KnownCarrier(const engine::EngineContext& ctx, const std::string& id) {
  return ctx.plan != nullptr && ctx.plan->IsCarrier(id);
}

// Every table parsed, then checked across tables.
class StoreCheck {
 public:
  StoreCheck(storage::Store& store, const engine::EngineContext& ctx,
             const InvariantOptions& options)
      : store_(store), ctx_(ctx), options_(options) {}

  void Run() {
    auto counters = store_.LoadCounters();
    if (!counters.ok()) Violation("LoadCounters: " + counters.status().ToString());
    counters_ = *counters;
    ReadTables();
    CheckNumbers();
    CheckPorts();
    CheckEvents();
    CheckFeed();
    CheckRefunds();
    CheckJournal();
  }

 private:
  void ReadTables() {
    Scan(store_, "numbers", [&](std::string_view key, std::string_view value) {
      auto record = Parse<NumberRecord>("numbers", key, value);
      if (record.msisdn() != key) Violation("numbers " + Key(key) + ": msisdn differs from key");
      numbers_.emplace(key, std::move(record));
    });
    Scan(store_, "ports", [&](std::string_view key, std::string_view value) {
      auto record = Parse<PortRecord>("ports", key, value);
      if (record.port().port_id() != key) Violation("ports " + Key(key) + ": id differs from key");
      ports_.emplace(key, std::move(record));
    });
    Scan(store_, "ports_by_msisdn",
         [&](std::string_view key, std::string_view) { index_.emplace(key); });
    Scan(store_, "events", [&](std::string_view key, std::string_view value) {
      auto event = Parse<EventRecord>("events", key, value);
      if (storage::keys::EventKey(event.msisdn(), event.sequence()) != key) {
        Violation("events " + Key(key) + ": not stored under its msisdn and sequence");
      }
      if (!npd::v1::PortState_IsValid(event.state_before()) ||
          !npd::v1::PortState_IsValid(event.state_after()) ||
          !npd::v1::RefundState_IsValid(event.refund_state_before()) ||
          !npd::v1::RefundState_IsValid(event.refund_state_after())) {
        Violation("events " + Key(key) + ": a state is not a known enum value");
      }
      if (!event_sequences_.insert(event.sequence()).second) {
        Violation(absl::StrCat("event sequence ", event.sequence(), " is used twice"));
      }
    });
    Scan(store_, "feed", [&](std::string_view key, std::string_view value) {
      auto change = Parse<npd::v1::RoutingChange>("feed", key, value);
      if (storage::keys::BigEndian64(change.sequence()) != key) {
        Violation(absl::StrCat("feed entry ", change.sequence(), " is not under its sequence"));
      }
      feed_.push_back(change.sequence());
    });
    Scan(store_, "timers", [&](std::string_view key, std::string_view value) {
      auto timer = Parse<npd::store::v1::TimerRecord>("timers", key, value);
      if (storage::TimerKey(timer) != key) Violation("timers " + Key(key) + ": not under its key");
      if (!npd::store::v1::TimerKind_IsValid(timer.kind()) ||
          timer.kind() == npd::store::v1::TIMER_KIND_UNSPECIFIED) {
        Violation("timers " + Key(key) + ": unknown kind");
      }
    });
    Scan(store_, "meta", [&](std::string_view key, std::string_view value) {
      if (key == storage::keys::kCounters) return;
      auto cursor = Parse<npd::store::v1::FeedCursor>("meta", key, value);
      if (storage::keys::CursorKey(cursor.carrier()) != key) {
        Violation("meta " + Key(key) + ": cursor not under its carrier");
      }
      if (cursor.confirmed_sequence() > counters_.last_feed_sequence()) {
        Violation(absl::StrCat(cursor.carrier(), " confirmed ", cursor.confirmed_sequence(),
                               ", beyond the feed head ", counters_.last_feed_sequence()));
      }
    });
    Scan(store_, "idempotency", [&](std::string_view key, std::string_view value) {
      auto record = Parse<npd::store::v1::IdempotencyRecord>("idempotency", key, value);
      if (!options_.domain) return;
      CheckHashes(record, "idempotency " + Key(key));
      if (record.payload_hash().size() != kDigestBytes) {
        Violation("idempotency " + Key(key) + ": payload_hash is not a SHA-256 digest");
      }
      auto response = NewMessageOf(record.method(), /*response=*/true);
      if (response == nullptr || !response->ParseFromString(record.response())) {
        Violation("idempotency " + Key(key) + ": the stored response is not a " + record.method() +
                  " response");
      }
      if (auto* issued = dynamic_cast<npd::v1::IssueAuthCodeResponse*>(response.get());
          issued != nullptr && !issued->code().empty()) {
        Violation("idempotency " + Key(key) + ": a stored IssueAuthCode answer keeps the code");
      }
    });
    Scan(store_, "awaiting", [&](std::string_view key, std::string_view value) {
      if (key.size() != 8) Violation("awaiting " + Key(key) + ": key is not a sequence");
      awaiting_.emplace(storage::keys::ReadBigEndian64(key), std::string(value));
    });
    Scan(store_, "refunds", [&](std::string_view key, std::string_view value) {
      auto record = Parse<RefundRecord>("refunds", key, value);
      if (record.refund().refund_id() != key) Violation("refunds " + Key(key) + ": not its key");
      refunds_.emplace(key, std::move(record));
    });
    Scan(store_, "outbox", [&](std::string_view key, std::string_view value) {
      auto entry = Parse<npd::store::v1::OutboxRecord>("outbox", key, value);
      if (entry.refund_id() != key) Violation("outbox " + Key(key) + ": not under its case");
      outbox_.emplace(key, std::move(entry));
    });
    Scan(store_, "journal", [&](std::string_view key, std::string_view value) {
      auto entry = Parse<JournalEntry>("journal", key, value);
      if (storage::keys::BigEndian64(entry.sequence()) != key) {
        Violation(absl::StrCat("journal entry ", entry.sequence(), " is not under its sequence"));
      }
      journal_.push_back(std::move(entry));
    });
  }

  void CheckNumbers() {
    for (const auto& [msisdn, number] : numbers_) {
      if (options_.domain && !KnownCarrier(ctx_, number.serving_carrier())) {
        Violation("number " + msisdn + " is served by unknown carrier '" +
                  number.serving_carrier() + "'");
      }
      if (options_.domain) CheckHashes(number, "number " + msisdn);
      if (number.has_auth_code() &&
          !npd::store::v1::AuthCodeState_IsValid(number.auth_code().state())) {
        Violation("number " + msisdn + ": unknown code state");
      }
      if (number.live_port_id().empty()) continue;
      auto port = ports_.find(number.live_port_id());
      if (port == ports_.end()) {
        Violation("number " + msisdn + ": live port " + number.live_port_id() + " is not stored");
      }
      if (port->second.port().msisdn() != msisdn || !core::IsLive(port->second.port().state())) {
        Violation("number " + msisdn + ": its live port " + number.live_port_id() +
                  " is not a live transaction of it (" +
                  npd::v1::PortState_Name(port->second.port().state()) + ")");
      }
    }
  }

  void CheckPorts() {
    for (const auto& [id, record] : ports_) {
      const npd::v1::Port& port = record.port();
      if (!npd::v1::PortState_IsValid(port.state()) ||
          port.state() == npd::v1::PORT_STATE_UNSPECIFIED) {
        Violation(absl::StrCat("port ", id, ": state ", port.state(), " is not a known state"));
      }
      if (!index_.contains(storage::keys::PortIndexKey(port.msisdn(), id))) {
        Violation("port " + id + " is missing from the msisdn index");
      }
      if (core::IsLive(port.state())) {
        auto number = numbers_.find(port.msisdn());
        if (number == numbers_.end() || number->second.live_port_id() != id) {
          Violation("port " + id + " is live (" + npd::v1::PortState_Name(port.state()) +
                    ") but not its number's live transaction: two live transactions on " +
                    port.msisdn() + "?");
        }
      }
      const bool indexed = awaiting_.contains(port.routing_sequence()) &&
                           awaiting_.at(port.routing_sequence()) == id;
      if (core::AwaitsConfirmation(port.state()) != indexed) {
        Violation("port " + id + " (" + npd::v1::PortState_Name(port.state()) + ") is " +
                  (indexed ? "" : "not ") + "in the awaiting-confirmation index");
      }
      if (options_.domain) {
        CheckHashes(record, "port " + id);
        if (!KnownCarrier(ctx_, port.donor()) || !KnownCarrier(ctx_, port.recipient())) {
          Violation("port " + id + " names a carrier not in the plan");
        }
      }
    }
    for (const std::string& key : index_) {
      const size_t nul = key.find('\0');
      if (nul == std::string::npos) Violation("ports_by_msisdn " + Key(key) + ": malformed key");
      auto port = ports_.find(key.substr(nul + 1));
      if (port == ports_.end() || port->second.port().msisdn() != key.substr(0, nul)) {
        Violation("ports_by_msisdn " + Key(key) + " names no port of that number");
      }
    }
    for (const auto& [sequence, port_id] : awaiting_) {
      auto port = ports_.find(port_id);
      if (port == ports_.end() || port->second.port().routing_sequence() != sequence) {
        Violation(absl::StrCat("awaiting ", sequence, " names ", port_id,
                               ", which is not stored with that routing sequence"));
      }
    }
  }

  void CheckEvents() {
    const uint64_t last = counters_.last_event_sequence();
    if (event_sequences_.size() != last ||
        (!event_sequences_.empty() && *event_sequences_.rbegin() != last)) {
      Violation(absl::StrCat("events are not exactly 1..", last, ": ", event_sequences_.size(),
                             " stored"));
    }
  }

  void CheckFeed() {
    const uint64_t first = std::max<uint64_t>(counters_.first_retained_feed_sequence(), 1);
    const uint64_t last = counters_.last_feed_sequence();
    if (first > last + 1) {
      Violation(
          absl::StrCat("first retained feed sequence ", first, " is beyond head ", last, " + 1"));
    }
    uint64_t expected = first;
    for (uint64_t sequence : feed_) {
      if (sequence != expected) {
        Violation(absl::StrCat("feed: expected sequence ", expected, ", found ", sequence,
                               " (kept from ", first, " to ", last, ")"));
      }
      ++expected;
    }
    if (expected != last + 1) {
      Violation(absl::StrCat("feed ends at ", expected - 1, ", the head is ", last));
    }
  }

  void CheckRefunds() {
    for (const auto& [id, record] : refunds_) {
      const npd::v1::Refund& refund = record.refund();
      if (!npd::v1::RefundState_IsValid(refund.state()) ||
          refund.state() == npd::v1::REFUND_STATE_UNSPECIFIED) {
        Violation(absl::StrCat("refund ", id, ": state ", refund.state(), " is not known"));
      }
      auto port = ports_.find(refund.port_id());
      if (port == ports_.end() || storage::RefundIdForPort(refund.port_id()) != id ||
          port->second.port().state() != npd::v1::PORT_STATE_COMPLETED ||
          port->second.port().msisdn() != refund.msisdn() ||
          port->second.port().donor() != refund.donor()) {
        Violation("refund " + id + " does not belong to a completed port of its number and donor");
      }
      if (!options_.domain) continue;
      CheckHashes(record, "refund " + id);
      if (refund.paid_fen() < 0 ||
          refund.paid_fen() > std::max<int64_t>(refund.refundable_fen(), 0)) {
        Violation(absl::StrCat("refund ", id, ": paid ", refund.paid_fen(), " of a refundable ",
                               refund.refundable_fen()));
      }
      if (refund.has_final_bill()) {
        const auto& bill = refund.final_bill();
        const __int128 refundable = static_cast<__int128>(bill.cash_balance_fen()) -
                                    bill.non_refundable_fen() - bill.third_party_topup_fen() -
                                    bill.final_charges_fen();
        if (refundable != refund.refundable_fen()) {
          Violation(absl::StrCat("refund ", id, ": refundable ", refund.refundable_fen(),
                                 " is not what its final bill gives"));
        }
      }
    }
    for (const auto& [id, entry] : outbox_) {
      if (!refunds_.contains(id)) Violation("outbox entry " + id + " has no case");
      if (!npd::v1::RefundStep_IsValid(entry.step()) ||
          entry.step() == npd::v1::REFUND_STEP_UNSPECIFIED) {
        Violation("outbox entry " + id + ": unknown step");
      }
    }
  }

  void CheckJournal() {
    const uint64_t last = counters_.last_journal_sequence();
    if (journal_.size() != last) {
      Violation(absl::StrCat("journal holds ", journal_.size(), " entries, counters say ", last));
    }
    for (size_t i = 0; i < journal_.size(); ++i) {
      const JournalEntry& entry = journal_[i];
      if (entry.sequence() != i + 1) {
        Violation(absl::StrCat("journal entry ", i + 1, " is missing"));
      }
      if (entry.input_case() == JournalEntry::INPUT_NOT_SET) {
        Violation(absl::StrCat("journal entry ", entry.sequence(), " has no input"));
      }
      if (!options_.domain || !entry.has_request()) continue;
      auto request = NewMessageOf(entry.request().method(), /*response=*/false);
      if (request == nullptr || !request->ParseFromString(entry.request().request())) {
        Violation(absl::StrCat("journal entry ", entry.sequence(), ": the request of ",
                               entry.request().method(), " does not parse"));
      }
      std::unique_ptr<Message> redacted(request->New());
      redacted->CopyFrom(*request);
      engine::RedactForJournal(*redacted);
      if (redacted->SerializeAsString() != request->SerializeAsString()) {
        Violation(absl::StrCat("journal entry ", entry.sequence(),
                               " keeps an identity, a code or a payee account in clear"));
      }
      for (const auto& effect : entry.side_effects()) {
        if (std::string_view(effect.name()).ends_with("_hash") &&
            effect.value().size() != kDigestBytes) {
          Violation(absl::StrCat("journal entry ", entry.sequence(), ": side effect ",
                                 effect.name(), " is not a digest"));
        }
      }
    }
    const uint64_t setup = counters_.last_setup_journal_sequence();
    if (setup > 0 && (setup > journal_.size() || !journal_[setup - 1].has_setup())) {
      Violation(absl::StrCat("last setup entry ", setup, " is not a configuration entry"));
    }
  }

  storage::Store& store_;
  const engine::EngineContext& ctx_;
  const InvariantOptions& options_;
  npd::store::v1::Counters counters_;
  std::map<std::string, NumberRecord, std::less<>> numbers_;
  std::map<std::string, PortRecord, std::less<>> ports_;
  std::set<std::string, std::less<>> index_;
  std::set<uint64_t> event_sequences_;
  std::vector<uint64_t> feed_;
  std::map<uint64_t, std::string> awaiting_;
  std::map<std::string, RefundRecord, std::less<>> refunds_;
  std::map<std::string, npd::store::v1::OutboxRecord, std::less<>> outbox_;
  std::vector<JournalEntry> journal_;
};

}  // namespace

void CheckStore(storage::Store& store, const engine::EngineContext& ctx,
                const InvariantOptions& options) {
  StoreCheck(store, ctx, options).Run();
}

}  // namespace npd::fuzz
