#include "daemon/core/attention.h"

#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/core/port_machine.h"
#include "daemon/core/record_builders.h"
#include "daemon/core/time_convert.h"

namespace npd::core {
namespace {

using npd::v1::AttentionItem;
using npd::v1::AttentionKind;

bool Wanted(AttentionKind filter, AttentionKind kind) {
  return filter == npd::v1::ATTENTION_KIND_UNSPECIFIED || filter == kind;
}

AttentionItem PortItem(const npd::v1::Port& port, AttentionKind kind, absl::Time since,
                       std::string detail) {
  AttentionItem item;
  item.set_kind(kind);
  item.set_msisdn(port.msisdn());
  item.set_port_id(port.port_id());
  item.set_port_state(port.state());
  *item.mutable_since() = ToProto(since);
  item.set_detail(std::move(detail));
  return item;
}

std::string StepName(npd::v1::RefundStep step) {
  constexpr std::string_view kPrefix = "REFUND_STEP_";
  const std::string& name = npd::v1::RefundStep_Name(step);
  if (name.size() <= kPrefix.size()) return absl::StrCat("UNKNOWN_STEP_", static_cast<int>(step));
  return name.substr(kPrefix.size());
}

}  // namespace

std::vector<AttentionItem> PortAttention(const npd::v1::Port& port, AttentionKind kind,
                                         const PortPolicy& policy, absl::Time now) {
  std::vector<AttentionItem> items;
  if (!IsLive(port.state())) return items;
  if (port.state() == npd::v1::PORT_STATE_PARTIAL_FAILURE &&
      Wanted(kind, npd::v1::ATTENTION_KIND_PARTIAL_FAILURE)) {
    items.push_back(PortItem(
        port, npd::v1::ATTENTION_KIND_PARTIAL_FAILURE, FromProto(port.ack_deadline_at()),
        absl::StrCat("not confirmed by ", absl::StrJoin(port.pending_confirmations(), ", "),
                     " after ", port.resend_count(), " resend(s)")));
  }
  const absl::Time donor_deadline = FromProto(port.donor_deadline_at());
  if (port.state() == npd::v1::PORT_STATE_PENDING_DONOR &&
      (port.donor_deadline_passed() || donor_deadline <= now) &&
      Wanted(kind, npd::v1::ATTENTION_KIND_DONOR_OVERDUE)) {
    items.push_back(PortItem(port, npd::v1::ATTENTION_KIND_DONOR_OVERDUE, donor_deadline,
                             absl::StrCat("donor ", port.donor(), " has not answered; due ",
                                          LocalTimeText(donor_deadline))));
  }
  const absl::Time stale_at = FromProto(port.submitted_at()) + policy.stale_after;
  if (stale_at <= now && Wanted(kind, npd::v1::ATTENTION_KIND_STALE)) {
    items.push_back(PortItem(port, npd::v1::ATTENTION_KIND_STALE, stale_at,
                             absl::StrCat(StateName(port.state()), " since submission at ",
                                          LocalTimeText(FromProto(port.submitted_at())))));
  }
  return items;
}

std::optional<AttentionItem> RefundAttention(const npd::v1::Refund& refund, AttentionKind kind) {
  AttentionItem item;
  item.set_msisdn(refund.msisdn());
  item.set_port_id(refund.port_id());
  item.set_refund_id(refund.refund_id());
  item.set_refund_state(refund.state());
  const npd::v1::PayoutConflict* first_open = nullptr;
  const npd::v1::PayoutConflict* last_open = nullptr;
  int open = 0;
  for (const auto& conflict : refund.payout_conflicts()) {
    if (conflict.resolved()) continue;
    ++open;
    if (first_open == nullptr) first_open = &conflict;
    last_open = &conflict;
  }
  if (open > 0 && Wanted(kind, npd::v1::ATTENTION_KIND_PAYOUT_CONFLICT)) {
    item.set_kind(npd::v1::ATTENTION_KIND_PAYOUT_CONFLICT);
    *item.mutable_since() = first_open->at();
    item.set_detail(
        absl::StrCat(open, " open payout conflict(s); latest: ", last_open->description()));
    return item;
  }
  if (refund.state() != npd::v1::REFUND_STATE_STUCK ||
      !Wanted(kind, npd::v1::ATTENTION_KIND_STUCK_REFUND)) {
    return std::nullopt;
  }
  item.set_kind(npd::v1::ATTENTION_KIND_STUCK_REFUND);
  *item.mutable_since() = refund.stuck().since();
  item.set_detail(absl::StrCat("step ", StepName(refund.stuck().step()), " after ",
                               refund.stuck().attempts(),
                               " attempt(s): ", refund.stuck().last_error()));
  return item;
}

bool IsRefundAttentionKind(AttentionKind kind) {
  return kind == npd::v1::ATTENTION_KIND_UNSPECIFIED ||
         kind == npd::v1::ATTENTION_KIND_STUCK_REFUND ||
         kind == npd::v1::ATTENTION_KIND_PAYOUT_CONFLICT;
}

bool IsPortAttentionKind(AttentionKind kind) {
  return kind == npd::v1::ATTENTION_KIND_UNSPECIFIED || !IsRefundAttentionKind(kind);
}

}  // namespace npd::core
