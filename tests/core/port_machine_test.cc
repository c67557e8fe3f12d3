// ApplyToPort: every (state, command) pair, actors, answers, timers and confirmations.
#include "daemon/core/port_machine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "daemon/core/record_builders.h"
#include "tests/core/core_test_util.h"

namespace npd::core {
namespace {

using ::npd::core::testing::EqualsProto;
using ::npd::core::testing::EventTypes;
using ::npd::core::testing::kMsisdn;
using ::npd::core::testing::kPortId;
using ::npd::core::testing::Local;
using ::npd::core::testing::NumberFor;
using ::npd::core::testing::PortIn;
using ::npd::core::testing::Reasons;
using ::npd::core::testing::StatusIs;
using ::npd::v1::PortState;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr PortState kPending = npd::v1::PORT_STATE_PENDING_DONOR;
constexpr PortState kScheduled = npd::v1::PORT_STATE_SCHEDULED;
constexpr PortState kCutover = npd::v1::PORT_STATE_CUTOVER;
constexpr PortState kCompleted = npd::v1::PORT_STATE_COMPLETED;
constexpr PortState kRejected = npd::v1::PORT_STATE_REJECTED;
constexpr PortState kCancelled = npd::v1::PORT_STATE_CANCELLED;
constexpr PortState kExpired = npd::v1::PORT_STATE_EXPIRED;
constexpr PortState kPartialFailure = npd::v1::PORT_STATE_PARTIAL_FAILURE;
constexpr PortState kDisconnectPending = npd::v1::PORT_STATE_DISCONNECT_PENDING;
constexpr PortState kReturned = npd::v1::PORT_STATE_RETURNED;
constexpr absl::StatusCode kFailedPrecondition = absl::StatusCode::kFailedPrecondition;

const absl::Time kSubmitted = Local(2024, 3, 1, 10, 15);

// ---- Every (state, command) pair ----

// Commands as the right party would send them, so that only the state decides.
const std::array<PortCommand, 10> kCommands = {
    ApprovePort{.actor = "cmcc", .note = "ok"},
    RejectPort{.actor = "cmcc", .reasons = {npd::v1::REASON_CODE_R03_ARREARS_BILLED}},
    CancelPort{.actor = "cucc", .reason = "subscriber changed their mind"},
    DonorDeadlineDue{},
    CutoverDue{.carrier_ids = {"cmcc", "ctcc", "cucc"}},
    StaleDue{},
    ConfirmRouting{.carrier = "ctcc"},
    AckDeadlineDue{.resend_count = 0},
    ResendRouting{.actor = "operator", .reason = "ctcc back"},
    OperatorCancel{.actor = "operator", .reason = "stale"},
};
constexpr std::array<const char*, 10> kCommandNames = {
    "Approve",  "Reject",         "Cancel",         "DonorDeadlineDue", "CutoverDue",
    "StaleDue", "ConfirmRouting", "AckDeadlineDue", "ResendRouting",    "OperatorCancel"};

// The expected outcome of one cell: a state after, or an error code.
struct Outcome {
  bool ok;
  PortState state;
  absl::StatusCode code;
};
constexpr Outcome To(PortState state) { return {true, state, absl::StatusCode::kOk}; }
constexpr Outcome Fails(absl::StatusCode code) { return {false, {}, code}; }
constexpr Outcome kNo = Fails(kFailedPrecondition);

struct Row {
  PortState state;
  std::array<Outcome, 10> outcomes;  // in kCommands order
};

// Time of every command: past every due time of PortIn (donor deadline, cutover, T_stale).
const absl::Time kLate = kSubmitted + absl::Hours(24 * 31);

// One row per state a port can be in; the columns follow kCommands: Approve, Reject, Cancel,
// DonorDeadlineDue, CutoverDue, StaleDue, ConfirmRouting, AckDeadlineDue, ResendRouting,
// OperatorCancel.
// clang-format off
const std::array<Row, 8> kTable = {{
  {kPending, {To(kScheduled), To(kRejected), To(kCancelled), To(kPending), kNo, To(kExpired), kNo, kNo, kNo, To(kCancelled)}},
  {kScheduled, {kNo, kNo, To(kCancelled), kNo, To(kCutover), kNo, kNo, kNo, kNo, To(kCancelled)}},
  {kCutover, {kNo, kNo, kNo, kNo, kNo, kNo, To(kCutover), To(kCutover), kNo, kNo}},
  {kPartialFailure, {kNo, kNo, kNo, kNo, kNo, kNo, To(kPartialFailure), kNo, To(kCutover), kNo}},
  {kCompleted, {kNo, kNo, kNo, kNo, kNo, kNo, kNo, kNo, kNo, kNo}},
  {kRejected, {kNo, kNo, kNo, kNo, kNo, kNo, kNo, kNo, kNo, kNo}},
  {kCancelled, {kNo, kNo, kNo, kNo, kNo, kNo, kNo, kNo, kNo, kNo}},
  {kExpired, {kNo, kNo, kNo, kNo, kNo, kNo, kNo, kNo, kNo, kNo}},
}};
// clang-format on

TEST(PortTransitionTableTest, EveryStateAndCommand) {
  PortPolicy policy;  // escalate on donor timeout
  int cells = 0;
  for (const Row& row : kTable) {
    for (size_t i = 0; i < kCommands.size(); ++i) {
      ++cells;
      SCOPED_TRACE(StateName(row.state) + " x " + kCommandNames[i]);
      const npd::v1::Port port = PortIn(row.state, kSubmitted);
      const auto number = NumberFor(port);
      auto t = ApplyToPort(port, number, kCommands[i], policy, kLate);
      const Outcome& want = row.outcomes[i];
      if (!want.ok) {
        EXPECT_THAT(t, StatusIs(want.code));
        continue;
      }
      ASSERT_TRUE(t.ok()) << t.status();
      EXPECT_EQ(t->port.state(), want.state);
      EXPECT_EQ(t->port.version(), port.version() + 1);
      ASSERT_FALSE(t->events.empty());
      EXPECT_EQ(t->events.front().state_before, row.state);
      EXPECT_EQ(t->events.back().state_after, want.state);
      EXPECT_EQ(t->port.port_id(), port.port_id());
      if (IsTerminal(want.state)) {
        EXPECT_EQ(FromProto(t->port.closed_at()), kLate);
        EXPECT_EQ(t->number.live_port_id(), "");
      } else {
        EXPECT_EQ(t->number.live_port_id(), kPortId);
        EXPECT_FALSE(t->port.has_closed_at());
      }
    }
  }
  EXPECT_EQ(cells, 80);
}

// ---- Actors ----

TEST(PortActorTest, OnlyTheDonorAnswers) {
  PortPolicy policy;
  for (PortState state : {kPending, kScheduled, kCompleted}) {
    const auto port = PortIn(state, kSubmitted);
    for (const char* actor : {"cucc", "ctcc", "operator", "npd", ""}) {
      SCOPED_TRACE(std::string(actor) + " in " + StateName(state));
      EXPECT_THAT(ApplyToPort(port, NumberFor(port), ApprovePort{.actor = actor}, policy, kLate),
                  StatusIs(absl::StatusCode::kPermissionDenied));
      EXPECT_THAT(ApplyToPort(port, NumberFor(port),
                              RejectPort{.actor = actor,
                                         .reasons = {npd::v1::REASON_CODE_R01_NOT_REAL_NAME}},
                              policy, kLate),
                  StatusIs(absl::StatusCode::kPermissionDenied));
    }
  }
}

TEST(PortActorTest, OnlyTheRecipientCancels) {
  PortPolicy policy;
  for (PortState state : {kPending, kScheduled, kCutover}) {
    const auto port = PortIn(state, kSubmitted);
    for (const char* actor : {"cmcc", "ctcc", "operator", "npd", ""}) {
      SCOPED_TRACE(std::string(actor) + " in " + StateName(state));
      EXPECT_THAT(ApplyToPort(port, NumberFor(port), CancelPort{.actor = actor}, policy, kLate),
                  StatusIs(absl::StatusCode::kPermissionDenied));
    }
  }
}

// ---- Approve ----

class ApproveTest : public ::testing::Test {
 protected:
  npd::v1::Port port_ = PortIn(kPending, kSubmitted);
  PortPolicy policy_;
};

TEST_F(ApproveTest, SchedulesTheCutoverAtTheNextWholeHour) {
  const absl::Time now = Local(2024, 3, 1, 10, 40, 12);
  auto t = ApplyToPort(port_, NumberFor(port_), ApprovePort{.actor = "cmcc", .note = "fine"},
                       policy_, now);
  ASSERT_TRUE(t.ok()) << t.status();
  npd::v1::Port expected = port_;
  expected.set_state(kScheduled);
  *expected.mutable_answered_at() = ToProto(now);
  expected.set_answer_note("fine");
  *expected.mutable_cutover_at() = ToProto(Local(2024, 3, 1, 11));
  expected.set_version(port_.version() + 1);
  EXPECT_THAT(t->port, EqualsProto(expected));
  EXPECT_THAT(t->number, EqualsProto(NumberFor(port_)));
  ASSERT_THAT(EventTypes(t->events), ElementsAre("PORT_APPROVED"));
  EXPECT_EQ(t->events[0].state_before, kPending);
  EXPECT_EQ(t->events[0].state_after, kScheduled);

  npd::store::v1::TimerRecord cutover;
  cutover.set_kind(npd::store::v1::TIMER_KIND_CUTOVER);
  *cutover.mutable_due_at() = ToProto(Local(2024, 3, 1, 11));
  cutover.set_msisdn(kMsisdn);
  cutover.set_port_id(kPortId);
  ASSERT_EQ(t->effects.arm_timers.size(), 1u);
  EXPECT_THAT(t->effects.arm_timers[0], EqualsProto(cutover));
  EXPECT_FALSE(t->effects.broadcast.has_value());
}

TEST_F(ApproveTest, ApprovalExactlyOnTheHourCutsOverAtTheNextHour) {
  auto t = ApplyToPort(port_, NumberFor(port_), ApprovePort{.actor = "cmcc"}, policy_,
                       Local(2024, 3, 1, 11, 0, 0));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FromProto(t->port.cutover_at()), Local(2024, 3, 1, 12));
}

TEST_F(ApproveTest, FollowsTheCutoverPolicy) {
  policy_.cutover.mode = CutoverPolicy::Mode::kImmediate;
  const absl::Time now = Local(2024, 3, 1, 10, 40, 12);
  auto immediate = ApplyToPort(port_, NumberFor(port_), ApprovePort{.actor = "cmcc"}, policy_, now);
  ASSERT_TRUE(immediate.ok());
  EXPECT_EQ(FromProto(immediate->port.cutover_at()), now);
  EXPECT_EQ(FromProto(immediate->effects.arm_timers[0].due_at()), now);

  policy_.cutover.mode = CutoverPolicy::Mode::kWindow;  // default 02:00-06:00
  auto window = ApplyToPort(port_, NumberFor(port_), ApprovePort{.actor = "cmcc"}, policy_, now);
  ASSERT_TRUE(window.ok());
  EXPECT_EQ(FromProto(window->port.cutover_at()), Local(2024, 3, 2, 2, 0));
}

TEST_F(ApproveTest, LateAnswerIsAcceptedWhileStillPending) {
  port_.set_donor_deadline_passed(true);
  auto t = ApplyToPort(port_, NumberFor(port_), ApprovePort{.actor = "cmcc"}, policy_,
                       kSubmitted + absl::Hours(5));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->port.state(), kScheduled);
  EXPECT_FALSE(t->port.deemed_consent());
}

