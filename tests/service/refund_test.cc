// The refund saga end to end over real gRPC: npd in-process on RocksDB, the fake billing, payment
// channel, settlement ledger and SMS gateway on their own gRPC server, with faults injected. The
// fakes' ledgers are the ground truth: one payout per refund, amounts as billed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "tests/service/refund_fixture.h"
#include "tests/support/npd_client.h"

namespace npd::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string RefundOf(const std::string& port_id) { return "R" + port_id.substr(1); }

fakes::BillScenario Bill(int64_t cash, int64_t promo = 0, int64_t third = 0, int64_t charges = 0) {
  fakes::BillScenario b;
  b.cash_balance_fen = cash;
  b.non_refundable_fen = promo;
  b.third_party_topup_fen = third;
  b.final_charges_fen = charges;
  return b;
}

// Waits until `predicate` holds (at most `seconds`).
bool Eventually(const std::function<bool()>& predicate, int seconds = 10) {
  const absl::Time deadline = absl::Now() + absl::Seconds(seconds);
  while (absl::Now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return predicate();
}

class RefundFlowTest : public RefundTest {
 protected:
  // Completes a port of kCmccNumber and waits for its case to await the claim.
  std::string ToAwaitClaim() {
    const std::string port = CompletePort(kCmccNumber);
    const std::string id = RefundOf(port);
    WaitForRefund(id, npd::v1::REFUND_STATE_AWAIT_CLAIM);
    return id;
  }
  npd::v1::ClaimRefundResponse ClaimOk(const std::string& id,
                                       const npd::v1::PayeeAccount& payee = Card(),
                                       const std::string& province = "Beijing") {
    npd::v1::ClaimRefundResponse response;
    grpc::Status s = Claim("cmcc", id, Holder(), payee, province, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }
};

TEST_F(RefundFlowTest, HomeProvinceClaimIsPaidSettledAndClosedOnce) {
  const std::string port = CompletePort(kCmccNumber);
  const std::string id = RefundOf(port);
  npd::v1::Refund waiting = WaitForRefund(id, npd::v1::REFUND_STATE_AWAIT_CLAIM);
  EXPECT_EQ(waiting.port_id(), port);
  EXPECT_EQ(waiting.donor(), "cmcc");
  EXPECT_EQ(waiting.recipient(), "cucc");
  EXPECT_EQ(waiting.home_province(), "Beijing");
  EXPECT_EQ(waiting.refundable_fen(), 10000);
  EXPECT_TRUE(waiting.has_claim_deadline_at());
  EXPECT_FALSE(waiting.has_pending_step());
  EXPECT_EQ(outside().billing().Freezes(id), 1);
  EXPECT_EQ(outside().sms().stats().sent, 1u);

  npd::v1::ClaimRefundResponse claimed = ClaimOk(id);
  EXPECT_TRUE(claimed.accepted());
  EXPECT_EQ(claimed.refund().state(), npd::v1::REFUND_STATE_FUNDS_RESERVED);
  EXPECT_EQ(claimed.refund().claim().payee_last4(), "3446");

  npd::v1::Refund done = WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_PAID);
  EXPECT_EQ(done.paid_fen(), 10000);
  EXPECT_EQ(done.payout_key(), id + ":payout:1");
  EXPECT_FALSE(done.payout_reference().empty());
  EXPECT_FALSE(done.settlement_reference().empty());
  EXPECT_TRUE(done.has_closed_at());

  EXPECT_EQ(outside().payment().SucceededPayouts(id), 1);
  EXPECT_EQ(outside().payment().stats().total_paid_fen, 10000);
  EXPECT_TRUE(outside().payment().violations().empty());
  auto entry = outside().settlement().Entry(id + ":settle");
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->request.home_province(), "Beijing");
  EXPECT_EQ(entry->request.claim_province(), "Beijing");
  EXPECT_EQ(entry->request.amount_fen(), 10000);
  auto close = outside().billing().Close(id);
  ASSERT_TRUE(close.has_value());
  EXPECT_EQ(close->outcome, npd::ext::v1::CLOSE_OUTCOME_REFUNDED);
  EXPECT_EQ(close->paid_fen, 10000);
}

