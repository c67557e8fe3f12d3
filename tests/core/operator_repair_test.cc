// The operator's repairs in core: OperatorCancel in every state, the resend's reason, and what
// needs attention (attention.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "daemon/core/attention.h"
#include "daemon/core/port_machine.h"
#include "tests/core/core_test_util.h"

namespace npd::core {
namespace {

using ::npd::core::testing::BeijingCmccFacts;
using ::npd::core::testing::EventTypes;
using ::npd::core::testing::kPortId;
using ::npd::core::testing::Local;
using ::npd::core::testing::Number;
using ::npd::core::testing::NumberFor;
using ::npd::core::testing::PortIn;
using ::npd::core::testing::StatusIs;
using ::npd::v1::PortState;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr PortState kPending = npd::v1::PORT_STATE_PENDING_DONOR;
constexpr PortState kScheduled = npd::v1::PORT_STATE_SCHEDULED;
constexpr PortState kCutover = npd::v1::PORT_STATE_CUTOVER;
constexpr PortState kPartialFailure = npd::v1::PORT_STATE_PARTIAL_FAILURE;
constexpr PortState kCancelled = npd::v1::PORT_STATE_CANCELLED;

const absl::Time kSubmitted = Local(2024, 3, 1, 10, 15);
const absl::Time kLate = kSubmitted + absl::Hours(24 * 31);

absl::StatusOr<PortTransition> OperatorCancelOf(const npd::v1::Port& port, const std::string& actor,
                                                const std::string& reason) {
  return ApplyToPort(port, NumberFor(port), OperatorCancel{.actor = actor, .reason = reason},
                     PortPolicy(), kLate);
}

// A number return in DISCONNECT_PENDING: cucc reported that the subscriber of a ported number left.
PortTransition ReportedReturn() {
  auto number = Number("cucc");
  *number.mutable_last_port_completed_at() = ToProto(kSubmitted - absl::Hours(24 * 200));
  auto t = DisconnectNumber(
      BeijingCmccFacts(), number,
      {.port_id = kPortId, .actor = "cucc", .effective_at = kSubmitted + absl::Hours(24 * 60)},
      PortPolicy(), kSubmitted);
  EXPECT_TRUE(t.ok()) << t.status();
  return *std::move(t);
}

// ---- OperatorCancel ----

TEST(OperatorCancelTest, CancelsPendingAndScheduledPortsAndFreesTheNumber) {
  for (PortState state : {kPending, kScheduled}) {
    SCOPED_TRACE(StateName(state));
    const auto port = PortIn(state, kSubmitted);
    auto t = OperatorCancelOf(port, "operator", "donor silent for a month");
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(t->port.state(), kCancelled);
    EXPECT_EQ(t->port.cancel_reason(), "donor silent for a month");
    EXPECT_EQ(FromProto(t->port.closed_at()), kLate);
    EXPECT_EQ(t->number.live_port_id(), "") << "the number is free for a new port";
    EXPECT_EQ(t->number.serving_carrier(), "cmcc") << "routing never moved";
    EXPECT_FALSE(t->effects.broadcast.has_value());
    EXPECT_THAT(t->effects.arm_timers, IsEmpty());
    ASSERT_THAT(EventTypes(t->events), ElementsAre("PORT_CANCELLED_BY_OPERATOR"));
    EXPECT_EQ(t->events[0].state_before, state);
    EXPECT_EQ(t->events[0].state_after, kCancelled);
    EXPECT_THAT(t->events[0].detail, HasSubstr("donor silent for a month"));
    EXPECT_THAT(t->events[0].detail, HasSubstr(StateName(state)));
  }
}

TEST(OperatorCancelTest, CancelsADisconnectPendingNumberReturn) {
  const PortTransition reported = ReportedReturn();
  auto t = ApplyToPort(reported.port, reported.number,
                       OperatorCancel{.actor = "operator", .reason = "reporter gone"}, PortPolicy(),
                       kLate);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->port.state(), kCancelled);
  EXPECT_EQ(t->number.live_port_id(), "");
  EXPECT_EQ(t->number.serving_carrier(), "cucc") << "the route stays with the serving carrier";
  ASSERT_THAT(EventTypes(t->events), ElementsAre("PORT_CANCELLED_BY_OPERATOR"));
  EXPECT_EQ(t->events[0].state_before, npd::v1::PORT_STATE_DISCONNECT_PENDING);
}

TEST(OperatorCancelTest, RefusedAtAndAfterCutover) {
  EXPECT_THAT(OperatorCancelOf(PortIn(kPartialFailure, kSubmitted), "operator", "why"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "use resend"));
  EXPECT_THAT(OperatorCancelOf(PortIn(kCutover, kSubmitted), "operator", "why"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "after cutover"));
  for (PortState state : {npd::v1::PORT_STATE_COMPLETED, npd::v1::PORT_STATE_REJECTED,
                          npd::v1::PORT_STATE_CANCELLED, npd::v1::PORT_STATE_EXPIRED}) {
    EXPECT_THAT(OperatorCancelOf(PortIn(state, kSubmitted), "operator", "why"),
                StatusIs(absl::StatusCode::kFailedPrecondition, "already closed"))
        << StateName(state);
  }
}

TEST(OperatorCancelTest, OnlyTheOperator) {
  const auto port = PortIn(kPending, kSubmitted);
  for (const char* actor : {"cmcc", "cucc", "ctcc", "npd", ""}) {
    EXPECT_THAT(OperatorCancelOf(port, actor, "why"), StatusIs(absl::StatusCode::kPermissionDenied))
        << actor;
  }
}

TEST(OperatorCancelTest, NeedsAReasonOfAtMost500Bytes) {
  const auto port = PortIn(kPending, kSubmitted);
  EXPECT_THAT(OperatorCancelOf(port, "operator", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, "needs a reason"));
  EXPECT_THAT(OperatorCancelOf(port, "operator", " \t "),
              StatusIs(absl::StatusCode::kInvalidArgument, "needs a reason"));
  EXPECT_THAT(OperatorCancelOf(port, "operator", std::string(501, 'r')),
              StatusIs(absl::StatusCode::kInvalidArgument, "500 bytes"));
  EXPECT_TRUE(OperatorCancelOf(port, "operator", std::string(500, 'r')).ok());
}

// ---- Resend's reason ----

TEST(OperatorResendTest, TheReasonIsInTheEvent) {
  const auto port = PortIn(kPartialFailure, kSubmitted);
  auto t = ApplyToPort(port, NumberFor(port),
                       ResendRouting{.actor = "operator", .reason = "ctcc NP database restored"},
                       PortPolicy(), kLate);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_THAT(EventTypes(t->events), ElementsAre("ROUTING_RESENT"));
  EXPECT_THAT(t->events[0].detail, HasSubstr("reason: ctcc NP database restored"));
}

// ---- Attention ----

std::vector<npd::v1::AttentionKind> Kinds(const std::vector<npd::v1::AttentionItem>& items) {
  std::vector<npd::v1::AttentionKind> kinds;
  for (const auto& item : items) kinds.push_back(item.kind());
  return kinds;
}

TEST(AttentionTest, PartialFailureNamesThePendingCarriers) {
  PortPolicy policy;
  const auto port = PortIn(kPartialFailure, kSubmitted);
  auto items =
      PortAttention(port, npd::v1::ATTENTION_KIND_UNSPECIFIED, policy, kSubmitted + absl::Hours(3));
  ASSERT_THAT(Kinds(items), ElementsAre(npd::v1::ATTENTION_KIND_PARTIAL_FAILURE));
  EXPECT_EQ(items[0].port_id(), kPortId);
  EXPECT_EQ(items[0].port_state(), kPartialFailure);
  EXPECT_THAT(items[0].detail(), HasSubstr("cmcc, ctcc, cucc"));
  EXPECT_THAT(items[0].detail(), HasSubstr("1 resend(s)"));
}

TEST(AttentionTest, DonorOverdueFromTheDeadlineOn) {
  PortPolicy policy;
  const auto port = PortIn(kPending, kSubmitted);
  const absl::Time deadline = kSubmitted + absl::Hours(1);
  EXPECT_THAT(
      PortAttention(port, npd::v1::ATTENTION_KIND_UNSPECIFIED, policy, deadline - absl::Seconds(1)),
      IsEmpty());
  auto items = PortAttention(port, npd::v1::ATTENTION_KIND_UNSPECIFIED, policy, deadline);
  ASSERT_THAT(Kinds(items), ElementsAre(npd::v1::ATTENTION_KIND_DONOR_OVERDUE));
  EXPECT_EQ(FromProto(items[0].since()), deadline);
  EXPECT_THAT(items[0].detail(), HasSubstr("donor cmcc"));
  // Once flagged by the deadline timer it stays overdue whatever the clock says.
  auto flagged = port;
  flagged.set_donor_deadline_passed(true);
  EXPECT_THAT(
      Kinds(PortAttention(flagged, npd::v1::ATTENTION_KIND_UNSPECIFIED, policy, kSubmitted)),
      ElementsAre(npd::v1::ATTENTION_KIND_DONOR_OVERDUE));
}

TEST(AttentionTest, StaleWhenLiveLongerThanTStaleAndFilteredByKind) {
  PortPolicy policy;
  policy.stale_after = absl::Hours(24 * 7);
  const absl::Time stale_at = kSubmitted + policy.stale_after;
  const auto port = PortIn(kPartialFailure, kSubmitted);
  EXPECT_THAT(Kinds(PortAttention(port, npd::v1::ATTENTION_KIND_UNSPECIFIED, policy,
                                  stale_at - absl::Seconds(1))),
              ElementsAre(npd::v1::ATTENTION_KIND_PARTIAL_FAILURE));
  auto items = PortAttention(port, npd::v1::ATTENTION_KIND_UNSPECIFIED, policy, stale_at);
  ASSERT_THAT(Kinds(items),
              ElementsAre(npd::v1::ATTENTION_KIND_PARTIAL_FAILURE, npd::v1::ATTENTION_KIND_STALE));
  EXPECT_EQ(FromProto(items[1].since()), stale_at);
  EXPECT_THAT(Kinds(PortAttention(port, npd::v1::ATTENTION_KIND_STALE, policy, stale_at)),
              ElementsAre(npd::v1::ATTENTION_KIND_STALE));
  EXPECT_THAT(PortAttention(port, npd::v1::ATTENTION_KIND_DONOR_OVERDUE, policy, stale_at),
              IsEmpty());
  // Closed transactions need nothing, however old.
  EXPECT_THAT(PortAttention(PortIn(npd::v1::PORT_STATE_COMPLETED, kSubmitted),
                            npd::v1::ATTENTION_KIND_UNSPECIFIED, policy, kLate),
              IsEmpty());
}

TEST(AttentionTest, StuckRefundShowsTheStepAttemptsAndError) {
  npd::v1::Refund refund;
  refund.set_refund_id("R000000000042");
  refund.set_port_id(kPortId);
  refund.set_msisdn("13800138000");
  refund.set_state(npd::v1::REFUND_STATE_STUCK);
  refund.mutable_stuck()->set_step(npd::v1::REFUND_STEP_PAYOUT);
  refund.mutable_stuck()->set_attempts(8);
  refund.mutable_stuck()->set_last_error("UNAVAILABLE: gateway down");
  *refund.mutable_stuck()->mutable_since() = ToProto(kLate);
  auto item = RefundAttention(refund, npd::v1::ATTENTION_KIND_UNSPECIFIED);
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->kind(), npd::v1::ATTENTION_KIND_STUCK_REFUND);
  EXPECT_EQ(item->refund_id(), "R000000000042");
  EXPECT_EQ(item->refund_state(), npd::v1::REFUND_STATE_STUCK);
  EXPECT_EQ(FromProto(item->since()), kLate);
  EXPECT_EQ(item->detail(), "step PAYOUT after 8 attempt(s): UNAVAILABLE: gateway down");
  EXPECT_FALSE(RefundAttention(refund, npd::v1::ATTENTION_KIND_STALE).has_value());
  refund.set_state(npd::v1::REFUND_STATE_AWAIT_CLAIM);
  EXPECT_FALSE(RefundAttention(refund, npd::v1::ATTENTION_KIND_UNSPECIFIED).has_value());
}

