// `npctl audit FILE`: compare a carrier's routing entries (a CSV file) with npd's, the two-step
// audit of audit.proto: block digests first (CompareBlocks), then the entries of each differing
// block (DiffBlock). Prints every differing number; exits kExitDifferences when there is any.
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "clients/client/json_text.h"
#include "clients/client/routing_digest.h"
#include "clients/npctl/commands.h"
#include "npd/v1/audit.grpc.pb.h"

namespace npd::npctl {
namespace {

struct AuditArgs {
  std::string file;
  std::string scope;
};

// The carrier's entries under the scope, by block.
using EntriesByBlock = std::map<std::string, std::vector<npd::v1::RoutingEntry>>;

bool AllDigits(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// Reads "msisdn,serving_carrier[,...]" lines (an optional header line, blank lines and '#' comments
// are skipped; more columns, e.g. a snapshot's range_holder, are ignored). Throws UsageError naming
// the line for a malformed or repeated number.
EntriesByBlock ReadEntries(const AuditArgs& args) {
  std::ifstream in(args.file);
  if (!in) throw UsageError("cannot read " + args.file);
  EntriesByBlock blocks;
  std::set<std::string> seen;
  std::string line;
  bool first = true;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const size_t comma = line.find(',');
    const std::string msisdn = line.substr(0, comma);
    if (std::exchange(first, false) && !AllDigits(msisdn)) continue;  // header
    const std::string where = args.file + ":" + std::to_string(number) + ": ";
    if (comma == std::string::npos) throw UsageError(where + "expected msisdn,serving_carrier");
    const size_t end = line.find(',', comma + 1);
    const std::string serving =
        line.substr(comma + 1, end == std::string::npos ? end : end - comma - 1);
    if (!AllDigits(msisdn) || msisdn.size() != 11) {
      throw UsageError(where + "'" + msisdn + "' is not an 11-digit number");
    }
    if (serving.empty()) throw UsageError(where + "serving_carrier is empty");
    if (!seen.insert(msisdn).second) throw UsageError(where + msisdn + " is listed twice");
    if (!msisdn.starts_with(args.scope)) continue;
    auto& entry = blocks[msisdn.substr(0, client::kAuditBlockDigits)].emplace_back();
    entry.set_msisdn(msisdn);
    entry.set_serving_carrier(serving);
  }
  return blocks;
}

std::string DifferenceLine(const npd::v1::RoutingDifference& d) {
  const auto& correct = d.correct();
  std::string line = d.msisdn() + ": you have ";
  line += d.carrier_serving().empty() ? "no entry" : d.carrier_serving();
  if (correct.serving_carrier() == correct.range_holder()) {
    line += ", npd has no entry (served by range holder " + correct.range_holder() + ")";
  } else {
    line +=
        ", npd has " + correct.serving_carrier() + " (range holder " + correct.range_holder() + ")";
  }
  return line;
}

int RunAudit(Session& session, const AuditArgs& args) {
  if (args.scope.size() > client::kAuditBlockDigits ||
      !(args.scope.empty() || AllDigits(args.scope))) {
    throw UsageError("--scope must be 0 to 7 digits");
  }
  const EntriesByBlock blocks = ReadEntries(args);
  auto stub = npd::v1::AuditService::NewStub(session.channel());

  npd::v1::CompareBlocksRequest compare;
  compare.set_scope_prefix(args.scope);
  for (const auto& [block, entries] : blocks) {
    auto& digest = *compare.add_blocks();
    digest.set_block(block);
    digest.set_count(entries.size());
    uint64_t value = 0;
    for (const auto& e : entries)
      value ^= client::AuditEntryDigest(e.msisdn(), e.serving_carrier());
    digest.set_digest(value);
  }
  npd::v1::CompareBlocksResponse compared;
  grpc::Status status = session.Unary([&](grpc::ClientContext* context) {
    return stub->CompareBlocks(context, compare, &compared);
  });
  if (!status.ok()) return session.Fail(status);

  size_t differences = 0;
  for (const auto& mismatch : compared.mismatches()) {
    npd::v1::DiffBlockRequest diff;
    diff.set_block(mismatch.block());
    if (auto it = blocks.find(mismatch.block()); it != blocks.end()) {
      for (const auto& e : it->second) *diff.add_entries() = e;
    }
    npd::v1::DiffBlockResponse response;
    status = session.Unary(
        [&](grpc::ClientContext* context) { return stub->DiffBlock(context, diff, &response); });
    if (!status.ok()) return session.Fail(status);
    for (const auto& d : response.differences()) {
      ++differences;
      std::cout << (session.json() ? client::ToJsonLine(d) : DifferenceLine(d)) << '\n';
    }
  }
  if (!session.json()) {
    std::cout << "audit at feed_sequence " << compared.feed_sequence() << ": "
              << compared.blocks_compared() << " blocks compared, " << compared.mismatches_size()
              << " differ, " << differences << " numbers differ" << '\n';
  }
  std::cout << std::flush;
  return differences == 0 ? kExitOk : kExitDifferences;
}

}  // namespace

void AddAuditCommand(CLI::App& app, Session& session, Action& action) {
  auto args = std::make_shared<AuditArgs>();
  CLI::App* audit = app.add_subcommand("audit", "Compare your routing entries with npd's");
  audit
      ->add_option("FILE", args->file,
                   "CSV of your entries: msisdn,serving_carrier (header optional; more\n"
                   "columns ignored, so a `feed snapshot` file works)")
      ->required();
  audit->add_option("--scope", args->scope, "Audit only numbers starting with these digits (0-7)")
      ->type_name("PREFIX");
  Explain(*audit,
          "Sends one digest per 7-digit block (CompareBlocks), then the entries of each block\n"
          "that differs (DiffBlock), and prints every differing number:\n"
          "  13800138001: you have cucc, npd has ctcc (range holder cmcc)\n"
          "With --json, one RoutingDifference per line. Changes after your feed position show\n"
          "up as differences until you applied them. Exit status 0 when everything matches,\n"
          "3 when something differs.\n"
          "Example: npctl --as cucc audit routing.csv --scope 138");
  audit->callback([&session, &action, args] {
    action = [&session, args] { return RunAudit(session, *args); };
  });
}

}  // namespace npd::npctl