TEST_F(RefundFlowTest, ClaimInAnotherProvinceSettlesBetweenTheTwo) {
  const std::string id = ToAwaitClaim();
  EXPECT_TRUE(ClaimOk(id, Card(), "Guangdong").accepted());
  npd::v1::Refund done = WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_PAID);
  EXPECT_EQ(done.claim().claim_province(), "Guangdong");
  auto entry = outside().settlement().Entry(id + ":settle");
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->request.home_province(), "Beijing");
  EXPECT_EQ(entry->request.claim_province(), "Guangdong");
  EXPECT_EQ(entry->request.amount_fen(), 10000);
  auto payout = outside().payment().Payout(id + ":payout:1");
  ASSERT_TRUE(payout.has_value());
  EXPECT_EQ(payout->amount_fen, 10000);
}

TEST_F(RefundFlowTest, ZeroBalanceClosesWithoutRefundOrSms) {
  SetBill(kCmccNumber, Bill(0));
  const std::string id = RefundOf(CompletePort(kCmccNumber));
  npd::v1::Refund done = WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_NO_REFUND);
  EXPECT_EQ(done.refundable_fen(), 0);
  EXPECT_EQ(done.arrears_fen(), 0);
  EXPECT_EQ(outside().sms().stats().sent, 0u);
  auto close = outside().billing().Close(id);
  ASSERT_TRUE(close.has_value());
  EXPECT_EQ(close->outcome, npd::ext::v1::CLOSE_OUTCOME_NO_REFUND);
  npd::v1::ClaimRefundResponse response;
  EXPECT_EQ(Claim("cmcc", id, Holder(), Card(), "Beijing", &response).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(outside().payment().stats().payouts, 0u);
}

TEST_F(RefundFlowTest, NegativeBalanceHandsTheArrearsOver) {
  SetBill(kCmccNumber, Bill(300, 0, 0, 1000));
  const std::string id = RefundOf(CompletePort(kCmccNumber));
  npd::v1::Refund done = WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_NO_REFUND);
  EXPECT_EQ(done.refundable_fen(), -700);
  EXPECT_EQ(done.arrears_fen(), 700);
  EXPECT_THAT(done.reasons(), ElementsAre(npd::v1::REFUND_REASON_F04_ARREARS_OFFSET));
  auto close = outside().billing().Close(id);
  ASSERT_TRUE(close.has_value());
  EXPECT_EQ(close->arrears_fen, 700);
}

TEST_F(RefundFlowTest, NonRefundableAndThirdPartyCreditAreDeducted) {
  SetBill(kCmccNumber, Bill(10000, 2500, 1000));
  const std::string id = ToAwaitClaim();
  npd::v1::Refund waiting;
  ASSERT_TRUE(GetRefund("cmcc", id, &waiting).ok());
  EXPECT_EQ(waiting.refundable_fen(), 6500);
  EXPECT_THAT(waiting.reasons(),
              ElementsAre(npd::v1::REFUND_REASON_F02_NON_REFUNDABLE_PROMO,
                          npd::v1::REFUND_REASON_F03_THIRD_PARTY_TOPUP_RESTRICTED));
  EXPECT_TRUE(ClaimOk(id).accepted());
  EXPECT_EQ(WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_PAID).paid_fen(), 6500);
  EXPECT_EQ(outside().payment().stats().total_paid_fen, 6500);
}

TEST_F(RefundFlowTest, ClaimByAnotherPersonIsRefusedAndPaysNothing) {
  const std::string id = ToAwaitClaim();
  npd::v1::ClaimRefundResponse response;
  ASSERT_TRUE(Claim("cmcc", id, OtherPerson(), Card(), "Beijing", &response).ok());
  EXPECT_FALSE(response.accepted());
  EXPECT_THAT(response.refusal().reasons(),
              ElementsAre(npd::v1::REFUND_REASON_F05_IDENTITY_MISMATCH));
  EXPECT_EQ(response.refund().state(), npd::v1::REFUND_STATE_AWAIT_CLAIM);
  EXPECT_EQ(response.refund().refused_claims(), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(outside().payment().stats().payouts, 0u);
  // The real holder can still claim.
  EXPECT_TRUE(ClaimOk(id).accepted());
  WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_PAID);
}

