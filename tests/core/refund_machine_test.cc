// The refund saga: every transition of daemon/core/refund_machine.h, driven through the same
// sequence the engine uses (result of the step in the outbox entry -> next case and entry).
#include "daemon/core/refund_machine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "daemon/core/refund_builder.h"
#include "tests/core/refund_machine_fixture.h"

namespace npd::core {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST_F(RefundMachineTest, OpensOneCaseKeyedByThePortWithTheFreezeDue) {
  EXPECT_EQ(record_.refund().refund_id(), "R000000000042");
  EXPECT_EQ(record_.refund().port_id(), testing::kPortId);
  EXPECT_EQ(record_.refund().donor(), "cmcc");
  EXPECT_EQ(record_.refund().recipient(), "cucc");
  EXPECT_EQ(record_.refund().home_province(), "Beijing");
  EXPECT_EQ(record_.holder_identity_hash(), kHolder);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_OPENED);
  ASSERT_TRUE(outbox_.has_value());
  EXPECT_EQ(outbox_->step(), npd::v1::REFUND_STEP_FREEZE_ACCOUNT);
  EXPECT_EQ(outbox_->idempotency_key(), "R000000000042:freeze");
  EXPECT_EQ(FromProto(outbox_->due_at()), now_);
  EXPECT_EQ(outbox_->version(), 1);
  EXPECT_EQ(record_.refund().pending_step().idempotency_key(), "R000000000042:freeze");
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].type, "REFUND_OPENED");
  EXPECT_EQ(events_[0].refund_after, npd::v1::REFUND_STATE_OPENED);
}

TEST_F(RefundMachineTest, RefundIdReplacesThePortPrefix) {
  EXPECT_EQ(RefundIdForPort("P000000000123"), "R000000000123");
}

TEST_F(RefundMachineTest, HappyPathEndsClosedPaidThroughEveryState) {
  ToPayoutRequested();
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  Apply(PayResult(npd::v1::PAYOUT_STATUS_SUCCEEDED));
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAID);
  EXPECT_EQ(record_.refund().paid_fen(), 5000);
  EXPECT_EQ(record_.refund().payout_reference(), "PAY-1");
  ASSERT_EQ(step(), npd::v1::REFUND_STEP_SETTLE);
  EXPECT_EQ(outbox_->idempotency_key(), "R000000000042:settle");
  StepResult settled = Done();
  settled.reference = "LEDGER-9";
  Apply(settled);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_SETTLED);
  EXPECT_EQ(record_.refund().settlement_reference(), "LEDGER-9");
  ASSERT_EQ(step(), npd::v1::REFUND_STEP_CLOSE_ACCOUNT);
  Apply(Done());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_CLOSED_PAID);
  // The card is crypto-shredded when the case closes.
  EXPECT_TRUE(record_.sealed_payee().empty());
  EXPECT_TRUE(record_.payee_data_key().empty());
  EXPECT_FALSE(outbox_.has_value());
  EXPECT_TRUE(record_.refund().has_closed_at());
  EXPECT_FALSE(record_.refund().has_pending_step());
}

TEST_F(RefundMachineTest, NotificationOpensTheClaimWindowAndArmsItsTimer) {
  ToAwaitClaim();
  EXPECT_EQ(FromProto(record_.refund().claim_deadline_at()), now_ + policy_.claim_window);
  ASSERT_EQ(timers_.size(), 1u);
  EXPECT_EQ(timers_[0].kind(), npd::store::v1::TIMER_KIND_CLAIM_EXPIRY);
  EXPECT_EQ(FromProto(timers_[0].due_at()), now_ + policy_.claim_window);
  EXPECT_FALSE(outbox_.has_value());
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[0].refund_after, npd::v1::REFUND_STATE_USER_NOTIFIED);
  EXPECT_EQ(events_[1].refund_before, npd::v1::REFUND_STATE_USER_NOTIFIED);
  EXPECT_EQ(events_[1].refund_after, npd::v1::REFUND_STATE_AWAIT_CLAIM);
}

