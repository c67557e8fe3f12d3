#include "tests/fuzz/support/service_reads.h"

#include <string>
#include <unordered_map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/core/history_event.h"
#include "daemon/core/port_machine.h"
#include "daemon/core/report.h"
#include "daemon/core/time_convert.h"
#include "daemon/service/audit_service.h"
#include "daemon/service/feed_service.h"
#include "daemon/service/number_service.h"
#include "daemon/service/operations_service.h"
#include "daemon/service/refund_validation.h"
#include "daemon/service/report_service.h"
#include "daemon/service/routing_entries.h"
#include "daemon/service/validation.h"
#include "tests/fuzz/support/fuzz_world.h"

namespace npd::fuzz {
namespace {

using service::PrincipalKind;

bool IsOperator(const service::Principal& caller) {
  return caller.kind == PrincipalKind::kOperator;
}

// PortingService's MaySee.
bool MaySee(const service::Principal& caller, const npd::v1::Port& port) {
  return IsOperator(caller) || caller.Carrier() == port.donor() ||
         caller.Carrier() == port.recipient();
}

}  // namespace

absl::Status GetPort(const ReadContext& rc, const npd::v1::GetPortRequest& request,
                     npd::v1::GetPortResponse& response) {
  if (auto s = service::ValidatePortId(request.port_id()); !s.ok()) return s;
  auto record = rc.store.GetPort(request.port_id());
  if (!record.ok()) return record.status();
  if (!record->has_value() || !MaySee(rc.caller, (*record)->port())) {
    return absl::NotFoundError(absl::StrCat("no port ", request.port_id()));
  }
  *response.mutable_port() = (*record)->port();
  return absl::OkStatus();
}

absl::Status ListPorts(const ReadContext& rc, const npd::v1::ListPortsRequest& request,
                       npd::v1::ListPortsResponse& response) {
  if (auto s = service::Validate(request, *rc.engine.plan); !s.ok()) return s;
  storage::PortQuery query;
  query.msisdn = request.msisdn();
  query.carrier = request.carrier();
  query.state = request.state();
  query.after_port_id = request.page_token();
  query.limit = request.page_size() == 0 ? service::kDefaultPageSize : request.page_size();
  if (!IsOperator(rc.caller)) {
    if (!query.carrier.empty() && query.carrier != rc.caller.Carrier()) {
      return absl::PermissionDeniedError("a carrier may list only its own ports");
    }
    query.carrier = rc.caller.Carrier();
  }
  auto page = rc.store.ListPorts(query);
  if (!page.ok()) return page.status();
  std::string previous = query.after_port_id;
  for (const auto& record : page->ports) {
    const npd::v1::Port& port = record.port();
    if (port.port_id() <= previous) {
      Violation("ListPorts: " + port.port_id() + " does not come after " + previous);
    }
    previous = port.port_id();
    if (!MaySee(rc.caller, port)) {
      Violation("ListPorts shows " + port.port_id() + " to " + rc.caller.Uri() +
                ", which is not party to it");
    }
    if ((!query.msisdn.empty() && port.msisdn() != query.msisdn) ||
        (query.state != npd::v1::PORT_STATE_UNSPECIFIED && port.state() != query.state) ||
        (!query.carrier.empty() && port.donor() != query.carrier &&
         port.recipient() != query.carrier)) {
      Violation("ListPorts returned " + port.port_id() + ", which does not match the filter");
    }
    *response.add_ports() = port;
  }
  if (page->ports.size() > query.limit) Violation("ListPorts returned more than page_size");
  if (page->more && !page->ports.empty()) {
    response.set_next_page_token(page->ports.back().port().port_id());
    npd::v1::ListPortsRequest next = request;
    next.set_page_token(response.next_page_token());
    if (!service::Validate(next, *rc.engine.plan).ok()) {
      Violation("ListPorts returned page token '" + response.next_page_token() +
                "', which it refuses");
    }
  }
  return absl::OkStatus();
}

absl::Status Lookup(const ReadContext& rc, const npd::v1::LookupRequest& request,
                    npd::v1::LookupResponse& response) {
  auto info = service::DescribeNumber(*rc.engine.plan, rc.store, request.msisdn());
  if (!info.ok()) return info.status();
  *response.mutable_number() = *std::move(info);
  return absl::OkStatus();
}

absl::Status BatchLookup(const ReadContext& rc, const npd::v1::BatchLookupRequest& request,
                         npd::v1::BatchLookupResponse& response) {
  if (request.msisdns_size() == 0 || request.msisdns_size() > service::kMaxBatchLookup) {
    return absl::InvalidArgumentError(
        absl::StrCat("msisdns must hold 1-", service::kMaxBatchLookup, " numbers"));
  }
  for (const auto& msisdn : request.msisdns()) {
    auto* result = response.add_results();
    result->set_msisdn(msisdn);
    auto info = service::DescribeNumber(*rc.engine.plan, rc.store, msisdn);
    if (info.ok()) {
      *result->mutable_number() = *std::move(info);
    } else if (absl::IsInvalidArgument(info.status())) {
      result->set_error(std::string(info.status().message()));
    } else {
      return info.status();
    }
  }
  return absl::OkStatus();
}

absl::Status Subscribe(const ReadContext& rc, const npd::v1::SubscribeRequest& request,
                       std::vector<npd::v1::RoutingChange>& changes) {
  auto counters = rc.store.LoadCounters();
  if (!counters.ok()) return counters.status();
  const uint64_t head = counters->last_feed_sequence();
  const uint64_t first = std::max<uint64_t>(counters->first_retained_feed_sequence(), 1);
  const std::string caller = rc.caller.Actor();
  uint64_t from = request.from_sequence();
  if (from == 0) {
    uint64_t confirmed = 0;
    auto cursors = rc.store.LoadCursors();
    if (!cursors.ok()) return cursors.status();
    for (const auto& c : *cursors) {
      if (c.carrier() == caller) confirmed = c.confirmed_sequence();
    }
    from = caller == core::kOperatorActor ? 1 : confirmed + 1;
  }
  if (from > head + 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("from_sequence ", from, " is beyond the feed head ", head, " + 1"));
  }
  if (from < first) return service::FeedHistoryPruned(from, first);
  auto read = rc.store.ReadFeed(from, 100);
  if (!read.ok()) return read.status();
  uint64_t expected = from;
  for (const auto& change : *read) {
    if (change.sequence() != expected++) {
      Violation(
          absl::StrCat("Subscribe from ", from, ": change ", change.sequence(), " out of order"));
    }
  }
  changes = *std::move(read);
  return absl::OkStatus();
}

