#include "clients/npctl/replay_command.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/client/human_text.h"
#include "clients/client/json_text.h"
#include "daemon/core/history_event.h"
#include "daemon/core/time_convert.h"
#include "daemon/replay/replayer.h"
#include "daemon/replay/store_diff.h"
#include "storage/rocks_store.h"

namespace npd::npctl {
namespace {

struct ReplayArgs {
  std::string data_dir;
  std::string until;
  std::string scratch;
  size_t max_differences = 100;
};

// Progress of a long replay on stderr: a bar redrawn in place on a terminal, a line every 10%
// otherwise (logs, CI).
class Progress {
 public:
  Progress() : terminal_(isatty(STDERR_FILENO) == 1) {}

  void operator()(uint64_t done, uint64_t total) {
    if (total == 0) return;
    const int percent = static_cast<int>(done * 100 / total);
    if (terminal_) {
      const int filled = percent * kWidth / 100;
      std::fprintf(stderr, "\rreplay [%s%s] %3d%% %llu/%llu steps",
                   std::string(filled, '#').c_str(), std::string(kWidth - filled, ' ').c_str(),
                   percent, static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total));
      drew_ = done < total;  // a finished bar ends its line here, an unfinished one in Finish
      if (!drew_) std::fputc('\n', stderr);
      std::fflush(stderr);
    } else if (percent >= next_percent_) {
      std::fprintf(stderr, "replay: %d%% (%llu/%llu steps)\n", percent,
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
      next_percent_ = percent / 10 * 10 + 10;
    }
  }
  // Ends a bar left unfinished (the replay stopped early or failed).
  void Finish() {
    if (terminal_ && drew_) std::fputc('\n', stderr);
    drew_ = false;
  }

 private:
  static constexpr int kWidth = 40;
  const bool terminal_;
  bool drew_ = false;
  int next_percent_ = 0;
};

// Opens an existing data directory. A directory without a database is a usage error (opening
// would create an empty one); a locked one belongs to a running npd.
absl::StatusOr<std::unique_ptr<storage::Store>> OpenDataDir(const std::string& dir) {
  const std::string database = replay::DatabaseDir(dir);
  if (database.empty()) {
    throw UsageError(dir +
                     " is neither an npd data directory nor a checkpoint (no database in it)");
  }
  auto store = storage::OpenRocksStore(storage::RocksOptions{.path = database});
  if (!store.ok() && absl::IsUnavailable(store.status())) {
    return absl::UnavailableError(
        absl::StrCat(store.status().message(),
                     " (is npd running on it? replay a checkpoint: npctl admin checkpoint DIR)"));
  }
  return store;
}

absl::StatusOr<std::unique_ptr<storage::Store>> OpenScratch(const std::string& dir) {
  if (dir.empty()) return storage::NewMemoryStore();
  std::error_code error;
  if (std::filesystem::exists(dir, error)) {
    throw UsageError("--scratch " + dir + " exists: give a new directory");
  }
  return storage::OpenRocksStore(storage::RocksOptions{.path = dir, .sync_writes = false});
}

int Fail(const absl::Status& status) {
  std::cerr << "error: " << absl::StatusCodeToString(status.code()) << ": " << status.message()
            << std::endl;
  return absl::IsAborted(status) ? kExitDifferences : kExitRpcError;
}

std::string ChinaTime(absl::Time t) { return client::ShanghaiTime(core::ToProto(t)); }

int RunReplay(const ReplayArgs& args) {
  replay::ReplayOptions options;
  if (!args.until.empty()) {
    const HistoryPoint point = ParseHistoryPoint(args.until);
    options.until_event_sequence = point.event_sequence;
    options.until_time = point.time;
  }
  auto source = OpenDataDir(args.data_dir);
  if (!source.ok()) return Fail(source.status());
  auto scratch = OpenScratch(args.scratch);
  if (!scratch.ok()) return Fail(scratch.status());
  Progress progress;
  options.progress = [&progress](uint64_t done, uint64_t total) { progress(done, total); };
  auto outcome = replay::Replay(**source, **scratch, options);
  progress.Finish();
  if (!outcome.ok()) return Fail(outcome.status());
  std::cout << "replayed " << outcome->steps << " of " << outcome->journal_entries
            << " journal steps, events 1-" << outcome->last_event_sequence;
  if (outcome->steps > 0) std::cout << ", up to " << ChinaTime(outcome->last_step_at);
  std::cout << '\n';
  if (!args.scratch.empty()) std::cout << "replayed state kept in " << args.scratch << '\n';
  if (outcome->stopped_early) {
    std::cout << "stopped at --until " << args.until << ": nothing compared\n";
    return kExitOk;
  }
  auto differences = replay::CompareStores(**source, **scratch, args.max_differences);
  if (!differences.ok()) return Fail(differences.status());
  if (differences->empty()) {
    std::cout << "the stored state matches the journal in every table ("
              << absl::StrJoin(replay::ComparedTables(), ", ") << ")\n";
    return kExitOk;
  }
  for (const auto& d : *differences) std::cout << replay::Describe(d) << '\n';
  std::cout << differences->size()
            << (differences->size() >= args.max_differences ? " or more" : "")
            << " differences between the stored state and its journal\n";
  return kExitDifferences;
}

}  // namespace

HistoryPoint ParseHistoryPoint(const std::string& text) {
  HistoryPoint point;
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    if (text.size() > 19 || (point.event_sequence = std::stoull(text)) == 0) {
      throw UsageError("event sequence " + text + " is out of range");
    }
    return point;
  }
  absl::Time t;
  std::string error;
  const absl::TimeZone china = absl::FixedTimeZone(8 * 3600);
  for (const char* format :
       {absl::RFC3339_full, "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"}) {
    if (absl::ParseTime(format, text, china, &t, &error)) {
      point.time = t;
      return point;
    }
  }
  throw UsageError("'" + text +
                   "' is neither an event sequence nor a time (RFC 3339, or China time "
                   "YYYY-MM-DD[ HH:MM[:SS]])");
}