TEST_F(RefundMachineTest, AmountDeductsPromoThirdPartyAndCharges) {
  RefundAmount a = ComputeRefundable(Bill(10000, 1500, 2000, 500));
  EXPECT_EQ(a.refundable_fen, 6000);
  EXPECT_THAT(a.reasons, ElementsAre(npd::v1::REFUND_REASON_F02_NON_REFUNDABLE_PROMO,
                                     npd::v1::REFUND_REASON_F03_THIRD_PARTY_TOPUP_RESTRICTED,
                                     npd::v1::REFUND_REASON_F04_ARREARS_OFFSET));
  EXPECT_TRUE(ComputeRefundable(Bill(700)).reasons.empty());
}

TEST_F(RefundMachineTest, ZeroBalanceClosesWithoutRefund) {
  ApplyBillResult(Bill(0));
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_AMOUNT_COMPUTED);
  EXPECT_EQ(record_.refund().refundable_fen(), 0);
  EXPECT_EQ(record_.refund().arrears_fen(), 0);
  ASSERT_EQ(step(), npd::v1::REFUND_STEP_CLOSE_ACCOUNT);
  Apply(Done());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_CLOSED_NO_REFUND);
}

TEST_F(RefundMachineTest, NegativeBalanceHandsArrearsOver) {
  ApplyBillResult(Bill(300, 0, 0, 1000));
  EXPECT_EQ(record_.refund().refundable_fen(), -700);
  EXPECT_EQ(record_.refund().arrears_fen(), 700);
  EXPECT_THAT(record_.refund().reasons(), ElementsAre(npd::v1::REFUND_REASON_F04_ARREARS_OFFSET));
  ASSERT_EQ(step(), npd::v1::REFUND_STEP_CLOSE_ACCOUNT);
  Apply(Done());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_CLOSED_NO_REFUND);
}

TEST_F(RefundMachineTest, OnlyPromoCreditLeftIsNoRefundWithF02) {
  ApplyBillResult(Bill(800, 800));
  EXPECT_EQ(record_.refund().refundable_fen(), 0);
  EXPECT_THAT(record_.refund().reasons(),
              ElementsAre(npd::v1::REFUND_REASON_F02_NON_REFUNDABLE_PROMO));
  EXPECT_EQ(step(), npd::v1::REFUND_STEP_CLOSE_ACCOUNT);
}

TEST_F(RefundMachineTest, BillNotReadyPollsWithoutCountingAttempts) {
  Apply(Done());  // frozen
  Apply(Done());  // bill not ready
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_AWAIT_FINAL_BILL);
  EXPECT_THAT(record_.refund().reasons(),
              ElementsAre(npd::v1::REFUND_REASON_F01_FINAL_BILL_PENDING));
  EXPECT_EQ(outbox_->attempts(), 0);
  EXPECT_EQ(FromProto(outbox_->due_at()), now_ + policy_.poll_interval);
  for (int i = 0; i < 5; ++i) Apply(Done());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_AWAIT_FINAL_BILL);
  StepResult r = Done();
  r.bill = Bill(100);
  Apply(r);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_AMOUNT_COMPUTED);
}

TEST_F(RefundMachineTest, BillPendingPastTheWaitIsStuckWithF01) {
  Apply(Done());
  now_ += policy_.final_bill_wait;
  Apply(Done());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  EXPECT_EQ(record_.refund().stuck().step(), npd::v1::REFUND_STEP_FETCH_FINAL_BILL);
  EXPECT_EQ(record_.refund().stuck().from_state(), npd::v1::REFUND_STATE_ACCOUNT_FROZEN);
}

TEST_F(RefundMachineTest, JudicialHoldIsStuckWithF08UntilRedriven) {
  StepResult r = Done();
  r.judicial_hold = true;
  r.hold_text = "court order 2026-77";
  Apply(r);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  EXPECT_THAT(record_.refund().reasons(),
              ElementsAre(npd::v1::REFUND_REASON_F08_ACCOUNT_FROZEN_JUDICIAL));
  EXPECT_THAT(record_.refund().stuck().last_error(), HasSubstr("court order"));
  EXPECT_FALSE(outbox_.has_value());
  ASSERT_TRUE(Redrive("hold lifted").ok());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_OPENED);
  EXPECT_EQ(outbox_->idempotency_key(), "R000000000042:freeze");
  EXPECT_EQ(outbox_->attempts(), 0);
  EXPECT_FALSE(record_.refund().has_stuck());
  Apply(Done());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_ACCOUNT_FROZEN);
}

