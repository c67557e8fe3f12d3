#include "daemon/engine/txn.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "daemon/core/time_convert.h"

namespace npd::engine {

using npd::store::v1::IdempotencyRecord;
using npd::store::v1::NumberRecord;
using npd::store::v1::PortRecord;

storage::WriteSet Staged::ToWriteSet() const {
  storage::WriteSet ws;
  for (const auto& [_, n] : numbers) ws.numbers.push_back(n);
  for (const auto& [_, p] : ports) ws.ports.push_back(p);
  for (const auto& [k, r] : idempotency) ws.idempotency.emplace_back(k, r);
  for (const auto& [carrier, seq] : cursors) {
    npd::store::v1::FeedCursor c;
    c.set_carrier(carrier);
    c.set_confirmed_sequence(seq);
    ws.cursors.push_back(std::move(c));
  }
  ws.events = events;
  ws.feed = feed;
  for (const auto& [_, t] : timers_added) ws.timers_added.push_back(t);
  for (const auto& [_, t] : timers_removed) ws.timers_removed.push_back(t);
  ws.counters = counters;
  ws.awaiting_removed.assign(awaiting_removed.begin(), awaiting_removed.end());
  for (const auto& [sequence, port_id] : awaiting_added) {
    ws.awaiting_added.push_back(storage::AwaitingEntry{sequence, port_id});
  }
  ws.prune_feed_below = prune_feed_below;
  for (const auto& [_, r] : refunds) ws.refunds.push_back(r);
  for (const auto& [refund_id, entry] : outbox) {
    if (entry.has_value()) {
      ws.outbox_put.push_back(*entry);
    } else {
      ws.outbox_removed.push_back(refund_id);
    }
  }
  ws.journal = journal;
  return ws;
}

bool Staged::HasWrites() const {
  return !numbers.empty() || !ports.empty() || !idempotency.empty() || !cursors.empty() ||
         !events.empty() || !feed.empty() || !timers_added.empty() || !timers_removed.empty() ||
         !awaiting_added.empty() || !awaiting_removed.empty() || prune_feed_below.has_value() ||
         !refunds.empty() || !outbox.empty() || !journal.empty();
}

Txn::Txn(storage::Store& store, const Staged& parent,
         const std::map<std::string, uint64_t>& cursors, absl::Time now)
    : store_(store), parent_(parent), committed_cursors_(cursors), now_(now) {
  staged_.counters = parent.counters;
}

void Txn::SetStep(npd::store::v1::JournalEntry step) {
  step.clear_sequence();
  step.clear_side_effects();
  *step.mutable_at() = core::ToProto(now_);
  step.set_first_event_sequence(staged_.counters.last_event_sequence() + 1);
  step_ = std::move(step);
}

absl::StatusOr<std::string> Txn::SideEffect(std::string_view name,
                                            const std::function<std::string()>& compute) {
  std::string value;
  if (replaying_ != nullptr) {
    if (side_effects_read_ >= replaying_->side_effects_size() ||
        replaying_->side_effects(side_effects_read_).name() != name) {
      return absl::InternalError(
          absl::StrFormat("replay: journal entry %d recorded no side effect '%s' at position %d",
                          replaying_->sequence(), std::string(name), side_effects_read_));
    }
    value = replaying_->side_effects(side_effects_read_++).value();
  } else {
    value = compute();
  }
  if (step_.has_value()) {
    auto* recorded = step_->add_side_effects();
    recorded->set_name(std::string(name));
    recorded->set_value(value);
  }
  return value;
}

absl::StatusOr<NumberRecord> Txn::LoadNumber(const core::NumberFacts& facts) {
  if (auto it = staged_.numbers.find(facts.msisdn); it != staged_.numbers.end()) return it->second;
  if (auto it = parent_.numbers.find(facts.msisdn); it != parent_.numbers.end()) return it->second;
  auto stored = store_.GetNumber(facts.msisdn);
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) return **stored;
  NumberRecord fresh;
  fresh.set_msisdn(facts.msisdn);
  fresh.set_serving_carrier(facts.range_holder);
  return fresh;
}

absl::StatusOr<std::optional<PortRecord>> Txn::GetPort(std::string_view port_id) {
  if (auto it = staged_.ports.find(port_id); it != staged_.ports.end()) return it->second;
  if (auto it = parent_.ports.find(port_id); it != parent_.ports.end()) return it->second;
  return store_.GetPort(port_id);
}

absl::StatusOr<std::optional<IdempotencyRecord>> Txn::GetIdempotency(std::string_view key) {
  if (auto it = staged_.idempotency.find(key); it != staged_.idempotency.end()) return it->second;
  if (auto it = parent_.idempotency.find(key); it != parent_.idempotency.end()) return it->second;
  return store_.GetIdempotency(key);
}

