// Payout facts and conflicts (daemon/core/refund_machine.h): every definite payout fact is kept,
// a report is only a hint that makes npd query, a fact that contradicts another is a conflict that
// stops a case that could still pay, and the operator reconciles it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "daemon/core/attention.h"
#include "tests/core/refund_machine_fixture.h"

namespace npd::core {
namespace {

using ::npd::v1::PayoutOutcome;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kKey1[] = "R000000000042:payout:1";
constexpr char kKey2[] = "R000000000042:payout:2";
constexpr auto kSucceeded = npd::v1::PAYOUT_STATUS_SUCCEEDED;
constexpr auto kFailed = npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID;
constexpr auto kPending = npd::v1::PAYOUT_STATUS_PENDING;

class PayoutConflictTest : public RefundMachineTest {
 protected:
  const npd::v1::Refund& refund() const { return record_.refund(); }

  // Payout 1 refused by the channel's answer to Pay: AWAIT_CLAIM, the failure held.
  void ToFirstPayoutRefused() {
    ToPayoutRequested();
    Apply(PayResult(kFailed));
    ASSERT_EQ(state(), npd::v1::REFUND_STATE_AWAIT_CLAIM);
  }
  // Payout 1 refused, a second claim (in Hubei) accepted and its Pay sent.
  void ToSecondPayoutRequested() {
    ToFirstPayoutRefused();
    RefundClaimCommand again = Claim(kHolder, "6222020000000019", "c2");
    again.claim_province = "Hubei";
    ASSERT_TRUE(MakeClaim(again).accepted);
    auto begun = BeginPayout(record_, outbox_, outbox_->version(), now_);
    ASSERT_TRUE(begun.ok()) << begun.status();
    Take(*std::move(begun));
    ASSERT_EQ(refund().payout_key(), kKey2);
  }
  // Paid by the channel's answer to Pay (reference PAY-1), the settlement due.
  void ToPaid() {
    ToPayoutRequested();
    Apply(PayResult(kSucceeded));
    ASSERT_EQ(state(), npd::v1::REFUND_STATE_PAID);
  }
  // The case stopped: STUCK at PAYOUT, no outbox entry, one open conflict.
  void ExpectHalted(npd::v1::RefundState from) {
    EXPECT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
    EXPECT_EQ(refund().stuck().step(), npd::v1::REFUND_STEP_PAYOUT);
    EXPECT_EQ(refund().stuck().from_state(), from);
    EXPECT_THAT(refund().stuck().last_error(), HasSubstr("payout conflict #1"));
    EXPECT_FALSE(outbox_.has_value());
    EXPECT_FALSE(refund().has_pending_step());
    EXPECT_FALSE(refund().has_reported_payout());
    ASSERT_EQ(refund().payout_conflicts_size(), 1);
    EXPECT_FALSE(refund().payout_conflicts(0).resolved());
    EXPECT_EQ(EventTypes(), (std::vector<std::string>{"REFUND_PAYOUT_CONFLICT", "REFUND_STUCK"}));
  }
  const npd::v1::PayoutConflict& Conflict(int i = 0) const { return refund().payout_conflicts(i); }
};

// ---- Every definite fact is held ----

TEST_F(PayoutConflictTest, EveryDefiniteAnswerIsHeldPerGeneration) {
  ToSecondPayoutRequested();
  Apply(QueryAnswer(kSucceeded, 5000, "PAY-2"));
  ASSERT_EQ(state(), npd::v1::REFUND_STATE_PAID);
  ASSERT_EQ(refund().payout_outcomes_size(), 2);
  const PayoutOutcome& first = refund().payout_outcomes(0);
  EXPECT_EQ(first.generation(), 1);
  EXPECT_EQ(first.payout_key(), kKey1);
  EXPECT_EQ(first.status(), kFailed);
  EXPECT_EQ(first.source(), npd::v1::PAYOUT_SOURCE_PAY_ANSWER);
  EXPECT_EQ(first.claim_province(), "Guangdong");
  EXPECT_EQ(first.payee_last4(), "0001");
  const PayoutOutcome& second = refund().payout_outcomes(1);
  EXPECT_EQ(second.generation(), 2);
  EXPECT_EQ(second.status(), kSucceeded);
  EXPECT_EQ(second.amount_fen(), 5000);
  EXPECT_EQ(second.reference(), "PAY-2");
  EXPECT_EQ(second.source(), npd::v1::PAYOUT_SOURCE_QUERY_ANSWER);
  EXPECT_EQ(second.claim_province(), "Hubei");
  EXPECT_EQ(FromProto(second.at()), now_);
  EXPECT_THAT(refund().payout_conflicts(), IsEmpty());
}

TEST_F(PayoutConflictTest, PendingAndNotReceivedAreNotHeld) {
  ToPayoutRequested();
  Apply(PayResult(kPending));
  Apply(PayResult(npd::v1::PAYOUT_STATUS_UNSPECIFIED, /*query=*/true, /*found=*/false));
  EXPECT_THAT(refund().payout_outcomes(), IsEmpty());
}

// ---- A report is a hint: it makes npd query ----

TEST_F(PayoutConflictTest, AReportOfTheCurrentPayoutOnlyMakesNpdQueryAtOnce) {
  ToPayoutRequested();
  now_ += absl::Seconds(3);
  const int64_t version = outbox_->version();
  CallbackOutcome out = Callback(Report(kKey1, kFailed));
  EXPECT_TRUE(out.applied);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);  // nothing released
  EXPECT_TRUE(refund().has_claim());
  ASSERT_TRUE(refund().has_reported_payout());
  EXPECT_EQ(refund().reported_payout().status(), kFailed);
  EXPECT_EQ(refund().reported_payout().source(), npd::v1::PAYOUT_SOURCE_CALLBACK);
  ASSERT_TRUE(outbox_.has_value());
  EXPECT_EQ(outbox_->step(), npd::v1::REFUND_STEP_PAYOUT);
  EXPECT_EQ(outbox_->idempotency_key(), kKey1);
  EXPECT_TRUE(outbox_->query_first());
  EXPECT_EQ(FromProto(outbox_->due_at()), now_);
  EXPECT_GT(outbox_->version(), version);
  EXPECT_EQ(EventTypes(), std::vector<std::string>{"REFUND_PAYOUT_REPORTED"});
  EXPECT_THAT(refund().payout_outcomes(), IsEmpty());
  // The query agrees: now the failure is a fact and the reservation is released.
  Apply(QueryAnswer(kFailed));
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_AWAIT_CLAIM);
  EXPECT_FALSE(refund().has_reported_payout());
  ASSERT_EQ(refund().payout_outcomes_size(), 1);
  EXPECT_EQ(refund().payout_outcomes(0).source(), npd::v1::PAYOUT_SOURCE_QUERY_ANSWER);
  EXPECT_THAT(refund().payout_conflicts(), IsEmpty());
}

