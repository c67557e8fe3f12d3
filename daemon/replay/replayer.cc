#include "daemon/replay/replayer.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/core/identity.h"
#include "daemon/core/number_plan.h"
#include "daemon/core/policy_record.h"
#include "daemon/core/time_convert.h"
#include "daemon/engine/journal.h"
#include "daemon/engine/txn.h"
#include "google/protobuf/util/message_differencer.h"
#include "storage/rocks_store.h"

namespace npd::replay {
namespace {

using npd::store::v1::JournalEntry;

constexpr size_t kReadChunk = 1024;  // journal entries read from the source at a time

// The engine context of one configuration entry, with what its pointers point to.
class ReplayContext {
 public:
  static absl::StatusOr<std::unique_ptr<ReplayContext>> FromSetup(const JournalEntry& entry) {
    const auto& setup = entry.setup();
    auto plan = core::NumberPlan::Parse(setup.carriers_csv(), setup.blocks_csv(),
                                        setup.local_networks_csv());
    if (!plan.ok()) {
      return absl::DataLossError(absl::StrCat("replay: the number plan recorded at journal entry ",
                                              entry.sequence(),
                                              " does not parse: ", plan.status().message()));
    }
    auto context = std::unique_ptr<ReplayContext>(new ReplayContext(*std::move(plan)));
    context->ctx_.plan = &context->plan_;
    context->ctx_.hasher = &context->hasher_;
    context->ctx_.policy = core::FromRecord(setup.port_policy());
    context->ctx_.refund_policy = core::FromRecord(setup.refund_policy());
    context->ctx_.carrier_ids.assign(setup.carrier_ids().begin(), setup.carrier_ids().end());
    return context;
  }

  const engine::EngineContext& ctx() const { return ctx_; }

 private:
  // Replay never hashes (the hashes are side effects); a handler that did would get values that
  // match nothing, and the comparison would show it.
  explicit ReplayContext(core::NumberPlan plan)
      : plan_(std::move(plan)), hasher_("replay has no identity key") {}

  core::NumberPlan plan_;
  core::IdentityHasher hasher_;
  engine::EngineContext ctx_;
};

std::string StepName(const JournalEntry& entry) {
  std::string name = absl::StrCat("journal entry ", entry.sequence(), " (", entry.command(), " by ",
                                  entry.actor());
  if (!entry.operator_name().empty()) absl::StrAppend(&name, " ", entry.operator_name());
  if (!entry.request_id().empty()) absl::StrAppend(&name, ", request ", entry.request_id());
  absl::StrAppend(&name, ", at ",
                  absl::FormatTime(core::FromProto(entry.at()), absl::UTCTimeZone()), ")");
  return name;
}

bool Before(const JournalEntry& entry, const ReplayOptions& options) {
  if (options.until_event_sequence > 0 &&
      entry.first_event_sequence() > options.until_event_sequence) {
    return false;
  }
  if (options.until_time.has_value() && core::FromProto(entry.at()) > *options.until_time) {
    return false;
  }
  return true;
}

absl::Status CheckEmpty(storage::Store& scratch) {
  auto counters = scratch.LoadCounters();
  if (!counters.ok()) return counters.status();
  if (counters->last_journal_sequence() > 0 || counters->last_event_sequence() > 0) {
    return absl::FailedPreconditionError("replay: the scratch store is not empty");
  }
  return absl::OkStatus();
}

// The single writer's batching, without threads: steps run one after another against a Txn over
// the batch staged so far, and the batch is committed every few steps.
class Runner {
 public:
  Runner(storage::Store& scratch, const ReplayOptions& options)
      : scratch_(scratch), options_(options) {}