TEST_F(ApproveTest, NoteIsLimitedTo500Bytes) {
  EXPECT_TRUE(ApplyToPort(port_, NumberFor(port_),
                          ApprovePort{.actor = "cmcc", .note = std::string(500, 'n')}, policy_,
                          kLate)
                  .ok());
  EXPECT_THAT(
      ApplyToPort(port_, NumberFor(port_),
                  ApprovePort{.actor = "cmcc", .note = std::string(501, 'n')}, policy_, kLate),
      StatusIs(absl::StatusCode::kInvalidArgument, "500 bytes"));
}

// ---- Reject ----

class RejectTest : public ApproveTest {};

TEST_F(RejectTest, ClosesThePortWithTheDonorsReasons) {
  const absl::Time now = Local(2024, 3, 1, 10, 30);
  RejectPort reject{
      .actor = "cmcc",
      .reasons = {npd::v1::REASON_CODE_R99_OTHER_POLICY, npd::v1::REASON_CODE_R03_ARREARS_BILLED,
                  npd::v1::REASON_CODE_R03_ARREARS_BILLED},
      .note = "judicial freeze"};
  policy_.rule_version = "rules-x";
  auto t = ApplyToPort(port_, NumberFor(port_), reject, policy_, now);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->port.state(), kRejected);
  EXPECT_THAT(Reasons(t->port.refusal()), ElementsAre(npd::v1::REASON_CODE_R03_ARREARS_BILLED,
                                                      npd::v1::REASON_CODE_R99_OTHER_POLICY));
  EXPECT_THAT(t->port.refusal().text(), HasSubstr("R03_ARREARS_BILLED"));
  EXPECT_THAT(t->port.refusal().text(), HasSubstr("R99_OTHER_POLICY"));
  EXPECT_THAT(t->port.refusal().text(), HasSubstr("judicial freeze"));
  EXPECT_EQ(t->port.refusal().rule_version(), "rules-x");
  EXPECT_EQ(FromProto(t->port.closed_at()), now);
  EXPECT_EQ(FromProto(t->port.answered_at()), now);
  EXPECT_EQ(t->number.live_port_id(), "");
  EXPECT_EQ(t->number.serving_carrier(), "cmcc");
  ASSERT_THAT(EventTypes(t->events), ElementsAre("PORT_REJECTED"));
  EXPECT_EQ(t->events[0].state_before, kPending);
  EXPECT_EQ(t->events[0].state_after, kRejected);
  EXPECT_THAT(t->events[0].detail, HasSubstr("R03_ARREARS_BILLED, R99_OTHER_POLICY"));
  EXPECT_THAT(t->effects.arm_timers, IsEmpty());
}

