#include "daemon/core/report.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/core/time_convert.h"

namespace npd::core {
namespace {

using npd::store::v1::EventRecord;

// The event types the figures count, as the state machines write them (port_machine.cc,
// submit_rules.cc, routing_commands.cc, refund_machine.cc).
constexpr std::string_view kPortSubmitted = "PORT_SUBMITTED";
constexpr std::string_view kPortRejected = "PORT_REJECTED";
constexpr std::string_view kPortApproved = "PORT_APPROVED";
constexpr std::string_view kPortDeemedApproved = "PORT_DEEMED_APPROVED";
constexpr std::string_view kPortExpired = "PORT_EXPIRED";
constexpr std::string_view kPortCompleted = "PORT_COMPLETED";
constexpr std::string_view kRefundOpened = "REFUND_OPENED";
constexpr std::string_view kRefundPaid = "REFUND_PAID";
constexpr std::string_view kPayoutConflict = "REFUND_PAYOUT_CONFLICT";
constexpr std::string_view kPayoutConflictResolved = "REFUND_PAYOUT_CONFLICT_RESOLVED";

bool IsCountedPortEvent(std::string_view type) {
  return type == kPortSubmitted || type == kPortRejected || type == kPortApproved ||
         type == kPortDeemedApproved || type == kPortExpired || type == kPortCompleted;
}

// The nearest-rank k-th smallest (1-based) of sorted `values` for `percent`: k = ceil(percent/100
// * n), at least 1.
absl::Duration NearestRank(const std::vector<absl::Duration>& sorted, uint64_t percent) {
  const uint64_t n = sorted.size();
  const uint64_t k = std::max<uint64_t>(1, (percent * n + 99) / 100);
  return sorted[k - 1];
}

}  // namespace

absl::Status ValidateReportWindow(absl::Time from, absl::Time to) {
  if (to <= from) {
    return absl::InvalidArgumentError("the report window is empty: to must be after from");
  }
  if (to - from > kMaxReportWindow) {
    return absl::InvalidArgumentError(absl::StrCat("the report window is ",
                                                   absl::FormatDuration(to - from),
                                                   " long; at most 400 days: split it"));
  }
  return absl::OkStatus();
}

ReportPortFacts ReportFactsOf(const npd::v1::Port& port) {
  ReportPortFacts facts{.donor = port.donor(),
                        .recipient = port.recipient(),
                        .submitted_at = FromProto(port.submitted_at()),
                        .donor_deadline_at = FromProto(port.donor_deadline_at())};
  for (int reason : port.refusal().reasons()) {
    facts.refusal_reasons.push_back(static_cast<npd::v1::ReasonCode>(reason));
  }
  return facts;
}

ReportRefundFacts ReportFactsOf(const npd::v1::Refund& refund) {
  return ReportRefundFacts{.donor = refund.donor(),
                           .home_province = refund.home_province(),
                           .opened_at = FromProto(refund.opened_at()),
                           .claim_province = refund.claim().claim_province(),
                           .paid_fen = refund.paid_fen()};
}

npd::v1::DurationStats SummariseDurations(std::vector<absl::Duration>& durations) {
  npd::v1::DurationStats stats;
  if (durations.empty()) return stats;
  std::sort(durations.begin(), durations.end());
  stats.set_count(durations.size());
  stats.set_median_seconds(absl::ToInt64Seconds(NearestRank(durations, 50)));
  stats.set_p95_seconds(absl::ToInt64Seconds(NearestRank(durations, 95)));
  return stats;
}

ReportBuilder::ReportBuilder(absl::Time from, absl::Time to,
                             const std::vector<std::string>& carriers, ReportLookups lookups)
    : from_(from), to_(to), lookups_(std::move(lookups)) {
  for (const std::string& carrier : carriers) rows_[carrier].figures.set_carrier(carrier);
}

ReportBuilder::Row* ReportBuilder::RowOf(const std::string& carrier) {
  auto it = rows_.find(carrier);
  return it == rows_.end() ? nullptr : &it->second;
}

absl::StatusOr<const ReportPortFacts*> ReportBuilder::PortFacts(const std::string& port_id) {
  if (port_id != cached_port_id_ || port_id.empty()) {
    auto facts = lookups_.port(port_id);
    if (!facts.ok()) return facts.status();
    cached_port_ = *std::move(facts);
    cached_port_id_ = port_id;
  }
  return &cached_port_;
}

absl::Status ReportBuilder::Add(const EventRecord& event) {
  const absl::Time at = FromProto(event.at());
  if (at < from_ || at >= to_) return absl::OkStatus();
  ++events_in_window_;
  if (!event.refund_id().empty()) return AddRefundEvent(event, at);
  if (IsCountedPortEvent(event.type())) return AddPortEvent(event, at);
  return absl::OkStatus();
}

absl::Status ReportBuilder::AddPortEvent(const EventRecord& event, absl::Time at) {
  auto looked_up = PortFacts(event.port_id());
  if (!looked_up.ok()) return looked_up.status();
  const ReportPortFacts& port = **looked_up;
  Row* in = RowOf(port.recipient);
  Row* out = RowOf(port.donor);
  const std::string_view type = event.type();
  const bool at_submit = event.state_before() == npd::v1::PORT_STATE_UNSPECIFIED;

  if (type == kPortSubmitted || (type == kPortRejected && at_submit)) {
    if (in != nullptr) in->figures.set_requests_in(in->figures.requests_in() + 1);
    if (out != nullptr) out->figures.set_requests_out(out->figures.requests_out() + 1);
  }
  if (type == kPortRejected) {
    if (in != nullptr) {
      in->figures.set_refused_in(in->figures.refused_in() + 1);
      for (auto reason : port.refusal_reasons) {
        auto& count = in->refusals[reason];
        count.set_ports_in(count.ports_in() + 1);
      }
    }
    if (out != nullptr) {
      out->figures.set_refused_out(out->figures.refused_out() + 1);
      for (auto reason : port.refusal_reasons) {
        auto& count = out->refusals[reason];
        count.set_ports_out(count.ports_out() + 1);
      }
    }
  }
  if (out != nullptr) {
    npd::v1::CarrierReport& f = out->figures;
    const bool donor_answer =
        type == kPortApproved ||
        (type == kPortRejected && event.state_before() == npd::v1::PORT_STATE_PENDING_DONOR);
    if (donor_answer) {
      out->donor_answers.push_back(at - port.submitted_at);
      if (at <= port.donor_deadline_at) f.set_donor_answers_on_time(f.donor_answers_on_time() + 1);
    } else if (type == kPortDeemedApproved) {
      f.set_donor_deemed_approvals(f.donor_deemed_approvals() + 1);
    } else if (type == kPortExpired) {
      f.set_donor_unanswered_expired(f.donor_unanswered_expired() + 1);
    }
  }
  if (type == kPortCompleted) {
    if (in != nullptr) {
      in->figures.set_ports_in(in->figures.ports_in() + 1);
      in->completion_in.push_back(at - port.submitted_at);
    }
    if (out != nullptr) {
      out->figures.set_ports_out(out->figures.ports_out() + 1);
      out->completion_out.push_back(at - port.submitted_at);
    }
  }
  return absl::OkStatus();
}

absl::Status ReportBuilder::AddRefundEvent(const EventRecord& event, absl::Time at) {
  CaseInWindow& c = cases_[event.refund_id()];
  if (event.sequence() >= c.last_sequence) {
    c.last_sequence = event.sequence();
    c.state = event.refund_state_after();
  }
  const std::string_view type = event.type();
  if (type != kRefundOpened && type != kRefundPaid && type != kPayoutConflict &&
      type != kPayoutConflictResolved) {
    return absl::OkStatus();
  }
  auto refund = lookups_.refund(event.refund_id());
  if (!refund.ok()) return refund.status();
  Row* row = RowOf(refund->donor);
  if (row == nullptr) return absl::OkStatus();
  npd::v1::CarrierReport& f = row->figures;
  if (type == kRefundOpened) {
    c.opened_by = refund->donor;
    f.set_refunds_opened(f.refunds_opened() + 1);
    return absl::OkStatus();
  }
  if (type == kPayoutConflict) {
    f.set_payout_conflicts(f.payout_conflicts() + 1);
    return absl::OkStatus();
  }
  if (type == kPayoutConflictResolved) {
    f.set_payout_reconciliations(f.payout_reconciliations() + 1);
    return absl::OkStatus();
  }
  f.set_refunds_paid(f.refunds_paid() + 1);
  f.set_refunds_paid_fen(f.refunds_paid_fen() + refund->paid_fen);
  row->port_to_payout.push_back(at - refund->opened_at);
  if (refund->claim_province != refund->home_province) {
    f.set_paid_claims_other_province(f.paid_claims_other_province() + 1);
  }
  return absl::OkStatus();
}

npd::v1::Report ReportBuilder::Finish(uint64_t last_event_sequence) && {
  // Cases opened in the window, by their state after their last event in it.
  for (const auto& [refund_id, c] : cases_) {
    if (c.opened_by.empty()) continue;
    if (Row* row = RowOf(c.opened_by); row != nullptr) ++row->refund_cases[c.state];
  }
  npd::v1::Report report;
  *report.mutable_from() = ToProto(from_);
  *report.mutable_to() = ToProto(to_);
  report.set_last_event_sequence(last_event_sequence);
  report.set_events_in_window(events_in_window_);
  for (auto& [carrier, row] : rows_) {
    npd::v1::CarrierReport& f = row.figures;
    for (auto& [reason, count] : row.refusals) {
      count.set_reason(reason);
      *f.add_refusals() = count;
    }
    for (const auto& [state, cases] : row.refund_cases) {
      npd::v1::RefundStateCount& count = *f.add_refund_cases();
      count.set_state(state);
      count.set_cases(cases);
    }
    *f.mutable_completion_in() = SummariseDurations(row.completion_in);
    *f.mutable_completion_out() = SummariseDurations(row.completion_out);
    *f.mutable_donor_answers() = SummariseDurations(row.donor_answers);
    *f.mutable_port_to_payout() = SummariseDurations(row.port_to_payout);
    const uint64_t due =
        f.donor_answers().count() + f.donor_deemed_approvals() + f.donor_unanswered_expired();
    f.set_donor_on_time_share(
        due == 0 ? 0.0 : static_cast<double>(f.donor_answers_on_time()) / static_cast<double>(due));
    *report.add_carriers() = std::move(f);
  }
  return report;
}

}  // namespace npd::core