TEST_F(RefundMachineTest, FailuresBackOffThenStickWithTheLastError) {
  Apply(Failed("UNAVAILABLE: billing down"));
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_OPENED);
  EXPECT_EQ(outbox_->attempts(), 1);
  EXPECT_EQ(outbox_->idempotency_key(), "R000000000042:freeze");
  // attempt 1: retry_initial (2 s) scaled by jitter 0.5 -> 1.5 s
  EXPECT_EQ(FromProto(outbox_->due_at()), now_ + absl::Milliseconds(1500));
  EXPECT_EQ(record_.refund().pending_step().last_error(), "UNAVAILABLE: billing down");
  Apply(Failed("UNAVAILABLE: again"));
  EXPECT_EQ(outbox_->attempts(), 2);
  EXPECT_EQ(FromProto(outbox_->due_at()), now_ + absl::Seconds(3));
  Apply(Failed("DEADLINE_EXCEEDED"));
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  EXPECT_EQ(record_.refund().stuck().attempts(), 3);
  EXPECT_EQ(record_.refund().stuck().last_error(), "DEADLINE_EXCEEDED");
  EXPECT_EQ(record_.refund().stuck().from_state(), npd::v1::REFUND_STATE_OPENED);
  EXPECT_FALSE(outbox_.has_value());
}

TEST_F(RefundMachineTest, RetryDelayDoublesUpToTheCapWithJitter) {
  RefundPolicy p;
  EXPECT_EQ(RetryDelay(p, 1, 0.0), absl::Seconds(1));
  EXPECT_EQ(RetryDelay(p, 1, 1.0), absl::Seconds(2));
  EXPECT_EQ(RetryDelay(p, 3, 1.0), absl::Seconds(8));
  EXPECT_EQ(RetryDelay(p, 40, 1.0), p.retry_max);
  EXPECT_EQ(RetryDelay(p, 40, 0.0), p.retry_max / 2);
}

TEST_F(RefundMachineTest, StaleResultsAreRefused) {
  StepResult r = Done();
  r.version = outbox_->version() - 1;
  EXPECT_EQ(ApplyStepResult(record_, outbox_, r, policy_, now_, 0).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ApplyStepResult(record_, std::nullopt, Done(), policy_, now_, 0).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RefundMachineTest, VersionsNeverRepeatAfterTheEntryIsRemoved) {
  ToAwaitClaim();
  const int64_t last = record_.outbox_version();
  ASSERT_FALSE(outbox_.has_value());
  ASSERT_TRUE(MakeClaim(Claim()).accepted);
  EXPECT_GT(outbox_->version(), last);
}

TEST_F(RefundMachineTest, BillPushedBeforeTheFreezeAnswerIsAppliedByIt) {
  auto pushed = ReportFinalBill(record_, outbox_, Bill(2500), policy_, now_);
  ASSERT_TRUE(pushed.ok());
  ASSERT_TRUE(pushed->applied);
  Take(*pushed->transition);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_OPENED);
  EXPECT_EQ(step(), npd::v1::REFUND_STEP_FREEZE_ACCOUNT);
  Apply(Done());  // the freeze's answer, same version: still valid
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_AMOUNT_COMPUTED);
  EXPECT_EQ(record_.refund().refundable_fen(), 2500);
  EXPECT_EQ(step(), npd::v1::REFUND_STEP_NOTIFY_SUBSCRIBER);
}

TEST_F(RefundMachineTest, PushedBillStopsPollingAndDuplicatesChangeNothing) {
  Apply(Done());
  Apply(Done());  // not ready
  ASSERT_EQ(state(), npd::v1::REFUND_STATE_AWAIT_FINAL_BILL);
  const int64_t poll_version = outbox_->version();
  auto pushed = ReportFinalBill(record_, outbox_, Bill(900), policy_, now_);
  ASSERT_TRUE(pushed.ok());
  Take(*pushed->transition);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_AMOUNT_COMPUTED);
  EXPECT_EQ(step(), npd::v1::REFUND_STEP_NOTIFY_SUBSCRIBER);
  EXPECT_NE(outbox_->version(), poll_version);
  auto again = ReportFinalBill(record_, outbox_, Bill(900), policy_, now_);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->applied);
  EXPECT_FALSE(again->transition.has_value());
  auto other = ReportFinalBill(record_, outbox_, Bill(901), policy_, now_);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(RefundMachineTest, ClaimBeforeTheAmountIsKnownIsRefusedWithF01) {
  ClaimOutcome out = MakeClaim(Claim());
  EXPECT_FALSE(out.accepted);
  EXPECT_THAT(out.refusal.reasons(), ElementsAre(npd::v1::REFUND_REASON_F01_FINAL_BILL_PENDING));
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_OPENED);
  EXPECT_EQ(record_.refund().refused_claims(), 1);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].type, "REFUND_CLAIM_REFUSED");
}

