#include "daemon/service/operations_service.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "daemon/core/attention.h"
#include "daemon/engine/handlers.h"
#include "daemon/service/status.h"
#include "daemon/service/unary.h"
#include "daemon/service/validation.h"

namespace npd::service {
namespace {

constexpr char kCancelStalePort[] = "/npd.v1.OperationsService/CancelStalePort";
// Stored records one ListAttention call examines at most, and per store read.
constexpr size_t kScanBudget = 5000;
constexpr size_t kScanChunk = 500;
// Exclusive start of the refund phase: below every refund id ("R" + 12 digits, from 1).
constexpr char kFirstRefundToken[] = "R000000000000";

bool WantsPorts(npd::v1::AttentionKind kind) { return core::IsPortAttentionKind(kind); }
bool WantsRefunds(npd::v1::AttentionKind kind) { return core::IsRefundAttentionKind(kind); }

}  // namespace

absl::StatusOr<npd::v1::ListAttentionResponse> ReadAttentionPage(
    storage::Store& store, const npd::v1::ListAttentionRequest& request,
    const core::PortPolicy& policy, absl::Time now, size_t scan_budget) {
  const size_t page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  const npd::v1::AttentionKind kind = request.kind();
  npd::v1::ListAttentionResponse response;
  std::string token = request.page_token();
  size_t budget = std::max<size_t>(scan_budget, 1);
  auto full = [&](size_t adding) {
    return response.items_size() > 0 && response.items_size() + adding > page_size;
  };

  if (WantsPorts(kind) && (token.empty() || token[0] == 'P')) {
    for (bool more = true; more;) {
      if (budget == 0) {
        response.set_next_page_token(token);
        return response;
      }
      storage::PortQuery query;  // no state filter: every stored port counts against the budget
      query.after_port_id = token;
      query.limit = std::min(budget, kScanChunk);
      auto page = store.ListPorts(query);
      if (!page.ok()) return page.status();
      for (const auto& record : page->ports) {
        std::vector<npd::v1::AttentionItem> items =
            core::PortAttention(record.port(), kind, policy, now);
        if (full(items.size())) {
          response.set_next_page_token(token);
          return response;
        }
        for (auto& item : items) *response.add_items() = std::move(item);
        token = record.port().port_id();
        --budget;
      }
      more = page->more;
    }
    token = kFirstRefundToken;
  }
  if (!WantsRefunds(kind)) return response;
  if (token.empty() || token[0] != 'R') token = kFirstRefundToken;
  for (bool more = true; more;) {
    if (budget == 0) {
      response.set_next_page_token(token);
      return response;
    }
    storage::RefundQuery query;  // no state filter, as for ports
    query.after_refund_id = token;
    query.limit = std::min(budget, kScanChunk);
    auto page = store.ListRefunds(query);
    if (!page.ok()) return page.status();
    for (const auto& record : page->refunds) {
      auto item = core::RefundAttention(record.refund(), kind);
      if (item.has_value() && full(1)) {
        response.set_next_page_token(token);
        return response;
      }
      if (item.has_value()) *response.add_items() = *std::move(item);
      token = record.refund().refund_id();
      --budget;
    }
    more = page->more;
  }
  return response;
}

grpc::ServerUnaryReactor* OperationsService::ListAttention(
    grpc::CallbackServerContext* context, const npd::v1::ListAttentionRequest* request,
    npd::v1::ListAttentionResponse* response) {
  return RunRead(gatekeeper_, context, *request, "/npd.v1.OperationsService/ListAttention",
                 [&](const Principal&) -> absl::Status {
                   if (auto s = Validate(*request); !s.ok()) return s;
                   auto page = ReadAttentionPage(store_, *request, engine_.context().policy,
                                                 clock_.Now(), kScanBudget);
                   if (!page.ok()) return page.status();
                   *response = *std::move(page);
                   return absl::OkStatus();
                 });
}

grpc::ServerUnaryReactor* OperationsService::CancelStalePort(
    grpc::CallbackServerContext* context, const npd::v1::CancelStalePortRequest* request,
    npd::v1::CancelStalePortResponse* response) {
  return RunMutation(
      engine_, gatekeeper_, context, *request, response, kCancelStalePort,
      [&] { return Validate(*request); }, &engine::HandleOperatorCancel);
}

}  // namespace npd::service