int ShowNumberAt(Session& session, const std::string& data_dir, const std::string& msisdn,
                 const HistoryPoint& at) {
  auto source = OpenDataDir(data_dir);
  if (!source.ok()) return Fail(source.status());
  auto scratch = storage::NewMemoryStore();
  replay::ReplayOptions options;
  options.until_event_sequence = at.event_sequence;
  options.until_time = at.time;
  Progress progress;
  options.progress = [&progress](uint64_t done, uint64_t total) { progress(done, total); };
  auto outcome = replay::Replay(**source, *scratch, options);
  progress.Finish();
  if (!outcome.ok()) return Fail(outcome.status());
  auto number = scratch->GetNumber(msisdn);
  if (!number.ok()) return Fail(number.status());
  storage::PortQuery query{.msisdn = msisdn, .limit = 1000};
  auto ports = scratch->ListPorts(query);
  if (!ports.ok()) return Fail(ports.status());
  auto refunds = scratch->ListRefunds(storage::RefundQuery{.msisdn = msisdn, .limit = 1000});
  if (!refunds.ok()) return Fail(refunds.status());
  auto events = scratch->ReadHistory(msisdn, 0, SIZE_MAX);
  if (!events.ok()) return Fail(events.status());
  if (session.json()) {
    for (const auto& p : ports->ports) std::cout << client::ToJsonLine(p.port()) << '\n';
    for (const auto& r : refunds->refunds) std::cout << client::ToJsonLine(r.refund()) << '\n';
    for (const auto& e : *events) {
      std::cout << client::ToJsonLine(core::ToHistoryEvent(e)) << '\n';
    }
    return kExitOk;
  }
  std::cout << msisdn << " as of " << ChinaTime(outcome->last_step_at) << " (event "
            << outcome->last_event_sequence << ", journal step " << outcome->steps << " of "
            << outcome->journal_entries << ")\n";
  if (!number->has_value()) {
    std::cout << "  no record: the number had seen no transaction yet\n";
    return kExitOk;
  }
  std::cout << "  serving carrier: " << (*number)->serving_carrier() << '\n'
            << "  live transaction: "
            << ((*number)->live_port_id().empty() ? "none" : (*number)->live_port_id()) << '\n';
  for (const auto& p : ports->ports) std::cout << client::PortBlock(p.port()) << '\n';
  for (const auto& r : refunds->refunds) std::cout << client::RefundBlock(r.refund()) << '\n';
  std::cout << "history:\n";
  for (const auto& e : *events) std::cout << client::HistoryLine(core::ToHistoryEvent(e)) << '\n';
  return kExitOk;
}

void AddReplayCommand(CLI::App& app, Session& session, Action& action) {
  auto args = std::make_shared<ReplayArgs>();
  CLI::App* command = app.add_subcommand(
      "replay", "Offline: re-run a data directory's journal and compare with its stored state");
  command
      ->add_option("--data-dir", args->data_dir,
                   "The data directory: a checkpoint (npctl admin checkpoint), not a running "
                   "npd's. Required")
      ->required()
      ->type_name("DIR");
  command
      ->add_option("--until", args->until,
                   "Stop at this event sequence or time (RFC 3339 or China time YYYY-MM-DD "
                   "[HH:MM[:SS]]) instead of comparing")
      ->type_name("SEQ|TIME");
  command
      ->add_option("--scratch", args->scratch,
                   "Keep the replayed state in this new directory (default: in memory)")
      ->type_name("DIR");
  command->add_option("--max-differences", args->max_differences, "Stop listing after this many")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  Explain(*command,
          "Runs every journal step of DIR again through npd's own handlers and state machines\n"
          "into a scratch store, then compares every table (numbers, ports, events, feed,\n"
          "timers, refunds, outbox, journal, counters) record by record with the stored state.\n"
          "Prints each difference with its number. Exit 0 when they match, 3 on any difference\n"
          "or when a step no longer runs as it did. Needs no --as: nothing is sent to npd.");
  command->callback([&session, &action, args] {
    session.SetOffline();
    action = [args] { return RunReplay(*args); };
  });
}

}  // namespace npd::npctl