TEST_F(RejectTest, EveryDonorReasonIsAccepted) {
  for (auto reason :
       {npd::v1::REASON_CODE_R01_NOT_REAL_NAME, npd::v1::REASON_CODE_R02_ABNORMAL_STATUS,
        npd::v1::REASON_CODE_R03_ARREARS_BILLED, npd::v1::REASON_CODE_R04_UNBILLED_NO_ARRANGEMENT,
        npd::v1::REASON_CODE_R05_LOCK_IN_CONTRACT}) {
    auto t = ApplyToPort(port_, NumberFor(port_), RejectPort{.actor = "cmcc", .reasons = {reason}},
                         policy_, kLate);
    ASSERT_TRUE(t.ok()) << ReasonName(reason) << ": " << t.status();
    EXPECT_THAT(Reasons(t->port.refusal()), ElementsAre(reason));
  }
}

TEST_F(RejectTest, ReasonsMustBeDonorReasons) {
  auto reject = [&](std::vector<npd::v1::ReasonCode> reasons, std::string note = "") {
    return ApplyToPort(
        port_, NumberFor(port_),
        RejectPort{.actor = "cmcc", .reasons = std::move(reasons), .note = std::move(note)},
        policy_, kLate);
  };
  EXPECT_THAT(reject({}), StatusIs(absl::StatusCode::kInvalidArgument, "at least one reason"));
  EXPECT_THAT(reject({npd::v1::REASON_CODE_UNSPECIFIED}),
              StatusIs(absl::StatusCode::kInvalidArgument, "not a donor reason"));
  for (int code = 6; code <= 14; ++code) {
    EXPECT_THAT(
        reject({npd::v1::REASON_CODE_R01_NOT_REAL_NAME, static_cast<npd::v1::ReasonCode>(code)}),
        StatusIs(absl::StatusCode::kInvalidArgument, "not a donor reason"))
        << code;
  }
  EXPECT_THAT(reject({static_cast<npd::v1::ReasonCode>(42)}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(reject({npd::v1::REASON_CODE_R99_OTHER_POLICY}),
              StatusIs(absl::StatusCode::kInvalidArgument, "R99_OTHER_POLICY needs a note"));
  EXPECT_THAT(reject({npd::v1::REASON_CODE_R99_OTHER_POLICY}, "  "),
              StatusIs(absl::StatusCode::kInvalidArgument, "R99_OTHER_POLICY needs a note"));
  EXPECT_THAT(reject({npd::v1::REASON_CODE_R01_NOT_REAL_NAME}, std::string(501, 'n')),
              StatusIs(absl::StatusCode::kInvalidArgument, "500 bytes"));
  EXPECT_TRUE(reject({npd::v1::REASON_CODE_R99_OTHER_POLICY}, "policy 7").ok());
}

// ---- Cancel ----

TEST(CancelTest, CancelsBeforeCutover) {
  PortPolicy policy;
  for (PortState state : {kPending, kScheduled}) {
    const auto port = PortIn(state, kSubmitted);
    auto t = ApplyToPort(port, NumberFor(port), CancelPort{.actor = "cucc", .reason = "moved"},
                         policy, kLate);
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(t->port.state(), kCancelled);
    EXPECT_EQ(t->port.cancel_reason(), "moved");
    EXPECT_EQ(FromProto(t->port.closed_at()), kLate);
    EXPECT_EQ(t->number.live_port_id(), "");
    EXPECT_EQ(t->number.serving_carrier(), "cmcc");
    ASSERT_THAT(EventTypes(t->events), ElementsAre("PORT_CANCELLED"));
    EXPECT_EQ(t->events[0].state_before, state);
    EXPECT_EQ(t->events[0].state_after, kCancelled);
  }
}

TEST(CancelTest, CannotCancelAfterCutover) {
  PortPolicy policy;
  for (PortState state : {kCutover, kCompleted}) {
    const auto port = PortIn(state, kSubmitted);
    EXPECT_THAT(ApplyToPort(port, NumberFor(port), CancelPort{.actor = "cucc"}, policy, kLate),
                StatusIs(kFailedPrecondition, "cannot cancel after cutover"));
  }
}

TEST(CancelTest, ReasonIsLimitedTo500Bytes) {
  PortPolicy policy;
  const auto port = PortIn(kPending, kSubmitted);
  EXPECT_THAT(
      ApplyToPort(port, NumberFor(port),
                  CancelPort{.actor = "cucc", .reason = std::string(501, 'r')}, policy, kLate),
      StatusIs(absl::StatusCode::kInvalidArgument, "500 bytes"));
}

TEST(CancelTest, LeavesAnotherPortsLiveMarkAlone) {
  PortPolicy policy;
  const auto port = PortIn(kPending, kSubmitted);
  auto number = NumberFor(port);
  number.set_live_port_id("P000000000099");
  auto t = ApplyToPort(port, number, CancelPort{.actor = "cucc"}, policy, kLate);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->number.live_port_id(), "P000000000099");
}

// ---- Donor deadline ----

class DonorDeadlineTest : public ::testing::Test {
 protected:
  npd::v1::Port port_ = PortIn(kPending, kSubmitted);
  absl::Time deadline_ = kSubmitted + absl::Hours(1);
  PortPolicy policy_;
};

TEST_F(DonorDeadlineTest, EscalateKeepsWaiting) {
  auto t = ApplyToPort(port_, NumberFor(port_), DonorDeadlineDue{}, policy_, deadline_);
  ASSERT_TRUE(t.ok()) << t.status();
  npd::v1::Port expected = port_;
  expected.set_donor_deadline_passed(true);
  expected.set_version(port_.version() + 1);
  EXPECT_THAT(t->port, EqualsProto(expected));
  ASSERT_THAT(EventTypes(t->events), ElementsAre("DONOR_DEADLINE_PASSED"));
  EXPECT_EQ(t->events[0].state_before, kPending);
  EXPECT_EQ(t->events[0].state_after, kPending);
  EXPECT_THAT(t->events[0].detail, HasSubstr("escalated to operations"));
  EXPECT_THAT(t->effects.arm_timers, IsEmpty());

  // The timer fires once; the donor can still answer.
  EXPECT_THAT(ApplyToPort(t->port, t->number, DonorDeadlineDue{}, policy_, kLate),
              StatusIs(kFailedPrecondition));
  auto approved = ApplyToPort(t->port, t->number, ApprovePort{.actor = "cmcc"}, policy_, kLate);
  ASSERT_TRUE(approved.ok());
  EXPECT_EQ(approved->port.state(), kScheduled);
}

TEST_F(DonorDeadlineTest, DeemedConsentSchedulesTheCutover) {
  policy_.donor_timeout = DonorTimeoutPolicy::kDeemedConsent;
  const absl::Time now = deadline_ + absl::Minutes(3);
  auto t = ApplyToPort(port_, NumberFor(port_), DonorDeadlineDue{}, policy_, now);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->port.state(), kScheduled);
  EXPECT_TRUE(t->port.donor_deadline_passed());
  EXPECT_TRUE(t->port.deemed_consent());
  EXPECT_EQ(FromProto(t->port.answered_at()), now);
  EXPECT_EQ(FromProto(t->port.cutover_at()), Local(2024, 3, 1, 12));
  ASSERT_THAT(EventTypes(t->events), ElementsAre("PORT_DEEMED_APPROVED"));
  EXPECT_EQ(t->events[0].state_before, kPending);
  EXPECT_EQ(t->events[0].state_after, kScheduled);
  ASSERT_EQ(t->effects.arm_timers.size(), 1u);
  EXPECT_EQ(t->effects.arm_timers[0].kind(), npd::store::v1::TIMER_KIND_CUTOVER);
  EXPECT_EQ(FromProto(t->effects.arm_timers[0].due_at()), Local(2024, 3, 1, 12));
  EXPECT_EQ(t->number.live_port_id(), kPortId);
}