TEST_F(RefundFlowTest, ClaimWindowExpiresAndClosesTheAccount) {
  const std::string id = ToAwaitClaim();
  clock_.Advance(absl::Hours(24 * 32));
  npd::v1::Refund expired = WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_EXPIRED);
  EXPECT_THAT(expired.reasons(), Contains(npd::v1::REFUND_REASON_F07_CLAIM_EXPIRED));
  auto close = outside().billing().Close(id);
  ASSERT_TRUE(close.has_value());
  EXPECT_EQ(close->outcome, npd::ext::v1::CLOSE_OUTCOME_CLAIM_EXPIRED);
  npd::v1::ClaimRefundResponse late;
  ASSERT_TRUE(Claim("cmcc", id, Holder(), Card(), "Beijing", &late).ok());
  EXPECT_FALSE(late.accepted());
  EXPECT_THAT(late.refusal().reasons(), ElementsAre(npd::v1::REFUND_REASON_F07_CLAIM_EXPIRED));
  EXPECT_EQ(outside().payment().stats().payouts, 0u);
}

TEST_F(RefundFlowTest, InvalidPayeeReleasesThenACorrectedClaimPaysOnce) {
  const std::string id = ToAwaitClaim();
  EXPECT_TRUE(ClaimOk(id, Wallet("invalid-closed-wallet")).accepted());
  npd::v1::Refund released = WaitForRefund(id, npd::v1::REFUND_STATE_AWAIT_CLAIM);
  EXPECT_THAT(released.reasons(), Contains(npd::v1::REFUND_REASON_F06_PAYEE_INVALID));
  EXPECT_FALSE(released.has_claim());
  EXPECT_EQ(outside().payment().stats().failed_payee_invalid, 1u);

  EXPECT_TRUE(ClaimOk(id, Card("6217000000000000012")).accepted());
  npd::v1::Refund done = WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_PAID);
  EXPECT_EQ(done.payout_generation(), 2);
  EXPECT_EQ(done.payout_key(), id + ":payout:2");
  EXPECT_EQ(outside().payment().SucceededPayouts(id), 1);
  EXPECT_EQ(outside().payment().stats().total_paid_fen, 10000);
}

TEST_F(RefundFlowTest, SameClaimRetriedIsReplayedAndASecondClaimIsF09) {
  const std::string id = ToAwaitClaim();
  npd::v1::ClaimRefundResponse first, again, other;
  ASSERT_TRUE(Claim("cmcc", id, Holder(), Card(), "Beijing", &first, "claim-1").ok());
  ASSERT_TRUE(Claim("cmcc", id, Holder(), Card(), "Beijing", &again, "claim-1").ok());
  EXPECT_TRUE(first.accepted());
  EXPECT_TRUE(again.accepted());
  EXPECT_EQ(again.refund().payout_key(), first.refund().payout_key());
  ASSERT_TRUE(Claim("cmcc", id, Holder(), Card(), "Hubei", &other, "claim-2").ok());
  EXPECT_FALSE(other.accepted());
  EXPECT_THAT(other.refusal().reasons(), ElementsAre(npd::v1::REFUND_REASON_F09_DUPLICATE_CLAIM));
  // The same id with another payload is refused outright.
  npd::v1::ClaimRefundResponse conflict;
  EXPECT_EQ(Claim("cmcc", id, Holder(), Card(), "Hubei", &conflict, "claim-1").error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_PAID);
  EXPECT_EQ(outside().payment().SucceededPayouts(id), 1);
}

