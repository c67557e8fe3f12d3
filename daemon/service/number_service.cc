#include "daemon/service/number_service.h"

#include "absl/strings/str_cat.h"
#include "daemon/service/status.h"
#include "daemon/service/unary.h"
#include "daemon/service/validation.h"

namespace npd::service {

absl::StatusOr<npd::v1::NumberInfo> DescribeNumber(const core::NumberPlan& plan,
                                                   storage::Store& store, std::string_view msisdn) {
  auto facts = plan.Describe(msisdn);
  if (!facts.ok()) return facts.status();
  npd::v1::NumberInfo info;
  info.set_msisdn(facts->msisdn);
  info.set_range_holder(facts->range_holder);
  info.set_serving_carrier(facts->range_holder);
  info.set_local_network(facts->local_network);
  info.set_portable(facts->portable);
  auto record = store.GetNumber(msisdn);
  if (!record.ok()) return record.status();
  if (record->has_value()) {
    const auto& number = **record;
    info.set_serving_carrier(number.serving_carrier());
    if (number.has_last_port_completed_at()) {
      *info.mutable_last_port_completed_at() = number.last_port_completed_at();
    }
    if (!number.live_port_id().empty()) {
      info.set_live_port_id(number.live_port_id());
      auto port = store.GetPort(number.live_port_id());
      if (!port.ok()) return port.status();
      if (port->has_value()) info.set_live_port_state((*port)->port().state());
    }
  }
  info.set_ported(info.serving_carrier() != info.range_holder());
  return info;
}

grpc::ServerUnaryReactor* NumberService::Lookup(grpc::CallbackServerContext* context,
                                                const npd::v1::LookupRequest* request,
                                                npd::v1::LookupResponse* response) {
  return RunRead(gatekeeper_, context, *request, "/npd.v1.NumberService/Lookup",
                 [&](const Principal&) -> absl::Status {
                   auto info = DescribeNumber(plan_, store_, request->msisdn());
                   if (!info.ok()) return info.status();
                   *response->mutable_number() = *std::move(info);
                   return absl::OkStatus();
                 });
}

grpc::ServerUnaryReactor* NumberService::BatchLookup(grpc::CallbackServerContext* context,
                                                     const npd::v1::BatchLookupRequest* request,
                                                     npd::v1::BatchLookupResponse* response) {
  return RunRead(gatekeeper_, context, *request, "/npd.v1.NumberService/BatchLookup",
                 [&](const Principal&) -> absl::Status {
                   if (request->msisdns_size() == 0 || request->msisdns_size() > kMaxBatchLookup) {
                     return absl::InvalidArgumentError(
                         absl::StrCat("msisdns must hold 1-", kMaxBatchLookup, " numbers"));
                   }
                   for (const auto& msisdn : request->msisdns()) {
                     auto* result = response->add_results();
                     result->set_msisdn(msisdn);
                     auto info = DescribeNumber(plan_, store_, msisdn);
                     if (info.ok()) {
                       *result->mutable_number() = *std::move(info);
                     } else if (absl::IsInvalidArgument(info.status())) {
                       result->set_error(std::string(info.status().message()));
                     } else {
                       return info.status();
                     }
                   }
                   return absl::OkStatus();
                 });
}

}  // namespace npd::service
