// T_ack deadlines, resends, PARTIAL_FAILURE and number returns.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "daemon/core/port_machine.h"
#include "daemon/core/record_builders.h"
#include "tests/core/core_test_util.h"

namespace npd::core {
namespace {

using ::npd::core::testing::BeijingCmccFacts;
using ::npd::core::testing::EqualsProto;
using ::npd::core::testing::EventTypes;
using ::npd::core::testing::kMsisdn;
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

constexpr PortState kCutover = npd::v1::PORT_STATE_CUTOVER;
constexpr PortState kPartialFailure = npd::v1::PORT_STATE_PARTIAL_FAILURE;
constexpr PortState kDisconnectPending = npd::v1::PORT_STATE_DISCONNECT_PENDING;
constexpr PortState kReturned = npd::v1::PORT_STATE_RETURNED;
constexpr PortState kCompleted = npd::v1::PORT_STATE_COMPLETED;
constexpr PortState kCancelled = npd::v1::PORT_STATE_CANCELLED;
constexpr absl::StatusCode kFailedPrecondition = absl::StatusCode::kFailedPrecondition;

const absl::Time kSubmitted = Local(2024, 3, 1, 10, 15);
// PortIn(CUTOVER) cut over at kSubmitted + 2 h; its confirmations are due 15 minutes later.
const absl::Time kAckDue = kSubmitted + absl::Hours(2) + absl::Minutes(15);

// ---- T_ack ----

TEST(AckDeadlineTest, FirstDeadlineResendsTheSameChangeToTheMissingCarriers) {
  PortPolicy policy;
  auto port = PortIn(kCutover, kSubmitted);
  port.clear_pending_confirmations();
  port.add_pending_confirmations("ctcc");
  port.add_confirmed_by("cmcc");
  port.add_confirmed_by("cucc");
  const absl::Time now = kAckDue + absl::Seconds(1);
  auto t = ApplyToPort(port, NumberFor(port), AckDeadlineDue{.resend_count = 0}, policy, now);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->port.state(), kCutover);
  EXPECT_EQ(t->port.resend_count(), 1);
  EXPECT_EQ(FromProto(t->port.ack_deadline_at()), now + policy.ack_timeout);
  EXPECT_THAT(t->port.pending_confirmations(), ElementsAre("ctcc"));
  EXPECT_THAT(t->port.confirmed_by(), ElementsAre("cmcc", "cucc"));
  ASSERT_TRUE(t->effects.broadcast.has_value());
  const npd::v1::RoutingChange& change = *t->effects.broadcast;
  EXPECT_EQ(change.resend_of(), 7u) << "points at the original change";
  EXPECT_EQ(change.serving_carrier(), "cucc");
  EXPECT_EQ(change.previous_carrier(), "cmcc");
  EXPECT_EQ(change.kind(), npd::v1::ROUTING_CHANGE_KIND_PORTED);
  EXPECT_EQ(FromProto(change.effective_at()), FromProto(port.cutover_at()))
      << "a resend says the same as the original";
  EXPECT_THAT(t->effects.arm_timers,
              ElementsAre(EqualsProto(MakeTimer(npd::store::v1::TIMER_KIND_ACK_DEADLINE,
                                                now + policy.ack_timeout, kMsisdn, kPortId, 1))));
  ASSERT_THAT(EventTypes(t->events), ElementsAre("ROUTING_RESENT"));
  EXPECT_THAT(t->events[0].detail, HasSubstr("ctcc"));
  EXPECT_EQ(t->number.live_port_id(), kPortId);
}

TEST(AckDeadlineTest, DeadlineAfterTheLastResendIsPartialFailure) {
  PortPolicy policy;
  auto port = PortIn(kCutover, kSubmitted);
  port.set_resend_count(1);
  auto t = ApplyToPort(port, NumberFor(port), AckDeadlineDue{.resend_count = 1}, policy, kAckDue);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->port.state(), kPartialFailure);
  EXPECT_FALSE(t->port.has_ack_deadline_at());
  EXPECT_THAT(t->port.pending_confirmations(), ElementsAre("cmcc", "ctcc", "cucc"));
  EXPECT_FALSE(t->effects.broadcast.has_value());
  EXPECT_THAT(t->effects.arm_timers, IsEmpty());
  EXPECT_EQ(t->number.live_port_id(), kPortId) << "still live: the number cannot port meanwhile";
  EXPECT_EQ(t->number.serving_carrier(), "cucc") << "the routing change stands";
  ASSERT_THAT(EventTypes(t->events), ElementsAre("ROUTING_PARTIAL_FAILURE"));
  EXPECT_EQ(t->events[0].state_before, kCutover);
  EXPECT_EQ(t->events[0].state_after, kPartialFailure);
  EXPECT_THAT(t->events[0].detail, HasSubstr("cmcc, ctcc, cucc"));
}