TEST_F(PayoutConflictTest, AReportDuringPayMakesThePayAnswerStaleAndTheQueryDecides) {
  ToPayoutRequested();
  const int64_t pay_version = outbox_->version();
  ASSERT_TRUE(Callback(Report(kKey1, kSucceeded, 5000, "PAY-7")).applied);
  StepResult late = PayResult(kSucceeded);
  late.version = pay_version;
  EXPECT_EQ(ApplyStepResult(record_, outbox_, late, policy_, now_, 0).status().code(),
            absl::StatusCode::kFailedPrecondition);
  Apply(QueryAnswer(kSucceeded, 5000, "PAY-7"));
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAID);
  EXPECT_EQ(refund().payout_reference(), "PAY-7");
}

TEST_F(PayoutConflictTest, APendingAnswerKeepsTheReportUnderCheckAndPolls) {
  ToPayoutRequested();
  ASSERT_TRUE(Callback(Report(kKey1, kSucceeded, 5000)).applied);
  Apply(QueryAnswer(kPending));
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  EXPECT_TRUE(refund().has_reported_payout());
  EXPECT_EQ(FromProto(outbox_->due_at()), now_ + policy_.poll_interval);
  Apply(QueryAnswer(kSucceeded));
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAID);
}

TEST_F(PayoutConflictTest, AReportUnsticksACaseStuckAtItsPayoutToQueryIt) {
  ToPayoutRequested();
  for (int i = 0; i < policy_.max_attempts; ++i) Apply(Failed("DEADLINE_EXCEEDED"));
  ASSERT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  ASSERT_TRUE(Callback(Report(kKey1, kSucceeded, 5000, "PAY-LATE")).applied);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  EXPECT_FALSE(refund().has_stuck());
  EXPECT_EQ(refund().paid_fen(), 0);  // not paid on the report's word
  ASSERT_TRUE(outbox_.has_value());
  EXPECT_TRUE(outbox_->query_first());
  EXPECT_EQ(outbox_->attempts(), 0);
  Apply(QueryAnswer(kSucceeded, 5000, "PAY-LATE"));
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAID);
}