TEST_F(RefundMachineTest, ClaimByAnotherPersonIsRefusedWithF05AndChangesNothingElse) {
  ToAwaitClaim();
  ClaimOutcome out = MakeClaim(Claim("current-sim-holder"));
  EXPECT_FALSE(out.accepted);
  EXPECT_THAT(out.refusal.reasons(), ElementsAre(npd::v1::REFUND_REASON_F05_IDENTITY_MISMATCH));
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_AWAIT_CLAIM);
  EXPECT_FALSE(outbox_.has_value());
  EXPECT_FALSE(record_.refund().has_claim());
  EXPECT_EQ(record_.refund().refused_claims(), 1);
}

TEST_F(RefundMachineTest, AcceptedClaimReservesAndSchedulesThePayout) {
  ToAwaitClaim();
  ClaimOutcome out = MakeClaim(Claim());
  ASSERT_TRUE(out.accepted);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_FUNDS_RESERVED);
  EXPECT_EQ(record_.refund().payout_generation(), 1);
  EXPECT_EQ(record_.refund().payout_key(), "R000000000042:payout:1");
  EXPECT_EQ(record_.refund().claim().payee_last4(), "0001");
  EXPECT_EQ(record_.refund().claim().claim_province(), "Guangdong");
  EXPECT_EQ(record_.sealed_payee(), "sealed:6222020000000001");
  EXPECT_EQ(record_.payee_data_key(), "wrapped:6222020000000001");
  ASSERT_EQ(step(), npd::v1::REFUND_STEP_PAYOUT);
  EXPECT_EQ(outbox_->idempotency_key(), "R000000000042:payout:1");
  EXPECT_FALSE(outbox_->query_first());
}

TEST_F(RefundMachineTest, SecondClaimIsADuplicateF09) {
  ToAwaitClaim();
  ASSERT_TRUE(MakeClaim(Claim()).accepted);
  ClaimOutcome dup = MakeClaim(Claim(kHolder, "6222020000000002", "c2"));
  EXPECT_FALSE(dup.accepted);
  EXPECT_THAT(dup.refusal.reasons(), ElementsAre(npd::v1::REFUND_REASON_F09_DUPLICATE_CLAIM));
  EXPECT_EQ(record_.sealed_payee(), "sealed:6222020000000001");
  EXPECT_EQ(record_.payee_data_key(), "wrapped:6222020000000001");
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_FUNDS_RESERVED);
}

TEST_F(RefundMachineTest, ClaimPastTheDeadlineIsRefusedWithF07EvenBeforeTheTimer) {
  ToAwaitClaim();
  now_ += policy_.claim_window;
  ClaimOutcome out = MakeClaim(Claim());
  EXPECT_FALSE(out.accepted);
  EXPECT_THAT(out.refusal.reasons(), ElementsAre(npd::v1::REFUND_REASON_F07_CLAIM_EXPIRED));
}

TEST_F(RefundMachineTest, ExpiryClosesTheCaseAfterClosingTheAccount) {
  ToAwaitClaim();
  EXPECT_EQ(ExpireClaim(record_, now_).status().code(), absl::StatusCode::kFailedPrecondition);
  now_ += policy_.claim_window;
  auto expired = ExpireClaim(record_, now_);
  ASSERT_TRUE(expired.ok());
  Take(*expired);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_CLAIM_EXPIRED);
  EXPECT_THAT(record_.refund().reasons(), ElementsAre(npd::v1::REFUND_REASON_F07_CLAIM_EXPIRED));
  ASSERT_EQ(step(), npd::v1::REFUND_STEP_CLOSE_ACCOUNT);
  ClaimOutcome late = MakeClaim(Claim());
  EXPECT_FALSE(late.accepted);
  EXPECT_THAT(late.refusal.reasons(), ElementsAre(npd::v1::REFUND_REASON_F07_CLAIM_EXPIRED));
  Apply(Done());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_CLOSED_EXPIRED);
}