TEST(AckDeadlineTest, WithoutResendsTheFirstDeadlineIsPartialFailure) {
  PortPolicy policy;
  policy.ack_resends = 0;
  const auto port = PortIn(kCutover, kSubmitted);
  auto t = ApplyToPort(port, NumberFor(port), AckDeadlineDue{}, policy, kAckDue);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->port.state(), kPartialFailure);
}

TEST(AckDeadlineTest, SupersededNotDueOrClosedDeadlinesAreRefused) {
  PortPolicy policy;
  auto port = PortIn(kCutover, kSubmitted);
  port.set_resend_count(1);
  EXPECT_THAT(ApplyToPort(port, NumberFor(port), AckDeadlineDue{.resend_count = 0}, policy,
                          kAckDue),
              StatusIs(kFailedPrecondition, "superseded"));
  EXPECT_THAT(ApplyToPort(port, NumberFor(port), AckDeadlineDue{.resend_count = 1}, policy,
                          kAckDue - absl::Seconds(1)),
              StatusIs(kFailedPrecondition, "not due"));
  const auto done = PortIn(kCompleted, kSubmitted);
  EXPECT_THAT(ApplyToPort(done, NumberFor(done), AckDeadlineDue{}, policy, kAckDue),
              StatusIs(kFailedPrecondition));
}

TEST(PartialFailureTest, LateConfirmationsCompleteThePort) {
  PortPolicy policy;
  auto port = PortIn(kPartialFailure, kSubmitted);
  const absl::Time late = kAckDue + absl::Hours(5);
  auto number = NumberFor(port);
  for (const char* carrier : {"cucc", "cmcc"}) {
    auto t = ApplyToPort(port, number, ConfirmRouting{carrier}, policy, late);
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(t->port.state(), kPartialFailure);
    port = t->port;
    number = t->number;
  }
  auto last = ApplyToPort(port, number, ConfirmRouting{"ctcc"}, policy, late);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->port.state(), kCompleted);
  EXPECT_THAT(last->port.confirmed_by(), ElementsAre("cmcc", "ctcc", "cucc"));
  EXPECT_EQ(FromProto(last->number.last_port_completed_at()), late);
  EXPECT_EQ(last->number.live_port_id(), "");
  EXPECT_THAT(EventTypes(last->events), ElementsAre("ROUTING_CONFIRMED", "PORT_COMPLETED"));
  EXPECT_EQ(last->events[1].state_before, kPartialFailure);
}

TEST(ResendRoutingTest, OperatorResendGivesTheMissingCarriersAnotherDeadline) {
  PortPolicy policy;
  const auto port = PortIn(kPartialFailure, kSubmitted);
  const absl::Time now = kAckDue + absl::Hours(1);
  auto t = ApplyToPort(port, NumberFor(port), ResendRouting{.actor = "operator"}, policy, now);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->port.state(), kCutover);
  EXPECT_EQ(t->port.resend_count(), 2);
  ASSERT_TRUE(t->effects.broadcast.has_value());
  EXPECT_EQ(t->effects.broadcast->resend_of(), 7u);
  EXPECT_THAT(t->effects.arm_timers,
              ElementsAre(EqualsProto(MakeTimer(npd::store::v1::TIMER_KIND_ACK_DEADLINE,
                                                now + policy.ack_timeout, kMsisdn, kPortId, 2))));
  ASSERT_THAT(EventTypes(t->events), ElementsAre("ROUTING_RESENT"));
  EXPECT_EQ(t->events[0].state_before, kPartialFailure);

  // Past its deadline, with the automatic resend used up, it is PARTIAL_FAILURE again.
  auto again = ApplyToPort(t->port, t->number, AckDeadlineDue{.resend_count = 2}, policy,
                           now + policy.ack_timeout);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->port.state(), kPartialFailure);
}

