// Txn: the view one command has of the store while the single writer assembles a batch.
//
// Reads see, in order: this command's own staged writes, the writes of earlier commands in the same
// batch, then the store. Writes are staged; a command that succeeds has them merged into the batch
// (MergeInto), one that fails is simply dropped, so a refused command writes nothing. Counters
// (port numbers, event and feed sequences) advance inside the Txn, so a failed command burns no
// number.
//
// Not thread-safe: used only on the writer thread.
#ifndef NPD_DAEMON_ENGINE_TXN_H_
#define NPD_DAEMON_ENGINE_TXN_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/core/domain_event.h"
#include "daemon/core/number_plan.h"
#include "npd/store/v1/journal.pb.h"
#include "npd/store/v1/records.pb.h"
#include "storage/store.h"

namespace npd::engine {

// Everything a batch (or one command) has staged.
struct Staged {
  std::map<std::string, npd::store::v1::NumberRecord, std::less<>> numbers;
  std::map<std::string, npd::store::v1::PortRecord, std::less<>> ports;
  std::map<std::string, npd::store::v1::IdempotencyRecord, std::less<>> idempotency;
  std::map<std::string, uint64_t, std::less<>> cursors;
  std::vector<npd::store::v1::EventRecord> events;
  std::vector<npd::v1::RoutingChange> feed;
  // Timer index changes by storage::TimerKey; a key is in at most one of the two (an add and a
  // removal of one timer cancel out), so merging a command costs log(batch), not batch.
  std::map<std::string, npd::store::v1::TimerRecord, std::less<>> timers_added;
  std::map<std::string, npd::store::v1::TimerRecord, std::less<>> timers_removed;
  // Awaiting-confirmation index changes; a sequence is in at most one of the two.
  std::map<uint64_t, std::string> awaiting_added;
  std::set<uint64_t> awaiting_removed;
  npd::store::v1::Counters counters;
  std::optional<uint64_t> prune_feed_below;  // see storage::WriteSet
  std::map<std::string, npd::store::v1::RefundRecord, std::less<>> refunds;
  // Outbox entries by refund id: a record is a put, nullopt a removal.
  std::map<std::string, std::optional<npd::store::v1::OutboxRecord>, std::less<>> outbox;
  // Journal entries of the commands merged so far, in order.
  std::vector<npd::store::v1::JournalEntry> journal;

  // The WriteSet for Store::Commit.
  storage::WriteSet ToWriteSet() const;
  bool HasWrites() const;
};

class Txn {
 public:
  // `parent` holds what earlier commands of the batch staged; `cursors` the committed confirmed
  // positions.
  Txn(storage::Store& store, const Staged& parent, const std::map<std::string, uint64_t>& cursors,
      absl::Time now);

  // ---- The journal (daemon/replay runs it again) ----

  // Declares which step this command is: its input, command name, actor, operator name and
  // request id (sequence, at, first_event_sequence and side effects are filled here). Events
  // appended afterwards are stamped with the command name, and with the operator name when their
  // actor is the step's actor. A command that succeeds after SetStep adds one journal entry.
  // Called once, before anything is staged.
  void SetStep(npd::store::v1::JournalEntry step);
  // Makes this Txn re-run `recorded` (replay): SideEffect returns the recorded values in order
  // instead of computing them. `recorded` must outlive the Txn. Called before SetStep.
  void ReplayFrom(const npd::store::v1::JournalEntry& recorded) { replaying_ = &recorded; }
  // A value replay cannot compute (a keyed hash, a random draw). Live: runs `compute` and records
  // the result with the step. Replaying: returns the next recorded value without running
  // `compute`; INTERNAL when the recording has no further value or one of another name (the
  // handler no longer asks for what it asked for then).
  absl::StatusOr<std::string> SideEffect(std::string_view name,
                                         const std::function<std::string()>& compute);
  // A value that must be neither journaled nor reproduced: the data key of a sealed payee account,
  // kept only wrapped in the case's record (see daemon/core/payee_seal.h), so that the journal
  // alone can never open the account. Live: `compute()`. Replaying: nullopt (replay's comparison
  // ignores what such a value was written into).
  std::optional<std::string> Unrecorded(const std::function<std::string()>& compute) const {
    if (replaying_ != nullptr) return std::nullopt;
    return compute();
  }
  // True when this command staged writes without SetStep: the engine refuses such a command, so
  // that nothing reaches the store that replay could not reproduce.
  bool WroteWithoutStep() const { return !step_.has_value() && staged_.HasWrites(); }