absl::Status ExportSnapshot(const ReadContext& rc, const npd::v1::ExportSnapshotRequest&,
                            std::vector<npd::v1::RoutingEntry>& entries) {
  auto snapshot = rc.store.Snapshot();
  if (!snapshot.ok()) return snapshot.status();
  auto step = service::ScanPortedEntries(**snapshot, *rc.engine.plan, "", "", 1000, entries);
  if (!step.ok()) return step.status();
  return absl::OkStatus();
}

absl::Status CompareBlocks(const ReadContext& rc, const npd::v1::CompareBlocksRequest& request,
                           npd::v1::CompareBlocksResponse& response) {
  return service::CompareBlocks(rc.store, *rc.engine.plan, request, response);
}

absl::Status DiffBlock(const ReadContext& rc, const npd::v1::DiffBlockRequest& request,
                       npd::v1::DiffBlockResponse& response) {
  return service::DiffBlock(rc.store, *rc.engine.plan, request, response);
}

absl::Status GetRefund(const ReadContext& rc, const npd::v1::GetRefundRequest& request,
                       npd::v1::GetRefundResponse& response) {
  if (auto s = service::ValidateRefundId(request.refund_id()); !s.ok()) return s;
  auto record = rc.store.GetRefund(request.refund_id());
  if (!record.ok()) return record.status();
  if (!record->has_value() ||
      (!IsOperator(rc.caller) && rc.caller.Carrier() != (*record)->refund().donor())) {
    return absl::NotFoundError(absl::StrCat("no refund ", request.refund_id()));
  }
  *response.mutable_refund() = (*record)->refund();
  return absl::OkStatus();
}

