#include "clients/carrier_sim/snapshot_resync.h"

#include <vector>

#include "clients/carrier_sim/sim_log.h"
#include "clients/client/channel.h"
#include "clients/client/request_id.h"
#include "npd/v1/feed.grpc.pb.h"

namespace npd::carrier_sim {

absl::Status ConfirmPosition(const std::shared_ptr<grpc::Channel>& channel,
                             const std::string& carrier, uint64_t sequence,
                             std::chrono::milliseconds timeout) {
  npd::v1::ConfirmRequest request;
  request.set_request_id(client::NewRequestId());
  request.set_sequence(sequence);
  npd::v1::ConfirmResponse response;
  grpc::ClientContext context;
  client::PrepareCall(context, timeout);
  const grpc::Status status =
      npd::v1::RoutingFeedService::NewStub(channel)->Confirm(&context, request, &response);
  return FromGrpc(status, "Confirm(" + std::to_string(sequence) + ")");
}

absl::StatusOr<ResyncResult> ResyncFromSnapshot(const std::shared_ptr<grpc::Channel>& channel,
                                                const std::string& carrier, LocalNpDb& db,
                                                std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  client::PrepareCall(context, timeout);
  auto stub = npd::v1::RoutingFeedService::NewStub(channel);
  auto reader = stub->ExportSnapshot(&context, npd::v1::ExportSnapshotRequest());

  bool have_header = false;
  bool have_trailer = false;
  uint64_t feed_sequence = 0;
  uint64_t trailer_count = 0;
  std::vector<npd::v1::RoutingEntry> entries;
  std::string malformed;
  npd::v1::ExportSnapshotResponse message;
  while (malformed.empty() && reader->Read(&message)) {
    if (have_trailer) {
      malformed = "a message after the trailer";
    } else if (message.has_header()) {
      if (have_header) malformed = "a second header";
      have_header = true;
      feed_sequence = message.header().feed_sequence();
    } else if (!have_header) {
      malformed = "no header first";
    } else if (message.has_chunk()) {
      for (const auto& entry : message.chunk().entries()) entries.push_back(entry);
    } else if (message.has_trailer()) {
      have_trailer = true;
      trailer_count = message.trailer().entry_count();
    } else {
      malformed = "an empty message";
    }
  }
  if (!malformed.empty()) {
    context.TryCancel();
    while (reader->Read(&message)) {
    }
  }
  const grpc::Status status = reader->Finish();
  if (!malformed.empty()) return absl::DataLossError("snapshot stream malformed: " + malformed);
  if (!status.ok()) return FromGrpc(status, "ExportSnapshot");
  if (!have_trailer) return absl::DataLossError("snapshot stream ended without a trailer");
  if (trailer_count != entries.size()) {
    return absl::DataLossError("snapshot incomplete: trailer counts " +
                               std::to_string(trailer_count) + " entries, received " +
                               std::to_string(entries.size()));
  }
  if (absl::Status loaded = db.ReplaceFromSnapshot(feed_sequence, entries); !loaded.ok()) {
    return loaded;
  }
  ResyncResult result;
  result.feed_sequence = feed_sequence;
  result.entries = entries.size();
  result.confirm = ConfirmPosition(channel, carrier, feed_sequence, timeout);
  Log("re-synced from snapshot: " + std::to_string(result.entries) + " entries at position " +
      std::to_string(feed_sequence));
  return result;
}

}  // namespace npd::carrier_sim
