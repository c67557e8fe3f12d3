#include "daemon/service/audit_service.h"

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/core/routing_digest.h"
#include "daemon/core/string_view_compat.h"
#include "daemon/service/routing_entries.h"
#include "daemon/service/status.h"
#include "daemon/service/unary.h"

namespace npd::service {
namespace {

// Number records read from the snapshot at a time.
constexpr size_t kScanPage = 1000;

// Every ported entry of `snapshot` under `prefix`, ascending.
absl::StatusOr<std::vector<npd::v1::RoutingEntry>> EntriesUnder(storage::StoreSnapshot& snapshot,
                                                                const core::NumberPlan& plan,
                                                                std::string_view prefix) {
  std::vector<npd::v1::RoutingEntry> entries;
  std::string after;
  for (;;) {
    auto step = ScanPortedEntries(snapshot, plan, prefix, after, kScanPage, entries);
    if (!step.ok()) return step.status();
    if (step->done) return entries;
    after = std::move(step->last_msisdn);
  }
}

}  // namespace

absl::Status Validate(const npd::v1::CompareBlocksRequest& request) {
  const std::string& scope = request.scope_prefix();
  if (auto s = core::ValidateScopePrefix(scope, "scope_prefix"); !s.ok()) return s;
  if (request.blocks_size() > kMaxAuditBlocks) {
    return absl::InvalidArgumentError(absl::StrCat("blocks holds ", request.blocks_size(),
                                                   " blocks; at most ", kMaxAuditBlocks,
                                                   " per call: split the audit by scope_prefix"));
  }
  std::set<std::string_view> seen;
  for (int i = 0; i < request.blocks_size(); ++i) {
    const std::string& block = request.blocks(i).block();
    const std::string field = absl::StrCat("blocks[", i, "].block");
    if (auto s = core::ValidateBlock(block, field); !s.ok()) return s;
    if (!block.starts_with(scope)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " ", block, " is outside scope_prefix '", scope, "'"));
    }
    if (!seen.insert(block).second) {
      return absl::InvalidArgumentError(absl::StrCat(field, " ", block, " is given twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status Validate(const npd::v1::DiffBlockRequest& request) {
  const std::string& block = request.block();
  if (auto s = core::ValidateBlock(block, "block"); !s.ok()) return s;
  if (request.entries_size() > kMaxDiffEntries) {
    return absl::InvalidArgumentError(absl::StrCat("entries holds ", request.entries_size(),
                                                   " entries; a block has at most ",
                                                   kMaxDiffEntries));
  }
  std::set<std::string_view> seen;
  for (int i = 0; i < request.entries_size(); ++i) {
    const auto& entry = request.entries(i);
    const std::string field = absl::StrCat("entries[", i, "]");
    if (auto s = core::ValidateMsisdn(entry.msisdn()); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".msisdn: ", s.message()));
    }
    if (!entry.msisdn().starts_with(block)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".msisdn ", entry.msisdn(), " is outside block ", block));
    }
    if (entry.serving_carrier().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".serving_carrier is empty"));
    }
    if (!seen.insert(entry.msisdn()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".msisdn ", entry.msisdn(), " is given twice"));
    }
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* AuditService::CompareBlocks(grpc::CallbackServerContext* context,
                                                      const npd::v1::CompareBlocksRequest* request,
                                                      npd::v1::CompareBlocksResponse* response) {
  return RunRead(
      gatekeeper_, context, *request, "/npd.v1.AuditService/CompareBlocks",
      [&](const Principal&) { return service::CompareBlocks(store_, plan_, *request, *response); });
}

grpc::ServerUnaryReactor* AuditService::DiffBlock(grpc::CallbackServerContext* context,
                                                  const npd::v1::DiffBlockRequest* request,
                                                  npd::v1::DiffBlockResponse* response) {
  return RunRead(
      gatekeeper_, context, *request, "/npd.v1.AuditService/DiffBlock",
      [&](const Principal&) { return service::DiffBlock(store_, plan_, *request, *response); });
}

absl::Status CompareBlocks(storage::Store& store, const core::NumberPlan& plan,
                           const npd::v1::CompareBlocksRequest& request,
                           npd::v1::CompareBlocksResponse& response) {
  if (auto s = Validate(request); !s.ok()) return s;
  auto snapshot = store.Snapshot();
  if (!snapshot.ok()) return snapshot.status();
  auto entries = EntriesUnder(**snapshot, plan, request.scope_prefix());
  if (!entries.ok()) return entries.status();
  core::BlockSummaries ours;
  for (const auto& e : *entries) {
    ours[std::string(core::BlockOf(e.msisdn()))].Add(e.msisdn(), e.serving_carrier());
  }
  core::BlockSummaries theirs;
  for (const auto& b : request.blocks()) {
    theirs[b.block()] = core::BlockSummary{.count = b.count(), .digest = b.digest()};
  }
  uint64_t compared = 0;
  for (auto& mismatch : core::CompareSummaries(ours, theirs, compared)) {
    *response.add_mismatches() = std::move(mismatch);
  }
  response.set_blocks_compared(compared);
  response.set_feed_sequence((*snapshot)->counters().last_feed_sequence());
  return absl::OkStatus();
}

absl::Status DiffBlock(storage::Store& store, const core::NumberPlan& plan,
                       const npd::v1::DiffBlockRequest& request,
                       npd::v1::DiffBlockResponse& response) {
  if (auto s = Validate(request); !s.ok()) return s;
  auto snapshot = store.Snapshot();
  if (!snapshot.ok()) return snapshot.status();
  auto entries = EntriesUnder(**snapshot, plan, request.block());
  if (!entries.ok()) return entries.status();
  const std::vector<npd::v1::RoutingEntry> theirs(request.entries().begin(),
                                                  request.entries().end());
  auto differences = core::DiffEntries(*entries, theirs,
                                       [&](std::string_view msisdn) -> absl::StatusOr<std::string> {
                                         auto facts = plan.Describe(msisdn);
                                         if (!facts.ok()) return facts.status();
                                         return facts->range_holder;
                                       });
  if (!differences.ok()) return differences.status();
  for (auto& d : *differences) *response.add_differences() = std::move(d);
  response.set_feed_sequence((*snapshot)->counters().last_feed_sequence());
  return absl::OkStatus();
}

}  // namespace npd::service