absl::Status ListRefunds(const ReadContext& rc, const npd::v1::ListRefundsRequest& request,
                         npd::v1::ListRefundsResponse& response) {
  if (auto s = service::Validate(request, *rc.engine.plan); !s.ok()) return s;
  storage::RefundQuery query;
  query.msisdn = request.msisdn();
  query.carrier = request.carrier();
  query.state = request.state();
  query.home_province = request.home_province();
  query.after_refund_id = request.page_token();
  query.limit = request.page_size() == 0 ? service::kDefaultPageSize : request.page_size();
  if (!IsOperator(rc.caller)) {
    if (!query.carrier.empty() && query.carrier != rc.caller.Carrier()) {
      return absl::PermissionDeniedError("a carrier may list only the refunds it owes");
    }
    query.carrier = rc.caller.Carrier();
  }
  auto page = rc.store.ListRefunds(query);
  if (!page.ok()) return page.status();
  std::string previous = query.after_refund_id;
  for (const auto& record : page->refunds) {
    const npd::v1::Refund& refund = record.refund();
    if (refund.refund_id() <= previous) {
      Violation("ListRefunds: " + refund.refund_id() + " does not come after " + previous);
    }
    previous = refund.refund_id();
    if (!IsOperator(rc.caller) && refund.donor() != rc.caller.Carrier()) {
      Violation("ListRefunds shows " + refund.refund_id() + " to " + rc.caller.Uri() +
                ", which does not refund it");
    }
    if ((!query.msisdn.empty() && refund.msisdn() != query.msisdn) ||
        (query.state != npd::v1::REFUND_STATE_UNSPECIFIED && refund.state() != query.state) ||
        (!query.home_province.empty() && refund.home_province() != query.home_province) ||
        (!query.carrier.empty() && refund.donor() != query.carrier)) {
      Violation("ListRefunds returned " + refund.refund_id() + ", which does not match the filter");
    }
    *response.add_refunds() = refund;
  }
  if (page->refunds.size() > query.limit) Violation("ListRefunds returned more than page_size");
  if (page->more && !page->refunds.empty()) {
    response.set_next_page_token(page->refunds.back().refund().refund_id());
    npd::v1::ListRefundsRequest next = request;
    next.set_page_token(response.next_page_token());
    if (!service::Validate(next, *rc.engine.plan).ok()) {
      Violation("ListRefunds returned page token '" + response.next_page_token() +
                "', which it refuses");
    }
  }
  return absl::OkStatus();
}

absl::Status ListAttention(const ReadContext& rc, const npd::v1::ListAttentionRequest& request,
                           npd::v1::ListAttentionResponse& response) {
  if (auto s = service::Validate(request); !s.ok()) return s;
  // OperationsService's scan budget.
  auto page = service::ReadAttentionPage(rc.store, request, rc.engine.policy, rc.now, 5000);
  if (!page.ok()) return page.status();
  if (!page->next_page_token().empty()) {
    npd::v1::ListAttentionRequest next = request;
    next.set_page_token(page->next_page_token());
    if (!service::Validate(next).ok()) {
      Violation("ListAttention returned page token '" + page->next_page_token() +
                "', which it refuses");
    }
  }
  response = *std::move(page);
  return absl::OkStatus();
}