TEST_F(DonorDeadlineTest, NotDueYetIsRefused) {
  for (auto timeout : {DonorTimeoutPolicy::kEscalate, DonorTimeoutPolicy::kDeemedConsent}) {
    policy_.donor_timeout = timeout;
    EXPECT_THAT(ApplyToPort(port_, NumberFor(port_), DonorDeadlineDue{}, policy_,
                            deadline_ - absl::Microseconds(1)),
                StatusIs(kFailedPrecondition, "not due"));
  }
}

TEST_F(DonorDeadlineTest, AlreadyPassedIsRefusedUnderEitherPolicy) {
  port_.set_donor_deadline_passed(true);
  policy_.donor_timeout = DonorTimeoutPolicy::kDeemedConsent;
  EXPECT_THAT(ApplyToPort(port_, NumberFor(port_), DonorDeadlineDue{}, policy_, kLate),
              StatusIs(kFailedPrecondition));
}

// ---- Cutover ----

class CutoverTest : public ::testing::Test {
 protected:
  npd::v1::Port port_ = PortIn(kScheduled, kSubmitted);
  absl::Time cutover_at_ = kSubmitted + absl::Hours(2);
  PortPolicy policy_;
};

TEST_F(CutoverTest, MovesTheRoutingAndWaitsForEveryCarrier) {
  const absl::Time now = cutover_at_ + absl::Seconds(2);
  auto t = ApplyToPort(port_, NumberFor(port_), CutoverDue{.carrier_ids = {"cucc", "cmcc", "ctcc"}},
                       policy_, now);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->port.state(), kCutover);
  EXPECT_EQ(FromProto(t->port.cutover_at()), now) << "when the cutover happened, not when it was due";
  EXPECT_THAT(t->port.pending_confirmations(), ElementsAre("cmcc", "ctcc", "cucc"));
  EXPECT_THAT(t->port.confirmed_by(), IsEmpty());
  EXPECT_FALSE(t->port.has_closed_at());
  EXPECT_EQ(t->number.serving_carrier(), "cucc");
  EXPECT_EQ(t->number.live_port_id(), kPortId);

  npd::v1::RoutingChange change;
  change.set_msisdn(kMsisdn);
  change.set_serving_carrier("cucc");
  change.set_previous_carrier("cmcc");
  change.set_range_holder("cmcc");
  *change.mutable_effective_at() = ToProto(now);
  change.set_port_id(kPortId);
  change.set_kind(npd::v1::ROUTING_CHANGE_KIND_PORTED);
  ASSERT_TRUE(t->effects.broadcast.has_value());
  EXPECT_THAT(*t->effects.broadcast, EqualsProto(change));
  EXPECT_EQ(FromProto(t->port.ack_deadline_at()), now + policy_.ack_timeout);
  EXPECT_EQ(t->port.resend_count(), 0);
  EXPECT_THAT(t->effects.arm_timers,
              ElementsAre(EqualsProto(MakeTimer(npd::store::v1::TIMER_KIND_ACK_DEADLINE,
                                                now + policy_.ack_timeout, kMsisdn, kPortId, 0))));
  ASSERT_THAT(EventTypes(t->events), ElementsAre("PORT_CUTOVER"));
  EXPECT_EQ(t->events[0].state_before, kScheduled);
  EXPECT_EQ(t->events[0].state_after, kCutover);
}

