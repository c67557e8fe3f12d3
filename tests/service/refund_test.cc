// The refund saga end to end over real gRPC: npd in-process on RocksDB, the fake billing, payment
// channel, settlement ledger and SMS gateway on their own gRPC server, with faults injected. The
// fakes' ledgers are the ground truth: one payout per refund, amounts as billed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/time/clock.h"
#include "daemon/core/time_convert.h"
#include "npd/v1/history.grpc.pb.h"
#include "npd/v1/operations.grpc.pb.h"
#include "npd/v1/report.grpc.pb.h"
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

// ---- Payout facts and conflicts: a report cannot talk npd into paying twice ----

class PayoutConflictFlowTest : public RefundFlowTest {
 protected:
  grpc::Status ReportPayout(const std::string& as, const std::string& key,
                            npd::v1::PayoutStatus status, int64_t amount_fen,
                            npd::v1::ReportPayoutResultResponse* response) {
    npd::v1::ReportPayoutResultRequest report;
    report.set_request_id(NewRequestId());
    report.set_payout_key(key);
    report.set_status(status);
    report.set_amount_fen(amount_fen);
    if (status == npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID) {
      report.set_failure_text("account closed");
    }
    return Call(as, [&](auto& stub, auto& context) {
      return stub.ReportPayoutResult(&context, report, response);
    });
  }
  grpc::Status Reconcile(const std::string& id, int32_t paid_generation, npd::v1::Refund* refund) {
    npd::v1::RedriveRefundRequest request;
    request.set_request_id(NewRequestId());
    request.set_refund_id(id);
    request.set_note("channel statement: payout 1 was paid");
    request.set_paid_generation(paid_generation);
    npd::v1::RedriveRefundResponse response;
    grpc::Status s = Call("operator", [&](auto& stub, auto& context) {
      return stub.RedriveRefund(&context, request, &response);
    });
    if (refund != nullptr) *refund = response.refund();
    return s;
  }
  // The case's history as the operator reads it (HistoryService).
  std::vector<npd::v1::HistoryEvent> History(const std::string& id) {
    auto stub = npd::v1::HistoryService::NewStub(ChannelAs("operator"));
    grpc::ClientContext context;
    npd::v1::GetHistoryRequest request;
    request.set_refund_id(id);
    request.set_page_size(1000);
    npd::v1::GetHistoryResponse response;
    grpc::Status s = stub->GetHistory(&context, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {response.events().begin(), response.events().end()};
  }
  static std::vector<npd::v1::HistoryEvent> OfType(const std::vector<npd::v1::HistoryEvent>& all,
                                                   const std::string& type) {
    std::vector<npd::v1::HistoryEvent> found;
    for (const auto& e : all) {
      if (e.type() == type) found.push_back(e);
    }
    return found;
  }
  // The operator's worklist items of `kind` (every page).
  std::vector<npd::v1::AttentionItem> Attention(npd::v1::AttentionKind kind) {
    auto stub = npd::v1::OperationsService::NewStub(ChannelAs("operator"));
    std::vector<npd::v1::AttentionItem> items;
    npd::v1::ListAttentionRequest request;
    request.set_kind(kind);
    do {
      grpc::ClientContext context;
      npd::v1::ListAttentionResponse response;
      grpc::Status s = stub->ListAttention(&context, request, &response);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      items.insert(items.end(), response.items().begin(), response.items().end());
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return items;
  }
  // cmcc's row of today's report.
  npd::v1::CarrierReport CmccFiguresToday() {
    auto stub = npd::v1::ReportService::NewStub(ChannelAs("operator"));
    grpc::ClientContext context;
    npd::v1::GetReportRequest request;
    *request.mutable_from() = core::ToProto(absl::Now() - absl::Hours(1));
    *request.mutable_to() = core::ToProto(absl::Now() + absl::Hours(1));
    request.set_carrier("cmcc");
    npd::v1::GetReportResponse response;
    grpc::Status s = stub->GetReport(&context, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.report().carriers_size() == 1 ? response.report().carriers(0)
                                                  : npd::v1::CarrierReport();
  }
};

// The channel holds every payout PENDING and never reports on its own; npd polls only every ten
// minutes: a payout stays in flight until the test moves it.
class PayoutInFlightTest : public PayoutConflictFlowTest {
 protected:
  void ConfigureFakes(fakes::FakeOutsideOptions& options) override {
    options.payment.pending_rate = 1.0;
    options.payment.pending_delay = absl::Hours(1);
    options.payment.report_results = false;
  }
  void Configure(Config& config) override {
    RefundFlowTest::Configure(config);
    config.refund_policy.poll_interval = absl::Minutes(10);
  }
  // Claims the case and waits until the channel holds its payout 1 PENDING and npd has its answer.
  std::string ToPayoutInFlight() {
    const std::string id = ToAwaitClaim();
    EXPECT_TRUE(ClaimOk(id).accepted());
    EXPECT_TRUE(Eventually([&] {
      npd::v1::Refund r;
      return GetRefund("operator", id, &r).ok() &&
             r.state() == npd::v1::REFUND_STATE_PAYOUT_REQUESTED &&
             r.pending_step().last_error() == "payout pending at the channel";
    }));
    auto payout = outside().payment().Payout(id + ":payout:1");
    EXPECT_TRUE(payout.has_value() && payout->status == npd::v1::PAYOUT_STATUS_PENDING);
    return id;
  }
};

TEST_F(PayoutInFlightTest, AForgedFailureOfAPaidPayoutIsCheckedAndKeptAsAConflict) {
  const std::string id = ToPayoutInFlight();
  const std::string key = id + ":payout:1";
  // The channel pays payout 1; then "the channel" reports it failed.
  ASSERT_TRUE(outside().payment().SetOutcome(key, npd::v1::PAYOUT_STATUS_SUCCEEDED, false));
  npd::v1::ReportPayoutResultResponse forged;
  grpc::Status s =
      ReportPayout("payment", key, npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID, 0, &forged);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(forged.applied());  // npd acted on it: it asks the channel
  EXPECT_EQ(forged.refund().state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  EXPECT_EQ(forged.refund().reported_payout().status(),
            npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID);
  EXPECT_TRUE(forged.refund().has_claim());

  // npd's query says SUCCEEDED: the reservation is not released, the case stops for an operator.
  npd::v1::Refund stuck = WaitForRefund(id, npd::v1::REFUND_STATE_STUCK);
  EXPECT_EQ(stuck.stuck().step(), npd::v1::REFUND_STEP_PAYOUT);
  EXPECT_EQ(stuck.stuck().from_state(), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  EXPECT_TRUE(stuck.has_claim());
  EXPECT_THAT(stuck.reasons(), ::testing::Not(Contains(npd::v1::REFUND_REASON_F06_PAYEE_INVALID)));
  EXPECT_FALSE(stuck.has_pending_step());
  ASSERT_EQ(stuck.payout_conflicts_size(), 1);
  const npd::v1::PayoutConflict& conflict = stuck.payout_conflicts(0);
  EXPECT_FALSE(conflict.resolved());
  EXPECT_EQ(conflict.payout_key(), key);
  EXPECT_EQ(conflict.earlier().source(), npd::v1::PAYOUT_SOURCE_CALLBACK);
  EXPECT_EQ(conflict.earlier().status(), npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID);
  EXPECT_EQ(conflict.reported().source(), npd::v1::PAYOUT_SOURCE_QUERY_ANSWER);
  EXPECT_EQ(conflict.reported().status(), npd::v1::PAYOUT_STATUS_SUCCEEDED);
  EXPECT_EQ(conflict.reported().amount_fen(), 10000);
  EXPECT_THAT(stuck.stuck().last_error(), HasSubstr("payout conflict #1"));

  // A second claim cannot start payout 2.
  npd::v1::ClaimRefundResponse second;
  ASSERT_TRUE(Claim("cmcc", id, Holder(), Card("6217000000000000012"), "Hubei", &second).ok());
  EXPECT_FALSE(second.accepted());
  EXPECT_FALSE(outside().payment().Payout(id + ":payout:2").has_value());

  // Visible in the history: the report (by the payment principal), the conflict naming both facts.
  const auto history = History(id);
  const auto reported = OfType(history, "REFUND_PAYOUT_REPORTED");
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].actor(), "payment");
  const auto conflicts = OfType(history, "REFUND_PAYOUT_CONFLICT");
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].actor(), "npd");
  EXPECT_THAT(conflicts[0].detail(), HasSubstr("the channel reported FAILED_PAYEE_INVALID"));
  EXPECT_THAT(conflicts[0].detail(), HasSubstr("QueryPayout answered SUCCEEDED 100.00 CNY"));
  EXPECT_TRUE(OfType(history, "REFUND_PAYOUT_FAILED").empty());

  // Visible on the operator's worklist, whatever the filter asks for.
  auto items = Attention(npd::v1::ATTENTION_KIND_PAYOUT_CONFLICT);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].refund_id(), id);
  EXPECT_EQ(items[0].refund_state(), npd::v1::REFUND_STATE_STUCK);
  EXPECT_THAT(items[0].detail(), HasSubstr("1 open payout conflict(s)"));
  auto all = Attention(npd::v1::ATTENTION_KIND_UNSPECIFIED);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].kind(), npd::v1::ATTENTION_KIND_PAYOUT_CONFLICT);
  EXPECT_EQ(CmccFiguresToday().payout_conflicts(), 1u);

  // The channel's ledger: exactly one payout.
  EXPECT_EQ(outside().payment().stats().payouts, 1u);
  EXPECT_EQ(outside().payment().SucceededPayouts(id), 1);
  EXPECT_TRUE(outside().payment().violations().empty());

  // The operator reconciles: payout 1 was paid. The case settles and closes on it.
  npd::v1::Refund reconciled;
  s = Reconcile(id, 1, &reconciled);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(reconciled.state(), npd::v1::REFUND_STATE_PAID);
  npd::v1::Refund done = WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_PAID);
  EXPECT_EQ(done.paid_fen(), 10000);
  EXPECT_EQ(done.payout_key(), key);
  ASSERT_EQ(done.payout_conflicts_size(), 1);
  EXPECT_TRUE(done.payout_conflicts(0).resolved());
  EXPECT_EQ(done.payout_conflicts(0).resolution(), "channel statement: payout 1 was paid");
  const auto resolved = OfType(History(id), "REFUND_PAYOUT_CONFLICT_RESOLVED");
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0].actor(), "operator");
  EXPECT_EQ(resolved[0].operator_name(), kTestOperator);
  EXPECT_THAT(resolved[0].detail(), HasSubstr("channel statement: payout 1 was paid"));
  EXPECT_TRUE(Attention(npd::v1::ATTENTION_KIND_UNSPECIFIED).empty());
  EXPECT_EQ(CmccFiguresToday().payout_reconciliations(), 1u);
  EXPECT_EQ(outside().payment().stats().payouts, 1u);
  EXPECT_EQ(outside().payment().SucceededPayouts(id), 1);
  auto entry = outside().settlement().Entry(id + ":settle");
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->request.amount_fen(), 10000);
}