absl::StatusOr<std::vector<npd::v1::RoutingChange>> Txn::ReadFeedRange(uint64_t first,
                                                                       uint64_t last) {
  if (first > last) return std::vector<npd::v1::RoutingChange>{};
  auto entries = store_.ReadFeed(first, last - first + 1);
  if (!entries.ok()) return entries.status();
  const std::vector<npd::v1::RoutingChange>* const staged_feeds[] = {&parent_.feed, &staged_.feed};
  for (const auto* staged : staged_feeds) {
    for (const auto& change : *staged) {
      if (change.sequence() >= first && change.sequence() <= last) entries->push_back(change);
    }
  }
  return entries;
}

absl::StatusOr<std::vector<storage::AwaitingEntry>> Txn::ReadAwaiting(uint64_t after,
                                                                      uint64_t up_to, size_t max) {
  // Staged removals may hide stored entries: read that many more so `max` survive them.
  const size_t hidden = parent_.awaiting_removed.size() + staged_.awaiting_removed.size();
  auto stored =
      store_.ReadAwaiting(after, up_to, max > SIZE_MAX - hidden ? SIZE_MAX : max + hidden);
  if (!stored.ok()) return stored.status();
  std::map<uint64_t, std::string> merged;
  for (auto& entry : *stored) merged[entry.routing_sequence] = std::move(entry.port_id);
  const Staged* const layers[] = {&parent_, &staged_};  // older first
  for (const Staged* staged : layers) {
    for (uint64_t sequence : staged->awaiting_removed) merged.erase(sequence);
    for (const auto& [sequence, port_id] : staged->awaiting_added) {
      if (sequence > after && sequence <= up_to) merged[sequence] = port_id;
    }
  }
  std::vector<storage::AwaitingEntry> out;
  for (auto& [sequence, port_id] : merged) {
    if (out.size() >= max) break;
    out.push_back({sequence, std::move(port_id)});
  }
  return out;
}

absl::StatusOr<std::optional<npd::store::v1::RefundRecord>> Txn::GetRefund(
    std::string_view refund_id) {
  if (auto it = staged_.refunds.find(refund_id); it != staged_.refunds.end()) return it->second;
  if (auto it = parent_.refunds.find(refund_id); it != parent_.refunds.end()) return it->second;
  return store_.GetRefund(refund_id);
}

absl::StatusOr<std::optional<npd::store::v1::OutboxRecord>> Txn::GetOutbox(
    std::string_view refund_id) {
  if (auto it = staged_.outbox.find(refund_id); it != staged_.outbox.end()) return it->second;
  if (auto it = parent_.outbox.find(refund_id); it != parent_.outbox.end()) return it->second;
  return store_.GetOutbox(refund_id);
}

void Txn::PutRefund(const npd::store::v1::RefundRecord& refund) {
  staged_.refunds[refund.refund().refund_id()] = refund;
}

void Txn::PutOutbox(const npd::store::v1::OutboxRecord& entry) {
  staged_.outbox[entry.refund_id()] = entry;
}

void Txn::RemoveOutbox(std::string_view refund_id) {
  staged_.outbox[std::string(refund_id)] = std::nullopt;
}

uint64_t Txn::Cursor(std::string_view carrier) const {
  if (auto it = staged_.cursors.find(carrier); it != staged_.cursors.end()) return it->second;
  if (auto it = parent_.cursors.find(carrier); it != parent_.cursors.end()) return it->second;
  auto it = committed_cursors_.find(std::string(carrier));
  return it == committed_cursors_.end() ? 0 : it->second;
}

void Txn::PutNumber(const NumberRecord& number) { staged_.numbers[number.msisdn()] = number; }

void Txn::PutPort(const PortRecord& port) { staged_.ports[port.port().port_id()] = port; }

void Txn::PutIdempotency(std::string key, IdempotencyRecord record) {
  staged_.idempotency[std::move(key)] = std::move(record);
}

void Txn::SetCursor(std::string_view carrier, uint64_t sequence) {
  staged_.cursors[std::string(carrier)] = sequence;
}

void Txn::AddTimer(const npd::store::v1::TimerRecord& timer) {
  std::string key = storage::TimerKey(timer);
  staged_.timers_removed.erase(key);
  staged_.timers_added.insert_or_assign(std::move(key), timer);
}

void Txn::RemoveTimer(const npd::store::v1::TimerRecord& timer) {
  std::string key = storage::TimerKey(timer);
  staged_.timers_added.erase(key);
  staged_.timers_removed.insert_or_assign(std::move(key), timer);
}