TEST_F(CutoverTest, NotDueYetIsRefused) {
  EXPECT_THAT(ApplyToPort(port_, NumberFor(port_), CutoverDue{.carrier_ids = {"cmcc"}}, policy_,
                          cutover_at_ - absl::Microseconds(1)),
              StatusIs(kFailedPrecondition, "not due"));
  EXPECT_TRUE(ApplyToPort(port_, NumberFor(port_), CutoverDue{.carrier_ids = {"cmcc"}}, policy_,
                          cutover_at_)
                  .ok());
}

TEST_F(CutoverTest, NeedsTheCarrierSet) {
  EXPECT_THAT(ApplyToPort(port_, NumberFor(port_), CutoverDue{}, policy_, cutover_at_),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// ---- Stale ----

TEST(StaleTest, PendingPortExpiresAfterTheConfiguredTime) {
  PortPolicy policy;
  policy.stale_after = absl::Hours(24 * 10);
  const auto port = PortIn(kPending, kSubmitted);
  const absl::Time due = kSubmitted + absl::Hours(24 * 10);
  EXPECT_THAT(ApplyToPort(port, NumberFor(port), StaleDue{}, policy, due - absl::Microseconds(1)),
              StatusIs(kFailedPrecondition));
  auto t = ApplyToPort(port, NumberFor(port), StaleDue{}, policy, due);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->port.state(), kExpired);
  EXPECT_EQ(FromProto(t->port.closed_at()), due);
  EXPECT_EQ(t->number.live_port_id(), "");
  ASSERT_THAT(EventTypes(t->events), ElementsAre("PORT_EXPIRED"));
  EXPECT_EQ(t->events[0].state_before, kPending);
  EXPECT_EQ(t->events[0].state_after, kExpired);
}

TEST(StaleTest, ScheduledAndCutoverPortsDoNotGoStale) {
  PortPolicy policy;
  for (PortState state : {kScheduled, kCutover}) {
    const auto port = PortIn(state, kSubmitted);
    EXPECT_THAT(ApplyToPort(port, NumberFor(port), StaleDue{}, policy, kLate),
                StatusIs(kFailedPrecondition));
  }
}

// ---- Confirmations ----

TEST(ConfirmRoutingTest, CompletesWhenEveryCarrierConfirmed) {
  PortPolicy policy;
  auto port = PortIn(kCutover, kSubmitted);
  auto number = NumberFor(port);
  const absl::Time t0 = kSubmitted + absl::Hours(2) + absl::Seconds(5);

  auto first = ApplyToPort(port, number, ConfirmRouting{.carrier = "cucc"}, policy, t0);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->port.state(), kCutover);
  EXPECT_THAT(first->port.pending_confirmations(), ElementsAre("cmcc", "ctcc"));
  EXPECT_THAT(first->port.confirmed_by(), ElementsAre("cucc"));
  ASSERT_THAT(EventTypes(first->events), ElementsAre("ROUTING_CONFIRMED"));
  EXPECT_EQ(first->events[0].state_before, kCutover);
  EXPECT_EQ(first->events[0].state_after, kCutover);
  EXPECT_THAT(first->events[0].detail, HasSubstr("cucc"));
  EXPECT_EQ(first->port.version(), port.version() + 1);

  // A carrier confirms once.
  EXPECT_THAT(
      ApplyToPort(first->port, first->number, ConfirmRouting{.carrier = "cucc"}, policy, t0),
      StatusIs(kFailedPrecondition));
  EXPECT_THAT(ApplyToPort(first->port, first->number, ConfirmRouting{.carrier = "cbn"}, policy, t0),
              StatusIs(kFailedPrecondition));

  auto second =
      ApplyToPort(first->port, first->number, ConfirmRouting{.carrier = "cmcc"}, policy, t0);
  ASSERT_TRUE(second.ok());
  EXPECT_THAT(second->port.confirmed_by(), ElementsAre("cmcc", "cucc"));
  EXPECT_EQ(second->port.state(), kCutover);

  const absl::Time done = t0 + absl::Minutes(4);
  auto last =
      ApplyToPort(second->port, second->number, ConfirmRouting{.carrier = "ctcc"}, policy, done);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->port.state(), kCompleted);
  EXPECT_THAT(last->port.pending_confirmations(), IsEmpty());
  EXPECT_THAT(last->port.confirmed_by(), ElementsAre("cmcc", "ctcc", "cucc"));
  EXPECT_EQ(FromProto(last->port.closed_at()), done);
  EXPECT_EQ(last->port.version(), port.version() + 3);
  EXPECT_EQ(last->number.live_port_id(), "");
  EXPECT_EQ(last->number.serving_carrier(), "cucc");
  EXPECT_EQ(FromProto(last->number.last_port_completed_at()), done);
  ASSERT_THAT(EventTypes(last->events), ElementsAre("ROUTING_CONFIRMED", "PORT_COMPLETED"));
  EXPECT_EQ(last->events[0].state_before, kCutover);
  EXPECT_EQ(last->events[0].state_after, kCutover);
  EXPECT_EQ(last->events[1].state_before, kCutover);
  EXPECT_EQ(last->events[1].state_after, kCompleted);
  EXPECT_FALSE(last->effects.broadcast.has_value());
}