TEST(AttentionTest, AnOpenPayoutConflictNeedsAttentionInAnyState) {
  npd::v1::Refund refund;
  refund.set_refund_id("R000000000042");
  refund.set_port_id(kPortId);
  refund.set_msisdn("13800138000");
  refund.set_state(npd::v1::REFUND_STATE_CLOSED_PAID);
  npd::v1::PayoutConflict& first = *refund.add_payout_conflicts();
  first.set_number(1);
  first.set_description("payout conflict #1 on R000000000042:payout:1: another reference");
  *first.mutable_at() = ToProto(kLate - absl::Hours(1));
  first.set_resolved(true);
  npd::v1::PayoutConflict& second = *refund.add_payout_conflicts();
  second.set_number(2);
  second.set_description("payout conflict #2 on R000000000042:payout:1: a failure after a success");
  *second.mutable_at() = ToProto(kLate);
  auto item = RefundAttention(refund, npd::v1::ATTENTION_KIND_UNSPECIFIED);
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->kind(), npd::v1::ATTENTION_KIND_PAYOUT_CONFLICT);
  EXPECT_EQ(item->refund_state(), npd::v1::REFUND_STATE_CLOSED_PAID);
  EXPECT_EQ(FromProto(item->since()), kLate);  // the first open one
  EXPECT_EQ(item->detail(),
            "1 open payout conflict(s); latest: payout conflict #2 on R000000000042:payout:1: a "
            "failure after a success");
  EXPECT_FALSE(RefundAttention(refund, npd::v1::ATTENTION_KIND_STUCK_REFUND).has_value());
  refund.mutable_payout_conflicts(1)->set_resolved(true);
  EXPECT_FALSE(RefundAttention(refund, npd::v1::ATTENTION_KIND_UNSPECIFIED).has_value());
}

TEST(AttentionTest, KindsSayWhichRecordsCanHaveThem) {
  EXPECT_TRUE(IsRefundAttentionKind(npd::v1::ATTENTION_KIND_PAYOUT_CONFLICT));
  EXPECT_TRUE(IsRefundAttentionKind(npd::v1::ATTENTION_KIND_STUCK_REFUND));
  EXPECT_FALSE(IsRefundAttentionKind(npd::v1::ATTENTION_KIND_STALE));
  EXPECT_FALSE(IsPortAttentionKind(npd::v1::ATTENTION_KIND_PAYOUT_CONFLICT));
  EXPECT_TRUE(IsPortAttentionKind(npd::v1::ATTENTION_KIND_PARTIAL_FAILURE));
  EXPECT_TRUE(IsPortAttentionKind(npd::v1::ATTENTION_KIND_UNSPECIFIED));
  EXPECT_TRUE(IsRefundAttentionKind(npd::v1::ATTENTION_KIND_UNSPECIFIED));
}

}  // namespace
}  // namespace npd::core