absl::Status GetHistory(const ReadContext& rc, const npd::v1::GetHistoryRequest& request,
                        npd::v1::GetHistoryResponse& response) {
  if (auto s = service::Validate(request); !s.ok()) return s;
  // HistoryService: who sees which events (history.proto), and one page of at most page_size
  // visible events scanning at most 10,000.
  const std::string caller = rc.caller.Actor();
  std::unordered_map<std::string, bool> party_cache;
  auto party_to = [&](const npd::v1::Port& port) {
    return caller == core::kOperatorActor || port.donor() == caller || port.recipient() == caller;
  };
  auto refunds = [&](const npd::v1::Refund& refund) {
    return caller == core::kOperatorActor || refund.donor() == caller;
  };
  std::string msisdn, port_id, refund_id;
  switch (request.subject_case()) {
    case npd::v1::GetHistoryRequest::kPortId: {
      auto record = rc.store.GetPort(request.port_id());
      if (!record.ok()) return record.status();
      if (!record->has_value() || !party_to((*record)->port())) {
        return absl::NotFoundError(absl::StrCat("no port ", request.port_id()));
      }
      msisdn = (*record)->port().msisdn();
      port_id = request.port_id();
      break;
    }
    case npd::v1::GetHistoryRequest::kRefundId: {
      auto record = rc.store.GetRefund(request.refund_id());
      if (!record.ok()) return record.status();
      if (!record->has_value() || !refunds((*record)->refund())) {
        return absl::NotFoundError(absl::StrCat("no refund ", request.refund_id()));
      }
      msisdn = (*record)->refund().msisdn();
      refund_id = request.refund_id();
      break;
    }
    default:
      msisdn = request.msisdn();
  }
  auto may_see = [&](const npd::store::v1::EventRecord& event) -> absl::StatusOr<bool> {
    if (caller == core::kOperatorActor || event.actor() == caller) return true;
    const std::string& id = !event.refund_id().empty() ? event.refund_id() : event.port_id();
    if (id.empty()) return false;
    if (auto it = party_cache.find(id); it != party_cache.end()) return it->second;
    bool visible = false;
    if (!event.refund_id().empty()) {
      auto record = rc.store.GetRefund(id);
      if (!record.ok()) return record.status();
      visible = record->has_value() && refunds((*record)->refund());
    } else {
      auto record = rc.store.GetPort(id);
      if (!record.ok()) return record.status();
      visible = record->has_value() && party_to((*record)->port());
    }
    party_cache.emplace(id, visible);
    return visible;
  };
  response.set_msisdn(msisdn);
  const int page_size = request.page_size() == 0 ? service::kDefaultPageSize : request.page_size();
  uint64_t cursor = request.after_sequence();
  size_t scanned = 0;
  while (true) {
    auto chunk = rc.store.ReadHistory(msisdn, cursor, 256);
    if (!chunk.ok()) return chunk.status();
    for (const auto& event : *chunk) {
      if (event.sequence() <= cursor || event.msisdn() != msisdn) {
        Violation(absl::StrCat("ReadHistory(", msisdn, ", after ", cursor, ") returned event ",
                               event.sequence(), " of ", event.msisdn()));
      }
      cursor = event.sequence();
      ++scanned;
      if (!port_id.empty() && event.port_id() != port_id) continue;
      if (!refund_id.empty() && event.refund_id() != refund_id) continue;
      auto visible = may_see(event);
      if (!visible.ok()) return visible.status();
      if (!*visible) continue;
      if (response.events_size() == page_size) {
        response.set_next_after_sequence(response.events(page_size - 1).sequence());
        return absl::OkStatus();
      }
      *response.add_events() = core::ToHistoryEvent(event);
    }
    if (chunk->size() < 256) return absl::OkStatus();
    if (scanned >= 10'000) {
      response.set_next_after_sequence(cursor);
      return absl::OkStatus();
    }
  }
}

absl::Status GetReport(const ReadContext& rc, const npd::v1::GetReportRequest& request,
                       npd::v1::GetReportResponse& response) {
  auto carriers = service::ReportCarriers(request, rc.caller.Actor(), *rc.engine.plan);
  if (!carriers.ok()) return carriers.status();
  storage::Store& store = rc.store;
  core::ReportLookups lookups{
      .port = [&store](const std::string& id) -> absl::StatusOr<core::ReportPortFacts> {
        auto record = store.GetPort(id);
        if (!record.ok()) return record.status();
        if (!record->has_value()) return absl::InternalError("an event names a missing port");
        return core::ReportFactsOf((*record)->port());
      },
      .refund = [&store](const std::string& id) -> absl::StatusOr<core::ReportRefundFacts> {
        auto record = store.GetRefund(id);
        if (!record.ok()) return record.status();
        if (!record->has_value()) return absl::InternalError("an event names a missing case");
        return core::ReportFactsOf((*record)->refund());
      }};
  core::ReportBuilder builder(core::FromProto(request.from()), core::FromProto(request.to()),
                              *carriers, std::move(lookups));
  auto snapshot = store.Snapshot();
  if (!snapshot.ok()) return snapshot.status();
  absl::Status scanned = (*snapshot)->ScanEvents(
      [&](const npd::store::v1::EventRecord& event) { return builder.Add(event); });
  if (!scanned.ok()) {
    // Every event names a stored port or case (an invariant), so a lookup never fails.
    Violation("GetReport over a consistent store failed: " + scanned.ToString());
  }
  *response.mutable_report() =
      std::move(builder).Finish((*snapshot)->counters().last_event_sequence());
  return absl::OkStatus();
}

}  // namespace npd::fuzz
