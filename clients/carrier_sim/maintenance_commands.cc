// `resync`, `audit` and `dump`: one-shot work on the local NP database. They may run while `run`
// follows the feed on the same database (SQLite serialises the writers).
#include <iostream>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>

#include "clients/carrier_sim/app.h"
#include "clients/carrier_sim/audit.h"
#include "clients/carrier_sim/sim_log.h"
#include "clients/carrier_sim/snapshot_resync.h"
#include "clients/client/json_text.h"

namespace npd::carrier_sim {
namespace {

// Deadline of a whole snapshot stream.
constexpr std::chrono::minutes kSnapshotTimeout{5};

int Resync(Session& session) {
  std::unique_ptr<LocalNpDb> db = session.OpenDb();
  if (db == nullptr) return kExitError;
  absl::StatusOr<ResyncResult> result =
      ResyncFromSnapshot(session.Channel(), session.options().carrier, *db, kSnapshotTimeout);
  if (!result.ok()) return session.Fail(result.status());
  std::cout << "re-synced: " << result->entries << " entries, position " << result->feed_sequence
            << std::endl;
  if (!result->confirm.ok()) {
    Log("warning: " + std::string(result->confirm.message()) +
        " (the next run confirms the position)");
  }
  return kExitOk;
}

std::string AuditSummaryJson(const AuditReport& report) {
  std::ostringstream json;
  json << "{\"local_position\":" << report.local_position
       << ",\"npd_feed_sequence\":" << report.npd_feed_sequence
       << ",\"blocks_compared\":" << report.blocks_compared
       << ",\"mismatched_blocks\":" << report.mismatches.size()
       << ",\"differences\":" << report.differences.size()
       << ",\"repaired\":" << (report.repaired ? "true" : "false") << "}";
  return json.str();
}

int Audit(Session& session, bool repair, bool json) {
  std::unique_ptr<LocalNpDb> db = session.OpenDb();
  if (db == nullptr) return kExitError;
  absl::StatusOr<AuditReport> report = RunAudit(session.Channel(), session.options().carrier, *db,
                                                repair, session.options().timeout());
  if (!report.ok()) return session.Fail(report.status());
  if (json) {
    for (const auto& difference : report->differences) {
      std::cout << client::ToJsonLine(difference) << '\n';
    }
    std::cout << AuditSummaryJson(*report) << std::endl;
  } else {
    std::cout << "audit of " << session.options().carrier << ": local position "
              << report->local_position << ", npd at " << report->npd_feed_sequence << ", "
              << report->blocks_compared << " blocks compared, " << report->mismatches.size()
              << " differ\n";
    for (const auto& difference : report->differences) {
      std::cout << "  " << DifferenceLine(difference) << '\n';
    }
    if (report->clean()) {
      std::cout << "clean" << std::endl;
    } else {
      std::cout << report->differences.size() << " differences"
                << (report->repaired ? ", repaired in the local database" : "") << std::endl;
    }
    if (!report->clean() && report->local_position != report->npd_feed_sequence) {
      std::cout << "note: the positions differ; changes one side has not applied yet show up as "
                   "differences"
                << std::endl;
    }
  }
  return report->clean() ? kExitOk : kExitDifferences;
}

int Dump(Session& session, bool json) {
  std::unique_ptr<LocalNpDb> db = session.OpenDb();
  if (db == nullptr) return kExitError;
  absl::StatusOr<uint64_t> position = db->Position();
  if (!position.ok()) return session.Fail(position.status());
  absl::StatusOr<std::vector<LocalEntry>> entries = db->Entries();
  if (!entries.ok()) return session.Fail(entries.status());
  if (json) {
    std::cout << "{\"position\":" << *position << ",\"entries\":" << entries->size() << "}\n";
  } else {
    std::cout << "position " << *position << ", " << entries->size() << " entries\n";
  }
  for (const LocalEntry& entry : *entries) {
    if (json) {
      std::cout << client::ToJsonLine(entry.ToRoutingEntry()) << '\n';
    } else {
      std::cout << entry.msisdn << ' ' << entry.serving_carrier << ' ' << entry.range_holder << ' '
                << (entry.port_id.empty() ? "-" : entry.port_id) << " #" << entry.sequence << '\n';
    }
  }
  std::cout << std::flush;
  return kExitOk;
}

}  // namespace

void AddResyncCommand(CLI::App& app, Session& session, Action& action) {
  CLI::App* resync = app.add_subcommand(
      "resync", "Replace the database with npd's snapshot and confirm its position");
  resync->footer(
      "Streams ExportSnapshot, checks its entry count, replaces every entry and sets the\n"
      "position in one transaction, then confirms the position. Prints\n"
      "  re-synced: <N> entries, position <P>");
  resync->callback([&session, &action] { action = [&session] { return Resync(session); }; });
}

void AddAuditCommand(CLI::App& app, Session& session, Action& action) {
  auto repair = std::make_shared<bool>(false);
  auto json = std::make_shared<bool>(false);
  CLI::App* audit = app.add_subcommand("audit", "Compare the database with npd's routing data");
  audit->add_flag("--repair", *repair,
                  "Write npd's routing for every difference into the database");
  audit->add_flag("--json", *json,
                  "One RoutingDifference JSON object per line, then a summary object");
  audit->footer(
      "CompareBlocks with a (count, digest) per 7-digit block, then DiffBlock for each block\n"
      "that differs. Prints one line per differing number:\n"
      "  13800138000  local cucc  npd ctcc (range holder cmcc, port P000000000001)\n"
      "('-' means no entry: the number routes to its range holder). Exit 0 clean, 3 differences.");
  audit->callback([&session, &action, repair, json] {
    action = [&session, repair, json] { return Audit(session, *repair, *json); };
  });
}

void AddDumpCommand(CLI::App& app, Session& session, Action& action) {
  auto json = std::make_shared<bool>(false);
  CLI::App* dump = app.add_subcommand("dump", "Print the database's position and entries");
  dump->add_flag("--json", *json, "A {position, entries} object, then one RoutingEntry per line");
  dump->footer(
      "Needs only --db. Prints 'position <P>, <N> entries', then one line per entry, ascending:\n"
      "  <msisdn> <serving carrier> <range holder> <port id or -> #<sequence that set it>");
  dump->callback(
      [&session, &action, json] { action = [&session, json] { return Dump(session, *json); }; });
}

}  // namespace npd::carrier_sim