TEST_F(PayoutInFlightTest, OnlyThePaymentChannelReportsAndAnUnknownCaseIsNotFound) {
  const std::string id = ToPayoutInFlight();
  npd::v1::Refund before;
  ASSERT_TRUE(GetRefund("operator", id, &before).ok());
  const size_t events = History(id).size();
  for (const char* as : {"cmcc", "cucc", "operator"}) {
    SCOPED_TRACE(as);
    npd::v1::ReportPayoutResultResponse response;
    EXPECT_EQ(ReportPayout(as, id + ":payout:1", npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID, 0,
                           &response)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  npd::v1::ReportPayoutResultResponse unknown;
  EXPECT_EQ(ReportPayout("payment", "R999999999999:payout:1", npd::v1::PAYOUT_STATUS_SUCCEEDED,
                         10000, &unknown)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  npd::v1::Refund after;
  ASSERT_TRUE(GetRefund("operator", id, &after).ok());
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString());  // nothing written
  EXPECT_EQ(History(id).size(), events);
}

TEST_F(PayoutConflictFlowTest, ALateSuccessAfterADefiniteFailureStopsTheCaseWithBothFacts) {
  const std::string id = ToAwaitClaim();
  const std::string key = id + ":payout:1";
  EXPECT_TRUE(ClaimOk(id, Wallet("invalid-closed-wallet")).accepted());
  npd::v1::Refund released = WaitForRefund(id, npd::v1::REFUND_STATE_AWAIT_CLAIM);
  ASSERT_TRUE(Eventually([&] { return outside().callbacks().stats().delivered >= 1; }));
  ASSERT_TRUE(GetRefund("operator", id, &released).ok());
  ASSERT_EQ(released.payout_outcomes_size(), 1);
  EXPECT_EQ(released.payout_outcomes(0).status(), npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID);
  EXPECT_TRUE(released.payout_conflicts().empty());

  // The channel pays payout 1 after all, and says so.
  ASSERT_TRUE(outside().payment().SetOutcome(key, npd::v1::PAYOUT_STATUS_SUCCEEDED, true));
  npd::v1::Refund stuck = WaitForRefund(id, npd::v1::REFUND_STATE_STUCK);
  EXPECT_EQ(stuck.stuck().step(), npd::v1::REFUND_STEP_PAYOUT);
  EXPECT_EQ(stuck.stuck().from_state(), npd::v1::REFUND_STATE_AWAIT_CLAIM);
  ASSERT_EQ(stuck.payout_conflicts_size(), 1);
  const npd::v1::PayoutConflict& conflict = stuck.payout_conflicts(0);
  EXPECT_EQ(conflict.earlier().status(), npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID);
  EXPECT_EQ(conflict.reported().status(), npd::v1::PAYOUT_STATUS_SUCCEEDED);
  EXPECT_EQ(conflict.reported().source(), npd::v1::PAYOUT_SOURCE_CALLBACK);
  EXPECT_EQ(conflict.reported().amount_fen(), 10000);
  EXPECT_THAT(conflict.description(), HasSubstr("a success after a definite failure"));
  const auto conflicts = OfType(History(id), "REFUND_PAYOUT_CONFLICT");
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_THAT(conflicts[0].detail(), HasSubstr("FAILED_PAYEE_INVALID"));
  EXPECT_THAT(conflicts[0].detail(), HasSubstr("SUCCEEDED 100.00 CNY"));

  // No new claim can start a second payout until the operator reconciles.
  npd::v1::ClaimRefundResponse again;
  EXPECT_EQ(Claim("cmcc", id, Holder(), Card(), "Beijing", &again).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  npd::v1::Refund refused;
  EXPECT_EQ(Reconcile(id, 2, &refused).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Reconcile(id, 1, nullptr).ok());
  npd::v1::Refund done = WaitForRefund(id, npd::v1::REFUND_STATE_CLOSED_PAID);
  EXPECT_EQ(done.paid_fen(), 10000);
  EXPECT_EQ(done.claim().claim_province(), "Beijing");
  EXPECT_EQ(outside().payment().stats().payouts, 1u);
  EXPECT_EQ(outside().payment().SucceededPayouts(id), 1);
  auto entry = outside().settlement().Entry(id + ":settle");
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->request.claim_province(), "Beijing");
}

}  // namespace
}  // namespace npd::testing