void Txn::AddAwaiting(uint64_t routing_sequence, std::string_view port_id) {
  staged_.awaiting_removed.erase(routing_sequence);
  staged_.awaiting_added[routing_sequence] = std::string(port_id);
}

void Txn::RemoveAwaiting(uint64_t routing_sequence) {
  staged_.awaiting_added.erase(routing_sequence);
  staged_.awaiting_removed.insert(routing_sequence);
}

void Txn::AppendEvent(std::string_view msisdn, std::string_view port_id,
                      const core::DomainEvent& event, std::string_view actor,
                      std::string_view request_id) {
  auto& counters = staged_.counters;
  counters.set_last_event_sequence(counters.last_event_sequence() + 1);
  npd::store::v1::EventRecord& e = staged_.events.emplace_back();
  e.set_sequence(counters.last_event_sequence());
  e.set_msisdn(std::string(msisdn));
  e.set_port_id(std::string(port_id));
  *e.mutable_at() = core::ToProto(now_);
  e.set_actor(std::string(actor));
  e.set_type(event.type);
  e.set_request_id(std::string(request_id));
  e.set_state_before(event.state_before);
  e.set_state_after(event.state_after);
  e.set_detail(event.detail);
  e.set_refund_id(event.refund_id);
  e.set_refund_state_before(event.refund_before);
  e.set_refund_state_after(event.refund_after);
  if (step_.has_value()) {
    e.set_command(step_->command());
    if (actor == step_->actor()) {
      e.set_operator_name(step_->operator_name());
      e.set_principal(step_->principal());
    }
  }
}

uint64_t Txn::AppendFeed(npd::v1::RoutingChange change) {
  auto& counters = staged_.counters;
  counters.set_last_feed_sequence(counters.last_feed_sequence() + 1);
  change.set_sequence(counters.last_feed_sequence());
  staged_.feed.push_back(std::move(change));
  return counters.last_feed_sequence();
}

uint64_t Txn::FirstRetainedFeedSequence() const {
  return std::max<uint64_t>(staged_.counters.first_retained_feed_sequence(), 1);
}

void Txn::PruneFeedBelow(uint64_t sequence) {
  staged_.prune_feed_below = sequence;
  staged_.counters.set_first_retained_feed_sequence(sequence);
}

std::string Txn::NextPortId() {
  auto& counters = staged_.counters;
  counters.set_last_port_number(counters.last_port_number() + 1);
  return absl::StrFormat("P%012d", counters.last_port_number());
}

void Txn::MergeInto(Staged& batch) && {
  for (auto& [k, v] : staged_.numbers) batch.numbers[k] = std::move(v);
  for (auto& [k, v] : staged_.ports) batch.ports[k] = std::move(v);
  for (auto& [k, v] : staged_.idempotency) batch.idempotency[k] = std::move(v);
  for (auto& [k, v] : staged_.cursors) batch.cursors[k] = v;
  for (auto& e : staged_.events) batch.events.push_back(std::move(e));
  for (auto& f : staged_.feed) batch.feed.push_back(std::move(f));
  // A timer added and removed within one batch cancels out, whichever came first, as in the
  // awaiting index below: the store and the scheduler see only the net change.
  for (auto& [key, t] : staged_.timers_removed) {
    batch.timers_added.erase(key);
    batch.timers_removed.insert_or_assign(key, std::move(t));
  }
  for (auto& [key, t] : staged_.timers_added) {
    batch.timers_removed.erase(key);
    batch.timers_added.insert_or_assign(key, std::move(t));
  }
  for (uint64_t sequence : staged_.awaiting_removed) {
    batch.awaiting_added.erase(sequence);
    batch.awaiting_removed.insert(sequence);
  }
  for (auto& [sequence, port_id] : staged_.awaiting_added) {
    batch.awaiting_removed.erase(sequence);
    batch.awaiting_added[sequence] = std::move(port_id);
  }
  for (auto& [k, v] : staged_.refunds) batch.refunds[k] = std::move(v);
  for (auto& [k, v] : staged_.outbox) batch.outbox[k] = std::move(v);
  if (step_.has_value()) {
    auto& counters = staged_.counters;
    counters.set_last_journal_sequence(counters.last_journal_sequence() + 1);
    step_->set_sequence(counters.last_journal_sequence());
    if (step_->has_setup()) counters.set_last_setup_journal_sequence(step_->sequence());
    batch.journal.push_back(*std::move(step_));
  }
  batch.counters = staged_.counters;
  if (staged_.prune_feed_below.has_value()) batch.prune_feed_below = staged_.prune_feed_below;
}

}  // namespace npd::engine
