// The read rpcs of npd's services as their reactors run them once a call is admitted, without
// gRPC: the same validation, the same store queries and the same scoping, taken from
// daemon/service/*_service.cc (where the reactor code calls a function of the service, this calls
// that function: DescribeNumber, ReadAttentionPage, ReportCarriers, ScanPortedEntries, and the
// audit's CompareBlocks and DiffBlock whole). Keep the others in step with the services when they
// change.
//
// Each returns the rpc's status and fills the response; the checks a caller would notice (a
// carrier sees only what it is party to; pages ascend from their token) abort via Violation.
#ifndef NPD_TESTS_FUZZ_SUPPORT_SERVICE_READS_H_
#define NPD_TESTS_FUZZ_SUPPORT_SERVICE_READS_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/engine/command.h"
#include "daemon/service/principal.h"
#include "npd/v1/admin.pb.h"
#include "npd/v1/audit.pb.h"
#include "npd/v1/feed.pb.h"
#include "npd/v1/history.pb.h"
#include "npd/v1/number.pb.h"
#include "npd/v1/operations.pb.h"
#include "npd/v1/porting.pb.h"
#include "npd/v1/refund.pb.h"
#include "npd/v1/report.pb.h"
#include "storage/store.h"

namespace npd::fuzz {

// What a read needs besides the store.
struct ReadContext {
  storage::Store& store;
  const engine::EngineContext& engine;
  absl::Time now;
  const service::Principal& caller;
};

absl::Status GetPort(const ReadContext& rc, const npd::v1::GetPortRequest& request,
                     npd::v1::GetPortResponse& response);
absl::Status ListPorts(const ReadContext& rc, const npd::v1::ListPortsRequest& request,
                       npd::v1::ListPortsResponse& response);
absl::Status Lookup(const ReadContext& rc, const npd::v1::LookupRequest& request,
                    npd::v1::LookupResponse& response);
absl::Status BatchLookup(const ReadContext& rc, const npd::v1::BatchLookupRequest& request,
                         npd::v1::BatchLookupResponse& response);
// Subscribe's admission checks and its first read (at most 100 changes).
absl::Status Subscribe(const ReadContext& rc, const npd::v1::SubscribeRequest& request,
                       std::vector<npd::v1::RoutingChange>& changes);
// ExportSnapshot's first chunk (at most 1000 ported numbers).
absl::Status ExportSnapshot(const ReadContext& rc, const npd::v1::ExportSnapshotRequest& request,
                            std::vector<npd::v1::RoutingEntry>& entries);
absl::Status CompareBlocks(const ReadContext& rc, const npd::v1::CompareBlocksRequest& request,
                           npd::v1::CompareBlocksResponse& response);
absl::Status DiffBlock(const ReadContext& rc, const npd::v1::DiffBlockRequest& request,
                       npd::v1::DiffBlockResponse& response);
absl::Status GetRefund(const ReadContext& rc, const npd::v1::GetRefundRequest& request,
                       npd::v1::GetRefundResponse& response);
absl::Status ListRefunds(const ReadContext& rc, const npd::v1::ListRefundsRequest& request,
                         npd::v1::ListRefundsResponse& response);
absl::Status ListAttention(const ReadContext& rc, const npd::v1::ListAttentionRequest& request,
                           npd::v1::ListAttentionResponse& response);
absl::Status GetHistory(const ReadContext& rc, const npd::v1::GetHistoryRequest& request,
                        npd::v1::GetHistoryResponse& response);
absl::Status GetReport(const ReadContext& rc, const npd::v1::GetReportRequest& request,
                       npd::v1::GetReportResponse& response);

}  // namespace npd::fuzz

#endif  // NPD_TESTS_FUZZ_SUPPORT_SERVICE_READS_H_
