// Callbacks into npd: billing's pushed bill as the donor carrier, the payment channel's payout
// results as `payment`; in order, duplicated, out of order, and to an npd that moved.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/fakes/fake_outside.h"
#include "tests/fakes/fakes_test_util.h"

namespace npd::fakes {
namespace {

using ::npd::fakes::testing::Arrival;
using ::npd::fakes::testing::OutsideClient;
using ::npd::fakes::testing::RecordingNpd;
using ::testing::SizeIs;

constexpr char kRefund[] = "R000000000001";
constexpr char kMsisdn[] = "13800138000";

BillScenario Pushed(const std::string&) {
  return BillScenario{.cash_balance_fen = 3000, .final_charges_fen = 500, .push = true};
}

TEST(CallbacksTest, PushedBillArrivesAfterTheFreezeAsTheDonor) {
  RecordingNpd npd;
  FakeOutsideOptions options;
  options.npd_address = npd.address();
  options.billing.scenario = Pushed;
  options.callbacks.after_answer_delay = absl::Milliseconds(200);
  FakeOutside outside(options);
  OutsideClient client(outside.Start().value());
  npd::ext::v1::FreezeAccountResponse freeze;
  ASSERT_TRUE(client.Freeze(kRefund, kMsisdn, &freeze).ok());
  EXPECT_THAT(npd.arrivals(), SizeIs(0)) << "in order: not before the freeze answered";
  const std::vector<Arrival> arrivals = npd.WaitFor(1);
  ASSERT_THAT(arrivals, SizeIs(1));
  EXPECT_TRUE(arrivals[0].is_bill);
  EXPECT_EQ(arrivals[0].caller, "spiffe://npd/billing/cmcc");
  EXPECT_EQ(arrivals[0].bill.refund_id(), kRefund);
  EXPECT_EQ(arrivals[0].bill.bill().cash_balance_fen(), 3000);
  EXPECT_EQ(arrivals[0].bill.bill().final_charges_fen(), 500);
  // The polled bill is the pushed one, ready at once.
  npd::ext::v1::GetFinalBillResponse polled;
  ASSERT_TRUE(client.Bill(kRefund, kMsisdn, &polled).ok());
  EXPECT_TRUE(polled.ready());
  EXPECT_EQ(polled.bill().SerializeAsString(), arrivals[0].bill.bill().SerializeAsString());
  // A repeated freeze pushes nothing again.
  ASSERT_TRUE(client.Freeze(kRefund, kMsisdn, &freeze).ok());
  absl::SleepFor(absl::Milliseconds(400));
  EXPECT_THAT(npd.arrivals(), SizeIs(1));
  EXPECT_EQ(outside.callbacks().stats().delivered, 1u);
}

TEST(CallbacksTest, OutOfOrderBillArrivesBeforeTheFreezeAnswers) {
  RecordingNpd npd;
  FakeOutsideOptions options;
  options.npd_address = npd.address();
  options.billing.scenario = Pushed;
  options.billing.carrier_of = [](const std::string&) { return std::string("cucc"); };
  options.billing_faults.out_of_order_callback = 1.0;
  FakeOutside outside(options);
  OutsideClient client(outside.Start().value());
  npd::ext::v1::FreezeAccountResponse freeze;
  ASSERT_TRUE(client.Freeze(kRefund, kMsisdn, &freeze).ok());
  const std::vector<Arrival> arrivals = npd.arrivals();  // no waiting
  ASSERT_THAT(arrivals, SizeIs(1));
  EXPECT_EQ(arrivals[0].caller, "spiffe://npd/billing/cucc");
  EXPECT_EQ(outside.faults()[static_cast<int>(FaultKind::kOutOfOrderCallback)], 1u);
}

TEST(CallbacksTest, DuplicatePayoutResultArrivesTwiceAsPayment) {
  RecordingNpd npd;
  FakeOutsideOptions options;
  options.npd_address = npd.address();
  options.payment_faults.duplicate_callback = 1.0;
  FakeOutside outside(options);
  OutsideClient client(outside.Start().value());
  npd::ext::v1::PayResponse pay;
  ASSERT_TRUE(client.Pay(kRefund, 1, 1500, &pay).ok());
  const std::vector<Arrival> arrivals = npd.WaitFor(2);
  ASSERT_THAT(arrivals, SizeIs(2));
  for (const Arrival& a : arrivals) {
    EXPECT_FALSE(a.is_bill);
    EXPECT_EQ(a.caller, "spiffe://npd/payment/default");
    EXPECT_EQ(a.payout.payout_key(), std::string(kRefund) + ":payout:1");
    EXPECT_EQ(a.payout.status(), npd::v1::PAYOUT_STATUS_SUCCEEDED);
    EXPECT_EQ(a.payout.amount_fen(), 1500);
    EXPECT_EQ(a.payout.payout_reference(), pay.payout_reference());
  }
  EXPECT_NE(arrivals[0].request_id, arrivals[1].request_id);
  // Money moved once.
  EXPECT_EQ(outside.payment().stats().total_paid_fen, 1500);
  EXPECT_EQ(outside.faults()[static_cast<int>(FaultKind::kDuplicateCallback)], 1u);
}

TEST(CallbacksTest, OutOfOrderPayoutResultArrivesBeforePayAnswers) {
  RecordingNpd npd;
  FakeOutsideOptions options;
  options.npd_address = npd.address();
  options.payment_faults.out_of_order_callback = 1.0;
  FakeOutside outside(options);
  OutsideClient client(outside.Start().value());
  npd::ext::v1::PayResponse pay;
  ASSERT_TRUE(client.Pay(kRefund, 1, 900, &pay, "invalid-x").ok());
  const std::vector<Arrival> arrivals = npd.arrivals();  // no waiting
  ASSERT_THAT(arrivals, SizeIs(1));
  EXPECT_EQ(arrivals[0].caller, "spiffe://npd/payment/default");
  EXPECT_EQ(arrivals[0].payout.status(), npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID);
  EXPECT_EQ(arrivals[0].payout.amount_fen(), 0);
}

TEST(CallbacksTest, PendingPayoutIsReportedWhenItSucceeds) {
  RecordingNpd npd;
  FakeOutsideOptions options;
  options.npd_address = npd.address();
  options.payment.pending_rate = 1.0;
  options.payment.pending_delay = absl::Milliseconds(150);
  FakeOutside outside(options);
  OutsideClient client(outside.Start().value());
  npd::ext::v1::PayResponse pay;
  ASSERT_TRUE(client.Pay(kRefund, 1, 700, &pay).ok());
  EXPECT_EQ(pay.status(), npd::v1::PAYOUT_STATUS_PENDING);
  const std::vector<Arrival> arrivals = npd.WaitFor(1);
  ASSERT_THAT(arrivals, SizeIs(1));
  EXPECT_EQ(arrivals[0].payout.status(), npd::v1::PAYOUT_STATUS_SUCCEEDED);
  EXPECT_EQ(arrivals[0].payout.amount_fen(), 700);
  EXPECT_EQ(outside.payment().stats().succeeded, 1u);
}

TEST(CallbacksTest, NpdDownDropsAfterRetriesThenANewTargetReceives) {
  std::string dead_address;
  {
    RecordingNpd gone;  // a port that nobody listens on once this closes
    dead_address = gone.address();
  }
  FakeOutsideOptions options;
  options.npd_address = dead_address;
  options.callbacks.attempts = 2;
  options.callbacks.first_backoff = absl::Milliseconds(50);
  options.callbacks.attempt_deadline = absl::Milliseconds(500);
  FakeOutside outside(options);
  OutsideClient client(outside.Start().value());
  npd::ext::v1::PayResponse pay;
  ASSERT_TRUE(client.Pay(kRefund, 1, 100, &pay).ok());
  const absl::Time until = absl::Now() + absl::Seconds(3);
  while (outside.callbacks().stats().dropped == 0 && absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(outside.callbacks().stats().dropped, 1u);
  EXPECT_EQ(outside.callbacks().stats().attempts, 2u);

  RecordingNpd npd;
  outside.SetNpdAddress(npd.address());
  ASSERT_TRUE(client.Pay("R000000000002", 1, 200, &pay).ok());
  const std::vector<Arrival> arrivals = npd.WaitFor(1);
  ASSERT_THAT(arrivals, SizeIs(1));
  EXPECT_EQ(arrivals[0].payout.payout_key(), "R000000000002:payout:1");
  EXPECT_EQ(outside.callbacks().stats().delivered, 1u);
}

}  // namespace
}  // namespace npd::fakes