// ---- Each kind of contradiction ----

TEST_F(PayoutConflictTest, TheQueryContradictingAReportIsAConflictAndReleasesNothing) {
  ToPayoutRequested();
  ASSERT_TRUE(Callback(Report(kKey1, kFailed)).applied);  // forged: the channel paid
  Apply(QueryAnswer(kSucceeded, 5000, "PAY-1"));
  ExpectHalted(npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  EXPECT_TRUE(refund().has_claim());  // the reservation is kept
  EXPECT_EQ(refund().paid_fen(), 0);
  EXPECT_EQ(Conflict().payout_key(), kKey1);
  EXPECT_EQ(Conflict().earlier().source(), npd::v1::PAYOUT_SOURCE_CALLBACK);
  EXPECT_EQ(Conflict().earlier().status(), kFailed);
  EXPECT_EQ(Conflict().reported().source(), npd::v1::PAYOUT_SOURCE_QUERY_ANSWER);
  EXPECT_EQ(Conflict().reported().status(), kSucceeded);
  EXPECT_EQ(Conflict().number(), 1);
  EXPECT_THAT(Conflict().description(), HasSubstr("the channel's answer contradicts its report"));
  EXPECT_THAT(events_[0].detail, HasSubstr("the channel reported FAILED_PAYEE_INVALID"));
  EXPECT_THAT(events_[0].detail, HasSubstr("QueryPayout answered SUCCEEDED 50.00 CNY"));
  EXPECT_EQ(refund().payout_outcomes_size(), 2);  // both facts are held
  // A second claim cannot start another payout.
  ClaimOutcome second = MakeClaim(Claim(kHolder, "6222020000000019", "c2"));
  EXPECT_FALSE(second.accepted);
}

TEST_F(PayoutConflictTest, NotReceivedAfterADefiniteReportIsAConflict) {
  ToPayoutRequested();
  ASSERT_TRUE(Callback(Report(kKey1, kSucceeded, 5000)).applied);
  Apply(PayResult(npd::v1::PAYOUT_STATUS_UNSPECIFIED, /*query=*/true, /*found=*/false));
  ExpectHalted(npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  EXPECT_TRUE(Conflict().reported().not_received());
  EXPECT_THAT(Conflict().description(), HasSubstr("no payout under a key it reported on"));
}

TEST_F(PayoutConflictTest, ASuccessAfterADefiniteFailureStopsTheNextPayout) {
  ToSecondPayoutRequested();
  CallbackOutcome out = Callback(Report(kKey1, kSucceeded, 5000, "PAY-LATE"));
  EXPECT_TRUE(out.applied);
  ExpectHalted(npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  EXPECT_EQ(Conflict().payout_key(), kKey1);
  EXPECT_EQ(Conflict().earlier().status(), kFailed);
  EXPECT_EQ(Conflict().earlier().source(), npd::v1::PAYOUT_SOURCE_PAY_ANSWER);
  EXPECT_EQ(Conflict().reported().status(), kSucceeded);
  EXPECT_EQ(Conflict().reported().reference(), "PAY-LATE");
  EXPECT_EQ(Conflict().reported().claim_province(), "Guangdong");  // payout 1's claim
  EXPECT_THAT(Conflict().description(), HasSubstr("a success after a definite failure"));
  EXPECT_EQ(FromProto(Conflict().at()), now_);
}

TEST_F(PayoutConflictTest, ALateSuccessWhileAwaitingANewClaimStopsTheCase) {
  ToFirstPayoutRefused();
  ASSERT_TRUE(Callback(Report(kKey1, kSucceeded, 5000, "PAY-LATE")).applied);
  ExpectHalted(npd::v1::REFUND_STATE_AWAIT_CLAIM);
  EXPECT_EQ(ClaimRefund(record_, outbox_, Claim(), policy_, now_).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(PayoutConflictTest, AFailureAfterASuccessKeepsAPaidCaseGoingWithTheConflictOpen) {
  ToPaid();
  const int64_t settle_version = outbox_->version();
  CallbackOutcome out = Callback(Report(kKey1, kFailed));
  EXPECT_TRUE(out.applied);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAID);
  ASSERT_TRUE(outbox_.has_value());
  EXPECT_EQ(outbox_->step(), npd::v1::REFUND_STEP_SETTLE);
  EXPECT_EQ(outbox_->version(), settle_version);
  EXPECT_EQ(EventTypes(), std::vector<std::string>{"REFUND_PAYOUT_CONFLICT"});
  EXPECT_THAT(Conflict().description(), HasSubstr("a failure after a success"));
  // The case settles and closes; the conflict stays open for the operator.
  StepResult settled = Done();
  settled.reference = "LEDGER-1";
  Apply(settled);
  Apply(Done());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_CLOSED_PAID);
  EXPECT_FALSE(Conflict().resolved());
  auto item = RefundAttention(refund(), npd::v1::ATTENTION_KIND_UNSPECIFIED);
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->kind(), npd::v1::ATTENTION_KIND_PAYOUT_CONFLICT);
}

TEST_F(PayoutConflictTest, AnotherAmountOrReferenceUnderTheSameKeyIsAConflict) {
  ToPaid();
  ASSERT_TRUE(Callback(Report(kKey1, kSucceeded, 4000, "PAY-1")).applied);
  EXPECT_THAT(Conflict(0).description(), HasSubstr("another amount"));
  ASSERT_TRUE(Callback(Report(kKey1, kSucceeded, 5000, "PAY-OTHER")).applied);
  ASSERT_EQ(refund().payout_conflicts_size(), 2);
  EXPECT_THAT(Conflict(1).description(), HasSubstr("another reference"));
  EXPECT_EQ(Conflict(1).number(), 2);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAID);
}

TEST_F(PayoutConflictTest, AReportedSuccessOfAnotherAmountThanRequestedIsAConflict) {
  ToPayoutRequested();
  ASSERT_TRUE(Callback(Report(kKey1, kSucceeded, 4999)).applied);
  ExpectHalted(npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  EXPECT_EQ(Conflict().earlier().source(), npd::v1::PAYOUT_SOURCE_REQUEST);
  EXPECT_EQ(Conflict().earlier().amount_fen(), 5000);
  EXPECT_EQ(Conflict().reported().amount_fen(), 4999);
  EXPECT_THAT(Conflict().description(), HasSubstr("another amount than requested"));
}

TEST_F(PayoutConflictTest, AKeyNpdNeverIssuedIsAConflictInAnyForm) {
  for (const char* key : {kKey2, "R000000000042:payout:01", "R000000000042:payout:x",
                          "R000000000042:payout:0", "R000000000042:payout:"}) {
    SCOPED_TRACE(key);
    SetUp();
    ToPayoutRequested();
    ASSERT_TRUE(Callback(Report(key, kPending)).applied);
    ExpectHalted(npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
    EXPECT_EQ(Conflict().earlier().generation(), 0);
    EXPECT_EQ(Conflict().reported().generation(), 0);
    EXPECT_THAT(Conflict().description(), HasSubstr("npd never issued"));
  }
}

// ---- The halt in each state that could still pay ----

TEST_F(PayoutConflictTest, HaltsAReservedCaseBeforeItsPayIsSent) {
  ToAwaitClaim();
  ASSERT_TRUE(MakeClaim(Claim()).accepted);
  ASSERT_TRUE(Callback(Report(kKey2, kSucceeded, 5000)).applied);
  ExpectHalted(npd::v1::REFUND_STATE_FUNDS_RESERVED);
}

TEST_F(PayoutConflictTest, HaltsACaseAwaitingItsFirstClaim) {
  ToAwaitClaim();
  ASSERT_TRUE(Callback(Report(kKey1, kSucceeded, 5000)).applied);
  ExpectHalted(npd::v1::REFUND_STATE_AWAIT_CLAIM);
}

TEST_F(PayoutConflictTest, ACaseStuckAtItsPayoutStaysStuckWithTheConflictAsItsError) {
  ToPayoutRequested();
  for (int i = 0; i < policy_.max_attempts; ++i) Apply(Failed("DEADLINE_EXCEEDED"));
  ASSERT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  ASSERT_TRUE(Callback(Report(kKey2, kSucceeded, 5000)).applied);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  EXPECT_EQ(refund().stuck().from_state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  EXPECT_EQ(refund().stuck().attempts(), policy_.max_attempts);
  EXPECT_THAT(refund().stuck().last_error(), HasSubstr("payout conflict #1"));
  EXPECT_EQ(EventTypes(), std::vector<std::string>{"REFUND_PAYOUT_CONFLICT"});
  // A report of its own payout is kept for the operator, not acted on.
  ASSERT_TRUE(Callback(Report(kKey1, kSucceeded, 5000)).applied);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  EXPECT_TRUE(refund().has_reported_payout());
  EXPECT_FALSE(outbox_.has_value());
  // After the re-drive the query's answer is still checked against that report.
  ASSERT_TRUE(Redrive().ok());
  EXPECT_TRUE(refund().has_reported_payout());
  EXPECT_TRUE(outbox_->query_first());
  Apply(QueryAnswer(kFailed, 0, ""));
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  ASSERT_EQ(refund().payout_conflicts_size(), 2);
  EXPECT_THAT(Conflict(1).description(), HasSubstr("the channel's answer contradicts its report"));
}

// ---- Duplicates change nothing ----

TEST_F(PayoutConflictTest, DuplicatesOfHeldFactsAndReportsChangeNothing) {
  ToPaid();
  // The channel's report of what its answer said (a reference left out agrees too).
  EXPECT_FALSE(Callback(Report(kKey1, kSucceeded, 5000, "PAY-1")).applied);
  EXPECT_FALSE(Callback(Report(kKey1, kSucceeded, 5000)).applied);
  EXPECT_FALSE(Callback(Report(kKey1, kPending)).applied);
  // The same contradicting report twice is one conflict.
  ASSERT_TRUE(Callback(Report(kKey1, kFailed)).applied);
  EXPECT_FALSE(Callback(Report(kKey1, kFailed)).applied);
  EXPECT_EQ(refund().payout_conflicts_size(), 1);
  // A key never issued, reported twice, is one conflict.
  ASSERT_TRUE(Callback(Report(kKey2, kSucceeded, 5000)).applied);
  EXPECT_FALSE(Callback(Report(kKey2, kSucceeded, 5000)).applied);
  EXPECT_EQ(refund().payout_conflicts_size(), 2);
}

TEST_F(PayoutConflictTest, TheSameReportUnderCheckAgainChangesNothing) {
  ToPayoutRequested();
  ASSERT_TRUE(Callback(Report(kKey1, kFailed)).applied);
  const int64_t version = outbox_->version();
  EXPECT_FALSE(Callback(Report(kKey1, kFailed)).applied);
  EXPECT_EQ(outbox_->version(), version);
  // A contradicting one is a conflict between the channel's own reports.
  ASSERT_TRUE(Callback(Report(kKey1, kSucceeded, 5000)).applied);
  ExpectHalted(npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
}

TEST_F(PayoutConflictTest, AFailureReportedAfterItsFailureChangesNothing) {
  ToFirstPayoutRefused();
  EXPECT_FALSE(Callback(Report(kKey1, kFailed)).applied);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_AWAIT_CLAIM);
  EXPECT_THAT(refund().payout_conflicts(), IsEmpty());
}

// ---- Reconciliation ----

TEST_F(PayoutConflictTest, NamingThePaidGenerationMakesTheCasePaidWithItsFact) {
  ToPayoutRequested();
  ASSERT_TRUE(Callback(Report(kKey1, kFailed)).applied);
  Apply(QueryAnswer(kSucceeded, 5000, "PAY-REAL"));
  ASSERT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  ASSERT_TRUE(Redrive("channel confirms payout 1 was paid", 1).ok());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAID);
  EXPECT_EQ(refund().paid_fen(), 5000);
  EXPECT_EQ(refund().payout_reference(), "PAY-REAL");
  EXPECT_EQ(refund().payout_key(), kKey1);
  EXPECT_TRUE(Conflict().resolved());
  EXPECT_EQ(Conflict().resolution(), "channel confirms payout 1 was paid");
  EXPECT_EQ(FromProto(Conflict().resolved_at()), now_);
  EXPECT_EQ(EventTypes(),
            (std::vector<std::string>{"REFUND_PAYOUT_CONFLICT_RESOLVED", "REFUND_PAID"}));
  EXPECT_THAT(events_[0].detail, HasSubstr("#1: channel confirms payout 1 was paid"));
  ASSERT_EQ(step(), npd::v1::REFUND_STEP_SETTLE);
  EXPECT_FALSE(RefundAttention(refund(), npd::v1::ATTENTION_KIND_UNSPECIFIED).has_value());
  StepResult settled = Done();
  settled.reference = "LEDGER-1";
  Apply(settled);
  Apply(Done());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_CLOSED_PAID);
}

TEST_F(PayoutConflictTest, NamingAnEarlierClaimsPayoutSettlesWithThatClaimsProvince) {
  ToSecondPayoutRequested();
  ASSERT_TRUE(Callback(Report(kKey1, kSucceeded, 5000, "PAY-LATE")).applied);
  ASSERT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  ASSERT_TRUE(Redrive("the channel paid payout 1 and cancelled 2", 1).ok());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAID);
  EXPECT_EQ(refund().payout_key(), kKey1);
  EXPECT_EQ(refund().payout_generation(), 2);  // the highest issued stays
  EXPECT_EQ(refund().payout_reference(), "PAY-LATE");
  EXPECT_EQ(refund().claim().claim_province(), "Guangdong");
  EXPECT_EQ(refund().claim().payee_last4(), "0001");
}

TEST_F(PayoutConflictTest, NamingAPaidGenerationIsRefusedWithoutASucceededFactOrOutsideThePayout) {
  ToSecondPayoutRequested();
  ASSERT_TRUE(Callback(Report(kKey1, kSucceeded, 5000, "PAY-LATE")).applied);
  const RefundRecord before = record_;
  EXPECT_EQ(Redrive("no fact of payout 2", 2).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Redrive("no payout 3", 3).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Redrive("negative", -1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(record_.SerializeAsString(), before.SerializeAsString());  // nothing changed
  EXPECT_FALSE(Conflict().resolved());

  SetUp();
  ToPaid();
  ASSERT_TRUE(Callback(Report(kKey1, kFailed)).applied);
  EXPECT_EQ(Redrive("past its payout", 1).code(), absl::StatusCode::kFailedPrecondition);
  // npd never records more paid than owed.
  SetUp();
  ToPayoutRequested();
  ASSERT_TRUE(Callback(Report(kKey1, kSucceeded, 5001)).applied);
  ASSERT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  EXPECT_EQ(Redrive("overpaid", 1).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(Conflict().resolved());
  SetUp();
  ToPayoutRequested();
  EXPECT_EQ(Redrive("nothing to reconcile", 1).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(PayoutConflictTest, WithoutAPaidGenerationTheStoppedPayoutIsQueriedAgain) {
  ToPayoutRequested();
  ASSERT_TRUE(Callback(Report(kKey1, kFailed)).applied);
  Apply(QueryAnswer(kSucceeded, 5000, "PAY-REAL"));
  ASSERT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  ASSERT_TRUE(Redrive("forged report; ask the channel again").ok());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  EXPECT_TRUE(Conflict().resolved());
  ASSERT_TRUE(outbox_.has_value());
  EXPECT_TRUE(outbox_->query_first());
  EXPECT_EQ(outbox_->idempotency_key(), kKey1);
  EXPECT_EQ(EventTypes(),
            (std::vector<std::string>{"REFUND_PAYOUT_CONFLICT_RESOLVED", "REFUND_REDRIVEN"}));
  // The query repeats the held answer: paid, no new conflict (the forged report does not count).
  Apply(QueryAnswer(kSucceeded, 5000, "PAY-REAL"));
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAID);
  EXPECT_EQ(refund().payout_conflicts_size(), 1);
}

TEST_F(PayoutConflictTest, AnAnswerContradictingAHeldAnswerAfterARedriveIsANewConflict) {
  ToPayoutRequested();
  ASSERT_TRUE(Callback(Report(kKey1, kFailed)).applied);
  Apply(QueryAnswer(kSucceeded, 5000, "PAY-REAL"));
  ASSERT_TRUE(Redrive().ok());
  // The forged failure was held as a report; the channel's answer now says FAILED after it had
  // answered SUCCEEDED: the held report does not make that look agreed.
  Apply(QueryAnswer(kFailed, 0, ""));
  ASSERT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  ASSERT_EQ(refund().payout_conflicts_size(), 2);
  EXPECT_THAT(Conflict(1).description(), HasSubstr("a failure after a success"));
  EXPECT_FALSE(Conflict(1).resolved());
}

TEST_F(PayoutConflictTest, ARedriveOfACaseStoppedAwaitingAClaimWaitsForAClaimAgain) {
  ToFirstPayoutRefused();
  ASSERT_TRUE(Callback(Report(kKey1, kSucceeded, 5000, "PAY-LATE")).applied);
  now_ += policy_.claim_window;  // the window passed while it was stopped
  ASSERT_TRUE(Redrive("the channel reversed payout 1; it was not paid").ok());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_AWAIT_CLAIM);
  EXPECT_FALSE(outbox_.has_value());
  EXPECT_EQ(FromProto(refund().claim_deadline_at()), now_ + policy_.payee_fix_grace);
  ASSERT_EQ(timers_.size(), 1u);
  EXPECT_EQ(timers_[0].kind(), npd::store::v1::TIMER_KIND_CLAIM_EXPIRY);
  EXPECT_EQ(FromProto(timers_[0].due_at()), now_ + policy_.payee_fix_grace);
  ClaimOutcome again = MakeClaim(Claim(kHolder, "6222020000000019", "c2"));
  ASSERT_TRUE(again.accepted);
  EXPECT_EQ(refund().payout_key(), kKey2);
  EXPECT_FALSE(outbox_->query_first());
}

TEST_F(PayoutConflictTest, ARedriveOfAReservedCaseWithConflictsQueriesFirst) {
  ToAwaitClaim();
  ASSERT_TRUE(MakeClaim(Claim()).accepted);
  ASSERT_TRUE(Callback(Report(kKey2, kSucceeded, 5000)).applied);
  ASSERT_TRUE(Redrive().ok());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_FUNDS_RESERVED);
  EXPECT_TRUE(outbox_->query_first());
}

TEST_F(PayoutConflictTest, APaidCaseIsReconciledWithoutChangingItsState) {
  ToPaid();
  ASSERT_TRUE(Callback(Report(kKey1, kFailed)).applied);
  const int64_t settle_version = outbox_->version();
  ASSERT_TRUE(Redrive("channel confirms the payout; the failure report was its bug").ok());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAID);
  EXPECT_EQ(EventTypes(), std::vector<std::string>{"REFUND_PAYOUT_CONFLICT_RESOLVED"});
  EXPECT_TRUE(Conflict().resolved());
  ASSERT_TRUE(outbox_.has_value());
  EXPECT_EQ(outbox_->version(), settle_version);
  EXPECT_EQ(refund().pending_step().step(), npd::v1::REFUND_STEP_SETTLE);
  // Nothing is left to reconcile.
  EXPECT_EQ(Redrive("again").code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(PayoutConflictTest, AttentionListsOpenConflictsInAnyStateOncePerCase) {
  ToPayoutRequested();
  ASSERT_TRUE(Callback(Report(kKey2, kSucceeded, 5000)).applied);
  ASSERT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  auto any = RefundAttention(refund(), npd::v1::ATTENTION_KIND_UNSPECIFIED);
  ASSERT_TRUE(any.has_value());
  EXPECT_EQ(any->kind(), npd::v1::ATTENTION_KIND_PAYOUT_CONFLICT);
  EXPECT_EQ(any->refund_id(), "R000000000042");
  EXPECT_EQ(any->refund_state(), npd::v1::REFUND_STATE_STUCK);
  EXPECT_EQ(FromProto(any->since()), now_);
  EXPECT_THAT(any->detail(), HasSubstr("1 open payout conflict(s); latest: payout conflict #1"));
  auto conflicts = RefundAttention(refund(), npd::v1::ATTENTION_KIND_PAYOUT_CONFLICT);
  ASSERT_TRUE(conflicts.has_value());
  auto stuck = RefundAttention(refund(), npd::v1::ATTENTION_KIND_STUCK_REFUND);
  ASSERT_TRUE(stuck.has_value());
  EXPECT_EQ(stuck->kind(), npd::v1::ATTENTION_KIND_STUCK_REFUND);
  ASSERT_TRUE(Redrive().ok());
  EXPECT_FALSE(RefundAttention(refund(), npd::v1::ATTENTION_KIND_PAYOUT_CONFLICT).has_value());
}

TEST_F(PayoutConflictTest, TheRecordStopsGrowingButEveryConflictIsStillAnEvent) {
  ToPaid();
  for (int i = 0; i < 70; ++i) {
    ASSERT_TRUE(Callback(Report(kKey1, kSucceeded, 5000, "REF-" + std::to_string(i))).applied);
    EXPECT_EQ(EventTypes(), std::vector<std::string>{"REFUND_PAYOUT_CONFLICT"});
  }
  EXPECT_EQ(refund().payout_conflicts_size(), 64);
  EXPECT_LE(refund().payout_outcomes_size(), 64);
}

}  // namespace
}  // namespace npd::core
