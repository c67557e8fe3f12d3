#include "daemon/service/routing_entries.h"

#include "spdlog/spdlog.h"

namespace npd::service {

std::optional<npd::v1::RoutingEntry> PortedEntry(const core::NumberPlan& plan,
                                                 const npd::store::v1::NumberRecord& record) {
  auto facts = plan.Describe(record.msisdn());
  if (!facts.ok()) {
    spdlog::warn("stored number {} is not in the number plan: {}", record.msisdn(),
                 facts.status().ToString());
    return std::nullopt;
  }
  if (record.serving_carrier() == facts->range_holder) return std::nullopt;
  npd::v1::RoutingEntry entry;
  entry.set_msisdn(record.msisdn());
  entry.set_serving_carrier(record.serving_carrier());
  entry.set_range_holder(facts->range_holder);
  entry.set_port_id(record.routing_port_id());
  return entry;
}

absl::StatusOr<ScanStep> ScanPortedEntries(storage::StoreSnapshot& snapshot,
                                           const core::NumberPlan& plan, std::string_view prefix,
                                           std::string_view after_msisdn, size_t max_records,
                                           std::vector<npd::v1::RoutingEntry>& out) {
  auto records = snapshot.ScanNumbers(prefix, after_msisdn, max_records);
  if (!records.ok()) return records.status();
  ScanStep step;
  step.done = records->size() < max_records;
  step.last_msisdn = records->empty() ? std::string(after_msisdn) : records->back().msisdn();
  for (const auto& record : *records) {
    if (auto entry = PortedEntry(plan, record)) out.push_back(*std::move(entry));
  }
  return step;
}

}  // namespace npd::service