  absl::Status Step(const JournalEntry& entry) {
    if (entry.has_setup()) {
      auto context = ReplayContext::FromSetup(entry);
      if (!context.ok()) return context.status();
      context_ = *std::move(context);
    } else if (context_ == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "replay: the journal does not begin with npd's configuration (", StepName(entry),
          " comes first): the data directory was written before the journal existed"));
    }
    engine::Txn txn(scratch_, staged_, cursors_, core::FromProto(entry.at()));
    txn.ReplayFrom(entry);
    txn.SetStep(entry);
    if (absl::Status s = engine::ReplayStep(txn, context_->ctx(), entry); !s.ok()) {
      return absl::AbortedError(
          absl::StrCat("replay diverged at ", StepName(entry), ": ", s.ToString()));
    }
    std::move(txn).MergeInto(staged_);
    const JournalEntry& replayed = staged_.journal.back();
    google::protobuf::util::MessageDifferencer differ;
    std::string report;
    differ.ReportDifferencesToString(&report);
    if (!differ.Compare(entry, replayed)) {
      return absl::AbortedError(absl::StrCat("replay diverged at ", StepName(entry),
                                             ": the step ran differently: ", report));
    }
    if (++pending_ >= options_.steps_per_commit) return Commit();
    return absl::OkStatus();
  }

  absl::Status Commit() {
    pending_ = 0;
    if (!staged_.HasWrites()) return absl::OkStatus();
    if (absl::Status s = scratch_.Commit(staged_.ToWriteSet()); !s.ok()) return s;
    for (const auto& [carrier, sequence] : staged_.cursors) cursors_[carrier] = sequence;
    engine::Staged next;
    next.counters = staged_.counters;
    staged_ = std::move(next);
    return absl::OkStatus();
  }

  uint64_t last_event_sequence() const { return staged_.counters.last_event_sequence(); }

 private:
  storage::Store& scratch_;
  const ReplayOptions& options_;
  std::unique_ptr<ReplayContext> context_;
  engine::Staged staged_;
  std::map<std::string, uint64_t> cursors_;
  size_t pending_ = 0;
};

}  // namespace

std::string DatabaseDir(const std::string& dir) {
  std::error_code error;
  const std::string database = storage::DatabaseDirOf(dir);
  if (std::filesystem::exists(std::filesystem::path(database) / "CURRENT", error)) return database;
  if (std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", error)) return dir;
  return "";
}

absl::StatusOr<ReplayOutcome> Replay(storage::Store& source, storage::Store& scratch,
                                     const ReplayOptions& options) {
  if (absl::Status s = CheckEmpty(scratch); !s.ok()) return s;
  auto counters = source.LoadCounters();
  if (!counters.ok()) return counters.status();
  ReplayOutcome outcome;
  outcome.journal_entries = counters->last_journal_sequence();
  if (outcome.journal_entries == 0 && counters->last_event_sequence() > 0) {
    return absl::FailedPreconditionError(
        "replay: the store has events but no journal: it was written before the journal existed");
  }
  Runner runner(scratch, options);
  uint64_t after = 0;
  bool done = false;
  while (!done) {
    auto entries = source.ReadJournal(after, kReadChunk);
    if (!entries.ok()) return entries.status();
    if (entries->empty()) break;
    for (const JournalEntry& entry : *entries) {
      if (entry.sequence() != after + 1) {
        return absl::DataLossError(absl::StrCat("replay: journal entry ", after + 1,
                                                " is missing (next is ", entry.sequence(), ")"));
      }
      after = entry.sequence();
      if (!Before(entry, options)) {
        outcome.stopped_early = true;
        done = true;
        break;
      }
      if (absl::Status s = runner.Step(entry); !s.ok()) return s;
      ++outcome.steps;
      outcome.last_step_at = core::FromProto(entry.at());
    }
    if (absl::Status s = runner.Commit(); !s.ok()) return s;
    if (options.progress) options.progress(outcome.steps, outcome.journal_entries);
  }
  if (!outcome.stopped_early && after < outcome.journal_entries) {
    return absl::DataLossError(absl::StrCat("replay: the journal ends at entry ", after,
                                            " but the counters say ", outcome.journal_entries));
  }
  outcome.last_event_sequence = runner.last_event_sequence();
  return outcome;
}

}  // namespace npd::replay