  absl::Time now() const { return now_; }

  // The number's record, or a fresh one serving from the range holder when none is stored.
  absl::StatusOr<npd::store::v1::NumberRecord> LoadNumber(const core::NumberFacts& facts);
  absl::StatusOr<std::optional<npd::store::v1::PortRecord>> GetPort(std::string_view port_id);
  absl::StatusOr<std::optional<npd::store::v1::IdempotencyRecord>> GetIdempotency(
      std::string_view key);
  absl::StatusOr<std::optional<npd::store::v1::RefundRecord>> GetRefund(std::string_view refund_id);
  absl::StatusOr<std::optional<npd::store::v1::OutboxRecord>> GetOutbox(std::string_view refund_id);
  uint64_t Cursor(std::string_view carrier) const;
  uint64_t FeedHead() const { return staged_.counters.last_feed_sequence(); }
  // Feed entries with first <= sequence <= last, committed or staged, ascending (pruned ones are
  // missing).
  absl::StatusOr<std::vector<npd::v1::RoutingChange>> ReadFeedRange(uint64_t first, uint64_t last);
  // Transactions awaiting confirmation whose routing change has after < sequence <= up_to,
  // committed or staged, ascending, at most max.
  absl::StatusOr<std::vector<storage::AwaitingEntry>> ReadAwaiting(uint64_t after, uint64_t up_to,
                                                                   size_t max = SIZE_MAX);

  void PutRefund(const npd::store::v1::RefundRecord& refund);
  void PutOutbox(const npd::store::v1::OutboxRecord& entry);
  void RemoveOutbox(std::string_view refund_id);
  void PutNumber(const npd::store::v1::NumberRecord& number);
  void PutPort(const npd::store::v1::PortRecord& port);
  void PutIdempotency(std::string key, npd::store::v1::IdempotencyRecord record);
  void SetCursor(std::string_view carrier, uint64_t sequence);
  void AddTimer(const npd::store::v1::TimerRecord& timer);
  void RemoveTimer(const npd::store::v1::TimerRecord& timer);
  void AddAwaiting(uint64_t routing_sequence, std::string_view port_id);
  void RemoveAwaiting(uint64_t routing_sequence);
  // Stamps the event with the next global sequence, now, the actor and the request id.
  void AppendEvent(std::string_view msisdn, std::string_view port_id,
                   const core::DomainEvent& event, std::string_view actor,
                   std::string_view request_id);
  // Appends to the feed and returns the sequence assigned.
  uint64_t AppendFeed(npd::v1::RoutingChange change);
  // Oldest feed sequence still kept (1 when nothing was pruned), as staged.
  uint64_t FirstRetainedFeedSequence() const;
  // Deletes feed entries below `sequence` with this batch and records it as the first retained.
  // REQUIRES: FirstRetainedFeedSequence() < sequence <= FeedHead() + 1.
  void PruneFeedBelow(uint64_t sequence);
  // "P" + 12 digits, from the port counter.
  std::string NextPortId();

  // Moves this command's staged writes into the batch.
  void MergeInto(Staged& batch) &&;

 private:
  storage::Store& store_;
  const Staged& parent_;
  const std::map<std::string, uint64_t>& committed_cursors_;
  absl::Time now_;
  Staged staged_;
  std::optional<npd::store::v1::JournalEntry> step_;
  const npd::store::v1::JournalEntry* replaying_ = nullptr;
  int side_effects_read_ = 0;
};

}  // namespace npd::engine

#endif  // NPD_DAEMON_ENGINE_TXN_H_