TEST_F(RefundMachineTest, ClaimWithNothingToRefundIsAnError) {
  ApplyBillResult(Bill(0));
  Apply(Done());
  auto out = ClaimRefund(record_, outbox_, Claim(), policy_, now_);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(RefundMachineTest, BeginPayoutMarksItSentOnceAndQueriesAfterwards) {
  ToAwaitClaim();
  ASSERT_TRUE(MakeClaim(Claim()).accepted);
  const int64_t v = outbox_->version();
  auto begun = BeginPayout(record_, outbox_, v, now_);
  ASSERT_TRUE(begun.ok());
  Take(*begun);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  EXPECT_TRUE(outbox_->query_first());
  EXPECT_EQ(outbox_->idempotency_key(), "R000000000042:payout:1");
  EXPECT_EQ(BeginPayout(record_, outbox_, outbox_->version(), now_).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(BeginPayout(record_, outbox_, v, now_).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RefundMachineTest, TimeoutKeepsTheKeyAndQueriesBeforeAnyRetry) {
  ToPayoutRequested();
  Apply(Failed("DEADLINE_EXCEEDED"));
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  EXPECT_TRUE(outbox_->query_first());
  EXPECT_EQ(outbox_->idempotency_key(), "R000000000042:payout:1");
  // The query finds the payout that succeeded late: recognised, not paid again.
  StepResult found = PayResult(npd::v1::PAYOUT_STATUS_SUCCEEDED, /*query=*/true);
  found.payout_amount_fen = 5000;
  Apply(found);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAID);
  EXPECT_EQ(record_.refund().payout_generation(), 1);
}

TEST_F(RefundMachineTest, AQueriedSuccessOfAnotherAmountIsStuckNotPaid) {
  ToPayoutRequested();
  Apply(Failed("DEADLINE_EXCEEDED"));
  StepResult odd = PayResult(npd::v1::PAYOUT_STATUS_SUCCEEDED, /*query=*/true);
  odd.payout_amount_fen = 4999;
  Apply(odd);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  EXPECT_EQ(record_.refund().paid_fen(), 0);
  EXPECT_THAT(record_.refund().stuck().last_error(),
              HasSubstr("QueryPayout answered SUCCEEDED 49.99 CNY"));
  EXPECT_THAT(record_.refund().stuck().last_error(), HasSubstr("npd requested 50.00 CNY"));
}

TEST_F(RefundMachineTest, QueryNotFoundPaysAgainUnderTheSameKey) {
  ToPayoutRequested();
  Apply(Failed("UNAVAILABLE: connection reset"));
  ASSERT_EQ(outbox_->attempts(), 1);
  Apply(PayResult(npd::v1::PAYOUT_STATUS_UNSPECIFIED, /*query=*/true, /*found=*/false));
  EXPECT_FALSE(outbox_->query_first());
  // The lost Pay was counted once (its failure); the answer "not received" is not a second attempt,
  // and the error that lost it stays visible.
  EXPECT_EQ(outbox_->attempts(), 1);
  EXPECT_THAT(outbox_->last_error(), HasSubstr("UNAVAILABLE: connection reset"));
  EXPECT_EQ(outbox_->idempotency_key(), "R000000000042:payout:1");
  EXPECT_EQ(FromProto(outbox_->due_at()), now_);
  auto begun = BeginPayout(record_, outbox_, outbox_->version(), now_);
  ASSERT_TRUE(begun.ok());
  Take(*begun);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  EXPECT_EQ(events_.back().type, "REFUND_PAYOUT_RESENT");
  EXPECT_TRUE(outbox_->query_first());
}

TEST_F(RefundMachineTest, AChannelThatLosesEveryPayStillEndsStuckAfterTheAttempts) {
  ToPayoutRequested();
  for (int round = 0; round < 10 && state() != npd::v1::REFUND_STATE_STUCK; ++round) {
    Apply(Failed("DEADLINE_EXCEEDED: lost on the way"));  // the Pay
    if (state() == npd::v1::REFUND_STATE_STUCK) break;
    Apply(PayResult(npd::v1::PAYOUT_STATUS_UNSPECIFIED, /*query=*/true, /*found=*/false));
    auto begun = BeginPayout(record_, outbox_, outbox_->version(), now_);
    ASSERT_TRUE(begun.ok());
    Take(*begun);
  }
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  EXPECT_EQ(record_.refund().stuck().attempts(), policy_.max_attempts);
  EXPECT_THAT(record_.refund().stuck().last_error(), HasSubstr("lost on the way"));
}

TEST_F(RefundMachineTest, PendingPayoutIsPolledAndCountsTowardsStuck) {
  ToPayoutRequested();
  Apply(PayResult(npd::v1::PAYOUT_STATUS_PENDING));
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  EXPECT_TRUE(outbox_->query_first());
  EXPECT_EQ(FromProto(outbox_->due_at()), now_ + policy_.poll_interval);
  Apply(PayResult(npd::v1::PAYOUT_STATUS_PENDING, true));
  Apply(PayResult(npd::v1::PAYOUT_STATUS_PENDING, true));
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  EXPECT_EQ(record_.refund().stuck().from_state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  // A re-drive of a payout that may have been sent queries first.
  ASSERT_TRUE(Redrive("").ok());
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  EXPECT_TRUE(outbox_->query_first());
  EXPECT_EQ(outbox_->idempotency_key(), "R000000000042:payout:1");
}

TEST_F(RefundMachineTest, InvalidPayeeReleasesAndACorrectedClaimPaysUnderANewKey) {
  ToPayoutRequested();
  StepResult failed = PayResult(npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID);
  failed.failure_text = "account closed";
  Apply(failed);
  EXPECT_EQ(state(), npd::v1::REFUND_STATE_AWAIT_CLAIM);
  EXPECT_THAT(record_.refund().reasons(), ElementsAre(npd::v1::REFUND_REASON_F06_PAYEE_INVALID));
  EXPECT_FALSE(record_.refund().has_claim());
  EXPECT_TRUE(record_.sealed_payee().empty());
  EXPECT_TRUE(record_.payee_data_key().empty());
  EXPECT_FALSE(outbox_.has_value());
  ClaimOutcome again = MakeClaim(Claim(kHolder, "6222020000000019", "c2"));
  ASSERT_TRUE(again.accepted);
  EXPECT_EQ(record_.refund().payout_generation(), 2);
  EXPECT_EQ(outbox_->idempotency_key(), "R000000000042:payout:2");
}

TEST_F(RefundMachineTest, PayeeFailureNearTheDeadlineGivesTheGraceToFixIt) {
  ToPayoutRequested();
  now_ += policy_.claim_window - absl::Hours(1);
  Apply(PayResult(npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID));
  EXPECT_EQ(FromProto(record_.refund().claim_deadline_at()), now_ + policy_.payee_fix_grace);
  ASSERT_EQ(timers_.size(), 1u);
  EXPECT_EQ(FromProto(timers_[0].due_at()), now_ + policy_.payee_fix_grace);
}

TEST_F(RefundMachineTest, RedriveOnlyWhenStuck) {
  EXPECT_EQ(Redrive("").code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(RefundMachineTest, StuckBeforeAClaimCannotBeClaimed) {
  for (int i = 0; i < policy_.max_attempts; ++i) Apply(Failed("UNAVAILABLE"));
  ASSERT_EQ(state(), npd::v1::REFUND_STATE_STUCK);
  EXPECT_EQ(ClaimRefund(record_, outbox_, Claim(), policy_, now_).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RefundMachineTest, FenIsFormattedWithIntegerArithmetic) {
  EXPECT_EQ(FormatFen(0), "0.00 CNY");
  EXPECT_EQ(FormatFen(5), "0.05 CNY");
  EXPECT_EQ(FormatFen(123456), "1234.56 CNY");
  EXPECT_EQ(FormatFen(-250), "-2.50 CNY");
  EXPECT_EQ(FormatFen(INT64_MIN), "-92233720368547758.08 CNY");
}

}  // namespace
}  // namespace npd::core
