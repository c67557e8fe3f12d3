#include "clients/carrier_sim/audit.h"

#include <algorithm>
#include <map>

#include "clients/carrier_sim/block_digest.h"
#include "clients/carrier_sim/sim_log.h"
#include "clients/client/channel.h"
#include "npd/v1/audit.grpc.pb.h"

namespace npd::carrier_sim {
namespace {

class Auditor {
 public:
  Auditor(const std::shared_ptr<grpc::Channel>& channel, const std::string& carrier,
          std::chrono::milliseconds timeout, size_t max_blocks, AuditReport& report)
      : stub_(npd::v1::AuditService::NewStub(channel)),
        carrier_(carrier),
        timeout_(timeout),
        max_blocks_(std::max<size_t>(max_blocks, 1)),
        report_(report) {}

  // Compares the blocks under `scope`, splitting it by the next digit while it holds too many.
  absl::Status Compare(const std::map<std::string, Block>& blocks, const std::string& scope) {
    const auto begin = blocks.lower_bound(scope);
    auto end = begin;
    size_t count = 0;
    while (end != blocks.end() && end->first.starts_with(scope)) {
      ++end;
      ++count;
    }
    if (count > max_blocks_ && scope.size() < kAuditBlockDigits) {
      for (char digit = '0'; digit <= '9'; ++digit) {
        if (absl::Status s = Compare(blocks, scope + digit); !s.ok()) return s;
      }
      return absl::OkStatus();
    }
    npd::v1::CompareBlocksRequest request;
    request.set_scope_prefix(scope);
    for (const auto& digest : BlockDigests(std::map<std::string, Block>(begin, end))) {
      *request.add_blocks() = digest;
    }
    npd::v1::CompareBlocksResponse response;
    grpc::ClientContext context;
    client::PrepareCall(context, timeout_);
    const grpc::Status status = stub_->CompareBlocks(&context, request, &response);
    if (!status.ok()) return FromGrpc(status, "CompareBlocks");
    report_.blocks_compared += response.blocks_compared();
    report_.npd_feed_sequence = std::max(report_.npd_feed_sequence, response.feed_sequence());
    for (const auto& mismatch : response.mismatches()) report_.mismatches.push_back(mismatch);
    return absl::OkStatus();
  }

  absl::Status Diff(const std::string& block, const std::vector<LocalEntry>& entries) {
    npd::v1::DiffBlockRequest request;
    request.set_block(block);
    for (const LocalEntry& entry : entries) *request.add_entries() = entry.ToRoutingEntry();
    npd::v1::DiffBlockResponse response;
    grpc::ClientContext context;
    client::PrepareCall(context, timeout_);
    const grpc::Status status = stub_->DiffBlock(&context, request, &response);
    if (!status.ok()) return FromGrpc(status, "DiffBlock(" + block + ")");
    report_.npd_feed_sequence = std::max(report_.npd_feed_sequence, response.feed_sequence());
    for (const auto& difference : response.differences()) {
      report_.differences.push_back(difference);
    }
    return absl::OkStatus();
  }

 private:
  std::unique_ptr<npd::v1::AuditService::Stub> stub_;
  const std::string& carrier_;
  const std::chrono::milliseconds timeout_;
  const size_t max_blocks_;
  AuditReport& report_;
};

}  // namespace

absl::StatusOr<AuditReport> RunAudit(const std::shared_ptr<grpc::Channel>& channel,
                                     const std::string& carrier, LocalNpDb& db, bool repair,
                                     std::chrono::milliseconds timeout, size_t max_blocks) {
  AuditReport report;
  absl::StatusOr<uint64_t> position = db.Position();
  if (!position.ok()) return position.status();
  report.local_position = *position;
  absl::StatusOr<std::vector<LocalEntry>> entries = db.Entries();
  if (!entries.ok()) return entries.status();
  const std::map<std::string, Block> blocks = GroupByBlock(*entries);

  Auditor auditor(channel, carrier, timeout, max_blocks, report);
  if (absl::Status s = auditor.Compare(blocks, ""); !s.ok()) return s;
  std::sort(report.mismatches.begin(), report.mismatches.end(),
            [](const auto& a, const auto& b) { return a.block() < b.block(); });
  for (const auto& mismatch : report.mismatches) {
    const auto it = blocks.find(mismatch.block());
    static const std::vector<LocalEntry> kNone;
    if (absl::Status s =
            auditor.Diff(mismatch.block(), it == blocks.end() ? kNone : it->second.entries);
        !s.ok()) {
      return s;
    }
  }
  if (repair && !report.differences.empty()) {
    std::vector<npd::v1::RoutingEntry> correct;
    for (const auto& difference : report.differences) correct.push_back(difference.correct());
    if (absl::Status s = db.Repair(correct); !s.ok()) return s;
    report.repaired = true;
  }
  return report;
}

std::string DifferenceLine(const npd::v1::RoutingDifference& difference) {
  const npd::v1::RoutingEntry& correct = difference.correct();
  const bool remove = correct.serving_carrier() == correct.range_holder();
  std::string line = difference.msisdn() + "  local " +
                     (difference.carrier_serving().empty() ? "-" : difference.carrier_serving()) +
                     "  npd " + (remove ? "-" : correct.serving_carrier()) + " (range holder " +
                     correct.range_holder();
  if (!correct.port_id().empty()) line += ", port " + correct.port_id();
  return line + ")";
}

}  // namespace npd::carrier_sim