// ---- A whole port, and the next one ----

TEST(PortLifecycleTest, SubmitApproveCutoverConfirmThenIntervalApplies) {
  PortPolicy policy;
  NumberFacts facts = testing::BeijingCmccFacts();
  auto number = testing::Number("cmcc");
  auto& code = *number.mutable_auth_code();
  code.set_code_hash("c");
  code.set_holder_identity_hash("h");
  code.set_state(npd::store::v1::AUTH_CODE_STATE_ACTIVE);
  *code.mutable_expires_at() = ToProto(kSubmitted + absl::Hours(1));
  SubmitPortCommand submit{.port_id = kPortId,
                           .recipient = "cucc",
                           .local_network = "010",
                           .code_hash = "c",
                           .applicant_hash = "h"};

  auto submitted = SubmitPort(facts, number, submit, policy, kSubmitted);
  ASSERT_TRUE(submitted.ok());
  auto approved = ApplyToPort(submitted->port, submitted->number, ApprovePort{.actor = "cmcc"},
                              policy, kSubmitted + absl::Minutes(5));
  ASSERT_TRUE(approved.ok());
  const absl::Time cutover_at = FromProto(approved->port.cutover_at());
  EXPECT_EQ(cutover_at, Local(2024, 3, 1, 11));
  auto cut = ApplyToPort(approved->port, approved->number,
                         CutoverDue{.carrier_ids = {"cmcc", "cucc"}}, policy, cutover_at);
  ASSERT_TRUE(cut.ok());
  auto c1 = ApplyToPort(cut->port, cut->number, ConfirmRouting{"cmcc"}, policy, cutover_at);
  ASSERT_TRUE(c1.ok());
  auto c2 = ApplyToPort(c1->port, c1->number, ConfirmRouting{"cucc"}, policy, cutover_at);
  ASSERT_TRUE(c2.ok());
  EXPECT_EQ(c2->port.state(), kCompleted);
  EXPECT_EQ(c2->port.version(), 5);

  // The new serving carrier is now the donor; a port back within 120 days is refused with R06.
  auto again_number = c2->number;
  auto& new_code = *again_number.mutable_auth_code();
  new_code.set_code_hash("c2");
  new_code.set_holder_identity_hash("h");
  new_code.set_state(npd::store::v1::AUTH_CODE_STATE_ACTIVE);
  *new_code.mutable_expires_at() = ToProto(cutover_at + absl::Hours(24 * 10));
  SubmitPortCommand back{.port_id = "P000000000043",
                         .recipient = "cmcc",
                         .local_network = "010",
                         .code_hash = "c2",
                         .applicant_hash = "h"};
  auto refused = SubmitPort(facts, again_number, back, policy, cutover_at + absl::Hours(24));
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->port.donor(), "cucc");
  EXPECT_THAT(Reasons(refused->port.refusal()),
              ElementsAre(npd::v1::REASON_CODE_R06_PORT_INTERVAL_120D));
}