TEST(ResendRoutingTest, OnlyTheOperatorResendsAndOnlyInPartialFailure) {
  PortPolicy policy;
  const auto failed = PortIn(kPartialFailure, kSubmitted);
  for (const char* actor : {"cmcc", "cucc", "npd", ""}) {
    EXPECT_THAT(ApplyToPort(failed, NumberFor(failed), ResendRouting{.actor = actor}, policy,
                            kAckDue),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << actor;
  }
  const auto cutover = PortIn(kCutover, kSubmitted);
  EXPECT_THAT(ApplyToPort(cutover, NumberFor(cutover), ResendRouting{.actor = "operator"}, policy,
                          kAckDue),
              StatusIs(kFailedPrecondition));
}

// ---- Number return ----

// cucc serves the Beijing CMCC number after an earlier port.
npd::store::v1::NumberRecord PortedNumber() {
  auto number = Number("cucc");
  *number.mutable_last_port_completed_at() = ToProto(kSubmitted - absl::Hours(24 * 200));
  return number;
}

const absl::Time kReported = Local(2024, 6, 3, 9, 30);

absl::StatusOr<PortTransition> Report(const ReportNumberReturn& command,
                                      const npd::store::v1::NumberRecord& number = PortedNumber()) {
  return DisconnectNumber(BeijingCmccFacts(), number, command, PortPolicy(), kReported);
}

TEST(NumberReturnTest, ReportCreatesADisconnectPendingReturn) {
  const absl::Time effective = kReported + absl::Hours(24 * 3);
  auto t = Report({.port_id = kPortId, .actor = "cucc", .effective_at = effective,
                   .note = "contract ended"});
  ASSERT_TRUE(t.ok()) << t.status();
  const npd::v1::Port& port = t->port;
  EXPECT_EQ(port.kind(), npd::v1::PORT_KIND_NUMBER_RETURN);
  EXPECT_EQ(port.state(), kDisconnectPending);
  EXPECT_EQ(port.donor(), "cucc");
  EXPECT_EQ(port.recipient(), "cmcc") << "the range holder";
  EXPECT_EQ(port.range_holder(), "cmcc");
  EXPECT_EQ(FromProto(port.effective_at()), effective);
  EXPECT_EQ(FromProto(port.cutover_at()), effective);
  EXPECT_EQ(port.disconnect_note(), "contract ended");
  EXPECT_EQ(port.version(), 1);
  EXPECT_EQ(t->number.live_port_id(), kPortId);
  EXPECT_EQ(t->number.serving_carrier(), "cucc") << "routing moves only at the effective time";
  EXPECT_THAT(t->effects.arm_timers,
              ElementsAre(EqualsProto(
                  MakeTimer(npd::store::v1::TIMER_KIND_CUTOVER, effective, kMsisdn, kPortId))));
  EXPECT_FALSE(t->effects.broadcast.has_value());
  ASSERT_THAT(EventTypes(t->events), ElementsAre("NUMBER_DISCONNECT_REPORTED"));
  EXPECT_EQ(t->events[0].state_after, kDisconnectPending);
}

TEST(NumberReturnTest, UnsetEffectiveTimeMeansNow) {
  auto t = Report({.port_id = kPortId, .actor = "cucc"});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(FromProto(t->port.effective_at()), kReported);
}

TEST(NumberReturnTest, RefusesWhatCannotBeReturned) {
  EXPECT_THAT(Report({.port_id = kPortId, .actor = "ctcc"}),
              StatusIs(absl::StatusCode::kPermissionDenied, "cucc"));
  EXPECT_THAT(Report({.port_id = kPortId, .actor = "cmcc"}, Number("cmcc")),
              StatusIs(kFailedPrecondition, "not ported"));
  auto busy = PortedNumber();
  busy.set_live_port_id("P000000000007");
  EXPECT_THAT(Report({.port_id = kPortId, .actor = "cucc"}, busy),
              StatusIs(kFailedPrecondition, "P000000000007"));
  EXPECT_THAT(Report({.port_id = kPortId, .actor = "cucc",
                      .effective_at = kReported - absl::Seconds(1)}),
              StatusIs(absl::StatusCode::kInvalidArgument, "in the past"));
  EXPECT_THAT(Report({.port_id = kPortId, .actor = "cucc",
                      .effective_at = kReported + absl::Hours(24 * 181)}),
              StatusIs(absl::StatusCode::kInvalidArgument, "ahead"));
  EXPECT_THAT(Report({.port_id = kPortId, .actor = "cucc", .note = std::string(501, 'x')}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(NumberReturnTest, ReturnsTheRouteToTheRangeHolderAndKeepsThePortInterval) {
  PortPolicy policy;
  const absl::Time effective = kReported + absl::Hours(2);
  auto reported = Report({.port_id = kPortId, .actor = "cucc", .effective_at = effective});
  ASSERT_TRUE(reported.ok());
  EXPECT_THAT(ApplyToPort(reported->port, reported->number, CutoverDue{{"cmcc", "cucc"}}, policy,
                          effective - absl::Seconds(1)),
              StatusIs(kFailedPrecondition, "not due"));
  auto cut = ApplyToPort(reported->port, reported->number, CutoverDue{{"cmcc", "cucc"}}, policy,
                         effective);
  ASSERT_TRUE(cut.ok()) << cut.status();
  EXPECT_EQ(cut->port.state(), kCutover);
  EXPECT_EQ(cut->number.serving_carrier(), "cmcc");
  ASSERT_TRUE(cut->effects.broadcast.has_value());
  EXPECT_EQ(cut->effects.broadcast->kind(), npd::v1::ROUTING_CHANGE_KIND_RETURNED);
  EXPECT_EQ(cut->effects.broadcast->serving_carrier(), "cmcc");
  EXPECT_EQ(cut->effects.broadcast->previous_carrier(), "cucc");
  EXPECT_THAT(EventTypes(cut->events), ElementsAre("NUMBER_RETURN_CUTOVER"));

  auto c1 = ApplyToPort(cut->port, cut->number, ConfirmRouting{"cucc"}, policy, effective);
  ASSERT_TRUE(c1.ok());
  auto c2 = ApplyToPort(c1->port, c1->number, ConfirmRouting{"cmcc"}, policy, effective);
  ASSERT_TRUE(c2.ok()) << c2.status();
  EXPECT_EQ(c2->port.state(), kReturned);
  EXPECT_EQ(c2->number.live_port_id(), "");
  EXPECT_EQ(c2->number.serving_carrier(), "cmcc");
  EXPECT_EQ(FromProto(c2->number.last_port_completed_at()),
            FromProto(PortedNumber().last_port_completed_at()))
      << "a return is not a port: R06 still counts from the last completed port";
  EXPECT_THAT(EventTypes(c2->events), ElementsAre("ROUTING_CONFIRMED", "NUMBER_RETURNED"));
}

TEST(NumberReturnTest, OnlyTheReporterCancelsAndOnlyBeforeTheEffectiveTime) {
  PortPolicy policy;
  auto reported = Report({.port_id = kPortId, .actor = "cucc"});
  ASSERT_TRUE(reported.ok());
  for (const char* actor : {"cmcc", "ctcc", "operator"}) {
    EXPECT_THAT(ApplyToPort(reported->port, reported->number, CancelPort{.actor = actor}, policy,
                            kReported),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << actor;
  }
  auto cancelled = ApplyToPort(reported->port, reported->number,
                               CancelPort{.actor = "cucc", .reason = "subscriber stayed"}, policy,
                               kReported);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->port.state(), kCancelled);
  EXPECT_EQ(cancelled->number.live_port_id(), "");
  EXPECT_EQ(cancelled->number.serving_carrier(), "cucc");
  EXPECT_THAT(EventTypes(cancelled->events), ElementsAre("NUMBER_RETURN_CANCELLED"));

  auto cut = ApplyToPort(reported->port, reported->number, CutoverDue{{"cmcc", "cucc"}}, policy,
                         kReported);
  ASSERT_TRUE(cut.ok());
  EXPECT_THAT(ApplyToPort(cut->port, cut->number, CancelPort{.actor = "cucc"}, policy, kReported),
              StatusIs(kFailedPrecondition));
}

TEST(NumberReturnTest, PortAnswersDoNotApplyToAReturn) {
  PortPolicy policy;
  auto reported = Report({.port_id = kPortId, .actor = "cucc"});
  ASSERT_TRUE(reported.ok());
  // The reporter is the return's "donor", but a return is never answered or goes stale.
  EXPECT_THAT(ApplyToPort(reported->port, reported->number, ApprovePort{.actor = "cucc"}, policy,
                          kReported),
              StatusIs(kFailedPrecondition));
  EXPECT_THAT(ApplyToPort(reported->port, reported->number, StaleDue{}, policy,
                          kReported + absl::Hours(24 * 40)),
              StatusIs(kFailedPrecondition));
  EXPECT_THAT(ApplyToPort(reported->port, reported->number, DonorDeadlineDue{}, policy,
                          kReported + absl::Hours(24 * 40)),
              StatusIs(kFailedPrecondition));
}

}  // namespace
}  // namespace npd::core
