#include "daemon/service/snapshot_stream.h"

#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "daemon/core/time_convert.h"
#include "daemon/service/routing_entries.h"
#include "daemon/service/status.h"

namespace npd::service {
namespace {
// Records read for one write at most; a chunk of a sparse range may hold fewer entries (rarely
// none) rather than holding the reactor longer.
constexpr size_t kMaxRecordsPerWrite = 8 * SnapshotStream::kChunkEntries;
}  // namespace

SnapshotStream::SnapshotStream(std::unique_ptr<storage::StoreSnapshot> snapshot,
                               const core::NumberPlan& plan,
                               std::shared_ptr<CallerLimits::Slot> slot)
    : snapshot_(std::move(snapshot)), plan_(plan), slot_(std::move(slot)) {}

void SnapshotStream::Begin() {
  auto& header = *message_.mutable_header();
  header.set_feed_sequence(snapshot_->counters().last_feed_sequence());
  *header.mutable_taken_at() = core::ToProto(absl::Now());
  StartWrite(&message_);
}

void SnapshotStream::OnWriteDone(bool ok) {
  if (!ok) {
    Finish(grpc::Status(grpc::StatusCode::CANCELLED, "snapshot stream broken"));
    return;
  }
  WriteNext();
}

void SnapshotStream::WriteNext() {
  if (trailer_sent_) {
    snapshot_.reset();  // releases the pinned snapshot before gRPC is done with the stream
    Finish(grpc::Status::OK);
    return;
  }
  std::vector<npd::v1::RoutingEntry> entries;
  size_t read = 0;
  while (!scanned_all_ && entries.size() < kChunkEntries && read < kMaxRecordsPerWrite) {
    const size_t max = kChunkEntries - entries.size();
    auto step = ScanPortedEntries(*snapshot_, plan_, "", last_msisdn_, max, entries);
    if (!step.ok()) {
      Finish(ToGrpcStatus(step.status()));
      return;
    }
    read += max;
    last_msisdn_ = std::move(step->last_msisdn);
    scanned_all_ = step->done;
  }
  message_.Clear();
  if (entries.empty() && scanned_all_) {
    message_.mutable_trailer()->set_entry_count(sent_);
    trailer_sent_ = true;
  } else {
    sent_ += entries.size();
    auto* chunk = message_.mutable_chunk()->mutable_entries();
    chunk->Reserve(static_cast<int>(entries.size()));
    for (auto& entry : entries) *chunk->Add() = std::move(entry);
  }
  StartWrite(&message_);
}

}  // namespace npd::service