// ---- Names and classifications ----

TEST(PortStateTest, LiveAndTerminalPartitionTheStates) {
  for (PortState state : {kPending, kScheduled, kCutover, kPartialFailure, kDisconnectPending}) {
    EXPECT_TRUE(IsLive(state)) << StateName(state);
    EXPECT_FALSE(IsTerminal(state)) << StateName(state);
  }
  for (PortState state : {kCompleted, kRejected, kCancelled, kExpired, kReturned}) {
    EXPECT_FALSE(IsLive(state)) << StateName(state);
    EXPECT_TRUE(IsTerminal(state)) << StateName(state);
  }
  EXPECT_FALSE(IsLive(npd::v1::PORT_STATE_UNSPECIFIED));
  EXPECT_FALSE(IsTerminal(npd::v1::PORT_STATE_UNSPECIFIED));
}

TEST(PortNamesTest, NamesDropTheEnumPrefix) {
  EXPECT_EQ(ReasonName(npd::v1::REASON_CODE_R03_ARREARS_BILLED), "R03_ARREARS_BILLED");
  EXPECT_EQ(ReasonName(npd::v1::REASON_CODE_R99_OTHER_POLICY), "R99_OTHER_POLICY");
  EXPECT_EQ(ReasonName(npd::v1::REASON_CODE_R14_OUTSIDE_SERVICE_WINDOW),
            "R14_OUTSIDE_SERVICE_WINDOW");
  EXPECT_EQ(ReasonName(static_cast<npd::v1::ReasonCode>(42)), "UNKNOWN_REASON_42");
  EXPECT_EQ(StateName(kPending), "PENDING_DONOR");
  EXPECT_EQ(StateName(kExpired), "EXPIRED");
  EXPECT_EQ(StateName(npd::v1::PORT_STATE_UNSPECIFIED), "UNSPECIFIED");
  EXPECT_EQ(StateName(static_cast<PortState>(99)), "UNKNOWN_STATE_99");
}

}  // namespace
}  // namespace npd::core