TEST_F(RefundFlowTest, MalformedClaimsWriteNothing) {
  const std::string id = ToAwaitClaim();
  npd::v1::ClaimRefundResponse response;
  EXPECT_EQ(
      Claim("cmcc", id, Holder(), Card("6222020200112233445"), "Beijing", &response).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);  // Luhn check digit wrong
  EXPECT_EQ(Claim("cmcc", id, Holder(), Card(), "Atlantis", &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Claim("cmcc", "R12", Holder(), Card(), "Beijing", &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  npd::v1::Refund after;
  ASSERT_TRUE(GetRefund("operator", id, &after).ok());
  EXPECT_EQ(after.state(), npd::v1::REFUND_STATE_AWAIT_CLAIM);
  EXPECT_EQ(after.refused_claims(), 0);
}

TEST_F(RefundFlowTest, OnlyTheDonorAndOperatorSeeOrClaimACase) {
  const std::string id = ToAwaitClaim();
  npd::v1::Refund seen;
  EXPECT_TRUE(GetRefund("cmcc", id, &seen).ok());
  EXPECT_EQ(GetRefund("cucc", id, &seen).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetRefund("payment", id, &seen).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  npd::v1::ClaimRefundResponse response;
  EXPECT_EQ(Claim("ctcc", id, Holder(), Card(), "Beijing", &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // The payment channel may only report payout results.
  auto lookup = client().Lookup("payment", kCmccNumber);
  EXPECT_EQ(lookup.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  npd::v1::ReportPayoutResultRequest report;
  report.set_request_id("r1");
  report.set_payout_key(id + ":payout:1");
  report.set_status(npd::v1::PAYOUT_STATUS_SUCCEEDED);
  report.set_amount_fen(10000);
  npd::v1::ReportPayoutResultResponse reported;
  EXPECT_EQ(Call("cmcc",
                 [&](auto& stub, auto& context) {
                   return stub.ReportPayoutResult(&context, report, &reported);
                 })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(RefundFlowTest, ListsByStateNumberCarrierAndProvince) {
  const std::string id = ToAwaitClaim();
  auto list = [&](const std::string& as, npd::v1::ListRefundsRequest request) {
    npd::v1::ListRefundsResponse response;
    grpc::Status s = Call(as, [&](auto& stub, auto& context) {
      return stub.ListRefunds(&context, request, &response);
    });
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  };
  npd::v1::ListRefundsRequest by_state;
  by_state.set_state(npd::v1::REFUND_STATE_AWAIT_CLAIM);
  ASSERT_EQ(list("operator", by_state).refunds_size(), 1);
  EXPECT_EQ(list("operator", by_state).refunds(0).refund_id(), id);
  EXPECT_EQ(list("cmcc", by_state).refunds_size(), 1);
  EXPECT_EQ(list("cucc", by_state).refunds_size(), 0);
  npd::v1::ListRefundsRequest by_number;
  by_number.set_msisdn(kCmccNumber);
  EXPECT_EQ(list("operator", by_number).refunds_size(), 1);
  npd::v1::ListRefundsRequest by_province;
  by_province.set_home_province("Guangdong");
  EXPECT_EQ(list("operator", by_province).refunds_size(), 0);
  by_province.set_home_province("Beijing");
  EXPECT_EQ(list("operator", by_province).refunds_size(), 1);
  npd::v1::ListRefundsRequest paid;
  paid.set_state(npd::v1::REFUND_STATE_CLOSED_PAID);
  EXPECT_EQ(list("operator", paid).refunds_size(), 0);
}

TEST_F(RefundFlowTest, BillNotReadyIsPolledUntilItIs) {
  fakes::BillScenario slow = Bill(4200);
  slow.polls_until_ready = 3;
  SetBill(kCmccNumber, slow);
  const std::string id = ToAwaitClaim();
  npd::v1::Refund waiting;
  ASSERT_TRUE(GetRefund("operator", id, &waiting).ok());
  EXPECT_EQ(waiting.refundable_fen(), 4200);
  EXPECT_THAT(waiting.reasons(), Contains(npd::v1::REFUND_REASON_F01_FINAL_BILL_PENDING));
  EXPECT_GE(outside().billing().BillFetches(id), 4);
}

TEST_F(RefundFlowTest, BillingMayPushTheBillInsteadOfBeingPolled) {
  fakes::BillScenario never = Bill(7700);
  never.polls_until_ready = 1000000;
  SetBill(kCmccNumber, never);
  const std::string id = RefundOf(CompletePort(kCmccNumber));
  WaitForRefund(id, npd::v1::REFUND_STATE_AWAIT_FINAL_BILL);
  npd::v1::ReportFinalBillRequest push;
  push.set_request_id("bill-push-1");
  push.set_refund_id(id);
  push.mutable_bill()->set_bill_id("B-77");
  push.mutable_bill()->set_cash_balance_fen(7700);
  npd::v1::ReportFinalBillResponse pushed;
  EXPECT_EQ(
      Call("cucc",
           [&](auto& stub, auto& context) { return stub.ReportFinalBill(&context, push, &pushed); })
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Call("cmcc", [&](auto& stub, auto& context) {
                return stub.ReportFinalBill(&context, push, &pushed);
              }).ok());
  EXPECT_TRUE(pushed.applied());
  WaitForRefund(id, npd::v1::REFUND_STATE_AWAIT_CLAIM);
  push.set_request_id("bill-push-2");  // the same bill again: no effect
  ASSERT_TRUE(Call("cmcc", [&](auto& stub, auto& context) {
                return stub.ReportFinalBill(&context, push, &pushed);
              }).ok());
  EXPECT_FALSE(pushed.applied());
  push.set_request_id("bill-push-3");
  push.mutable_bill()->set_cash_balance_fen(9900);
  EXPECT_EQ(
      Call("cmcc",
           [&](auto& stub, auto& context) { return stub.ReportFinalBill(&context, push, &pushed); })
          .error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(RefundFlowTest, JudicialFreezeIsStuckWithF08UntilReDriven) {
  fakes::BillScenario held = Bill(5000);
  held.judicial_hold = true;
  SetBill(kCmccNumber, held);
  const std::string id = RefundOf(CompletePort(kCmccNumber));
  npd::v1::Refund stuck = WaitForRefund(id, npd::v1::REFUND_STATE_STUCK);
  EXPECT_THAT(stuck.reasons(), ElementsAre(npd::v1::REFUND_REASON_F08_ACCOUNT_FROZEN_JUDICIAL));
  EXPECT_EQ(stuck.stuck().step(), npd::v1::REFUND_STEP_FREEZE_ACCOUNT);
  EXPECT_THAT(stuck.stuck().last_error(), HasSubstr("judicial"));
  SetBill(kCmccNumber, Bill(5000));  // the court lifted it
  npd::v1::Refund redriven;
  ASSERT_TRUE(Redrive(id, &redriven).ok());
  EXPECT_EQ(redriven.state(), npd::v1::REFUND_STATE_OPENED);
  WaitForRefund(id, npd::v1::REFUND_STATE_AWAIT_CLAIM);
}

// ---- Faults of the outside systems ----

class RefundFaultTest : public RefundFlowTest {
 protected:
  void ConfigureFakes(fakes::FakeOutsideOptions& options) override {
    options.payment_faults = payment_faults_;
    options.billing_faults = billing_faults_;
    options.payment.pending_rate = pending_rate_;
    options.payment.pending_delay = absl::Milliseconds(200);
    options.payment.report_results = report_results_;
  }
  // Set in the test's constructor (before SetUp).
  fakes::FaultPlan payment_faults_;
  fakes::FaultPlan billing_faults_;
  double pending_rate_ = 0;
  // False: the channel never calls back, so npd must find out by querying.
  bool report_results_ = true;
};

class PaymentErrorsTest : public RefundFaultTest {
 protected:
  PaymentErrorsTest() { payment_faults_.error = 1.0; }
};

TEST_F(PaymentErrorsTest, RetriesThenStuckWithTheLastErrorThenReDriven) {
  const std::string id = ToAwaitClaim();
  EXPECT_TRUE(ClaimOk(id).accepted());
  npd::v1::Refund stuck = WaitForRefund(id, npd::v1::REFUND_STATE_STUCK);
  EXPECT_EQ(stuck.stuck().step(), npd::v1::REFUND_STEP_PAYOUT);
  EXPECT_EQ(stuck.stuck().from_state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  EXPECT_EQ(stuck.stuck().attempts(), 6);
  EXPECT_THAT(stuck.stuck().last_error(), HasSubstr("UNAVAILABLE"));
  EXPECT_EQ(outside().payment().stats().payouts, 0u);

  outside().SetFaultPlan(fakes::FaultPlan{});
  npd::v1::Refund redriven;
  ASSERT_TRUE(Redrive(id, &redriven).ok());
  EXPECT_EQ(redriven.state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_PAID);
  EXPECT_EQ(outside().payment().SucceededPayouts(id), 1);
  EXPECT_EQ(redriven.payout_key(), id + ":payout:1");  // the same key after the re-drive
}

class PaymentTimeoutTest : public RefundFaultTest {
 protected:
  PaymentTimeoutTest() {
    payment_faults_.timeout = 1.0;
    payment_faults_.timeout_delay = absl::Milliseconds(600);
    report_results_ = false;
  }
};

TEST_F(PaymentTimeoutTest, TimedOutPayoutIsQueriedByItsKeyAndNeverPaidTwice) {
  const std::string id = ToAwaitClaim();
  EXPECT_TRUE(ClaimOk(id).accepted());
  // The channel paid, but npd saw DEADLINE_EXCEEDED.
  ASSERT_TRUE(Eventually([&] { return outside().payment().Payout(id + ":payout:1").has_value(); }));
  npd::v1::Refund during;
  ASSERT_TRUE(GetRefund("operator", id, &during).ok());
  EXPECT_EQ(during.state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  outside().SetFaultPlan(fakes::FaultPlan{});
  WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_PAID);
  EXPECT_EQ(outside().payment().stats().payouts, 1u);
  EXPECT_EQ(outside().payment().SucceededPayouts(id), 1);
  EXPECT_TRUE(outside().payment().violations().empty());
  EXPECT_GE(outside().payment().stats().queries, 1u);
}

class PaymentCrashTest : public RefundFaultTest {
 protected:
  PaymentCrashTest() {
    payment_faults_.crash_after_effect = 1.0;
    report_results_ = false;
  }
};

TEST_F(PaymentCrashTest, CrashAfterPayingBeforeAnsweringIsRecognisedNotRepaid) {
  const std::string id = ToAwaitClaim();
  EXPECT_TRUE(ClaimOk(id).accepted());
  npd::v1::Refund done = WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_PAID);
  EXPECT_EQ(done.paid_fen(), 10000);
  EXPECT_EQ(outside().payment().stats().payouts, 1u);
  EXPECT_EQ(outside().payment().SucceededPayouts(id), 1);
  EXPECT_EQ(outside().payment().stats().duplicates_prevented, 0u);  // never re-sent
  EXPECT_GE(outside().payment().stats().queries, 1u);
  EXPECT_GE(outside().faults()[static_cast<size_t>(fakes::FaultKind::kCrashAfterEffect)], 1u);
}

class SlowAndCallbackFaultsTest : public RefundFaultTest {
 protected:
  SlowAndCallbackFaultsTest() {
    for (fakes::FaultPlan* plan : {&payment_faults_, &billing_faults_}) {
      plan->slow = 1.0;
      plan->slow_delay = absl::Milliseconds(100);
      plan->duplicate_callback = 1.0;
      plan->out_of_order_callback = 1.0;
    }
  }
};

TEST_F(SlowAndCallbackFaultsTest, DuplicateAndEarlyCallbacksChangeNothingTwice) {
  fakes::BillScenario pushed = Bill(8800);
  pushed.push = true;
  SetBill(kCmccNumber, pushed);
  const std::string id = ToAwaitClaim();
  EXPECT_TRUE(ClaimOk(id).accepted());
  npd::v1::Refund done = WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_PAID);
  EXPECT_EQ(done.final_bill().cash_balance_fen(), 8800);
  EXPECT_EQ(done.paid_fen(), 8800);
  EXPECT_EQ(outside().payment().SucceededPayouts(id), 1);
  EXPECT_EQ(outside().payment().stats().total_paid_fen, 8800);
  EXPECT_GE(outside().callbacks().stats().delivered, 2u);
}

class PendingPayoutTest : public RefundFaultTest {
 protected:
  PendingPayoutTest() { pending_rate_ = 1.0; }
};

TEST_F(PendingPayoutTest, PendingPayoutCompletesByQueryOrCallback) {
  const std::string id = ToAwaitClaim();
  EXPECT_TRUE(ClaimOk(id).accepted());
  WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_PAID);
  EXPECT_EQ(outside().payment().SucceededPayouts(id), 1);
}

TEST_F(PaymentTimeoutTest, RestartWithAPayoutInDoubtFinishesWithOnePayout) {
  const std::string id = ToAwaitClaim();
  EXPECT_TRUE(ClaimOk(id).accepted());
  ASSERT_TRUE(Eventually([&] { return outside().payment().Payout(id + ":payout:1").has_value(); }));
  RestartServer();
  outside().SetNpdAddress(server_->address());
  outside().SetFaultPlan(fakes::FaultPlan{});
  WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_PAID);
  EXPECT_EQ(outside().payment().stats().payouts, 1u);
  EXPECT_EQ(outside().payment().SucceededPayouts(id), 1);
}

}  // namespace
}  // namespace npd::testing
