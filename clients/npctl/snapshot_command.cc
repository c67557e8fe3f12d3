// `npctl feed snapshot`: download a consistent snapshot of npd's routing entries (ExportSnapshot)
// as CSV or JSON lines, and report the feed position to resume from.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "clients/client/json_text.h"
#include "clients/npctl/commands.h"
#include "npd/v1/feed.grpc.pb.h"

namespace npd::npctl {
namespace {

constexpr char kCsvHeader[] = "msisdn,serving_carrier,range_holder";

struct SnapshotArgs {
  std::string out;  // empty: stdout
};

void WriteEntry(std::ostream& out, bool json, const npd::v1::RoutingEntry& entry) {
  if (json) {
    out << client::ToJsonLine(entry) << '\n';
  } else {
    out << entry.msisdn() << ',' << entry.serving_carrier() << ',' << entry.range_holder() << '\n';
  }
}

// Streams the snapshot into `out`. On success fills the header position and the entry count, which
// must equal the trailer's.
grpc::Status Download(Session& session, std::ostream& out, uint64_t& feed_sequence,
                      uint64_t& count) {
  grpc::Status status = session.Connect();
  if (!status.ok()) return status;
  auto stub = npd::v1::RoutingFeedService::NewStub(session.channel());
  grpc::ClientContext context;  // no deadline: a national snapshot takes as long as it takes
  auto reader = stub->ExportSnapshot(&context, npd::v1::ExportSnapshotRequest());
  npd::v1::ExportSnapshotResponse message;
  bool header = false;
  bool trailer = false;
  if (!session.json()) out << kCsvHeader << '\n';
  while (reader->Read(&message)) {
    if (message.has_header()) {
      header = true;
      feed_sequence = message.header().feed_sequence();
    } else if (message.has_chunk()) {
      for (const auto& entry : message.chunk().entries()) WriteEntry(out, session.json(), entry);
      count += message.chunk().entries_size();
    } else if (message.has_trailer()) {
      trailer = true;
      if (message.trailer().entry_count() != count) {
        context.TryCancel();
        reader->Finish();
        return grpc::Status(grpc::StatusCode::DATA_LOSS,
                            "snapshot trailer counts " +
                                std::to_string(message.trailer().entry_count()) + " entries but " +
                                std::to_string(count) + " arrived");
      }
    }
  }
  status = reader->Finish();
  if (status.ok() && (!header || !trailer)) {
    return grpc::Status(grpc::StatusCode::DATA_LOSS, "snapshot ended without header or trailer");
  }
  return status;
}

int RunSnapshot(Session& session, const SnapshotArgs& args) {
  uint64_t feed_sequence = 0;
  uint64_t count = 0;
  grpc::Status status;
  if (args.out.empty()) {
    status = Download(session, std::cout, feed_sequence, count);
    std::cout << std::flush;
  } else {
    // Written beside the target and renamed once complete, so FILE is never a partial snapshot.
    const std::string partial = args.out + ".partial";
    std::ofstream file(partial, std::ios::trunc);
    if (!file) throw UsageError("cannot write " + partial);
    status = Download(session, file, feed_sequence, count);
    file.close();
    std::error_code ignored;
    if (!status.ok() || !file) {
      std::filesystem::remove(partial, ignored);
      if (status.ok()) status = grpc::Status(grpc::StatusCode::UNKNOWN, "cannot write " + partial);
    } else {
      std::filesystem::rename(partial, args.out, ignored);
    }
  }
  if (!status.ok()) return session.Fail(status);
  // With --out the summary is the output; otherwise stdout carries the entries and it goes to
  // stderr.
  std::ostream& summary = args.out.empty() ? std::cerr : std::cout;
  summary << "snapshot at feed_sequence " << feed_sequence << ": " << count
          << " entries; resume the feed with --from " << feed_sequence + 1 << std::endl;
  return kExitOk;
}

}  // namespace

void AddFeedSnapshotCommand(CLI::App& feed, Session& session, Action& action) {
  auto args = std::make_shared<SnapshotArgs>();
  CLI::App* snapshot =
      feed.add_subcommand("snapshot", "Download a consistent snapshot of the ported numbers");
  snapshot->add_option("--out", args->out, "Write the entries to FILE instead of stdout")
      ->type_name("FILE");
  Explain(*snapshot,
          "Writes every number whose serving carrier differs from its range holder, ascending,\n"
          "as CSV (header msisdn,serving_carrier,range_holder) or, with --json, one RoutingEntry\n"
          "per line; then prints the feed position the snapshot is consistent with. To re-sync:\n"
          "load the snapshot, confirm feed_sequence, watch the feed from feed_sequence + 1.\n"
          "Example: npctl --as ctcc feed snapshot --out routing.csv");
  snapshot->callback([&session, &action, args] {
    action = [&session, args] { return RunSnapshot(session, *args); };
  });
}

}  // namespace npd::npctl
