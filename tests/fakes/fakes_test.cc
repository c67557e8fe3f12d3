// The fakes' ledgers and faults, through real gRPC calls against FakeOutside.
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/protobuf/util/message_differencer.h"
#include "tests/fakes/fake_outside.h"
#include "tests/fakes/fakes_test_util.h"

namespace npd::fakes {
namespace {

using ::npd::fakes::testing::OutsideClient;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kRefund[] = "R000000000001";
constexpr char kMsisdn[] = "13800138000";

// A started FakeOutside and a client of it.
struct Started {
  explicit Started(FakeOutsideOptions options) : outside(std::move(options)) {
    address = outside.Start().value();
    client = std::make_unique<OutsideClient>(address);
  }
  FakeOutside outside;
  std::string address;
  std::unique_ptr<OutsideClient> client;
};

TEST(FakePaymentTest, SameKeyTwicePaysOnce) {
  Started s({});
  npd::ext::v1::PayResponse first, second;
  ASSERT_TRUE(s.client->Pay(kRefund, 1, 1234, &first).ok());
  ASSERT_TRUE(s.client->Pay(kRefund, 1, 1234, &second).ok());
  EXPECT_EQ(first.status(), npd::v1::PAYOUT_STATUS_SUCCEEDED);
  EXPECT_EQ(second.status(), npd::v1::PAYOUT_STATUS_SUCCEEDED);
  EXPECT_EQ(second.payout_reference(), first.payout_reference());
  const PaymentStats stats = s.outside.payment().stats();
  EXPECT_EQ(stats.payouts, 1u);
  EXPECT_EQ(stats.succeeded, 1u);
  EXPECT_EQ(stats.total_paid_fen, 1234);
  EXPECT_EQ(stats.duplicates_prevented, 1u);
  EXPECT_EQ(stats.key_conflicts, 0u);
  EXPECT_EQ(s.outside.payment().SucceededPayouts(kRefund), 1);
  EXPECT_THAT(s.outside.payment().violations(), IsEmpty());
  EXPECT_EQ(s.outside.payment().Payout(std::string(kRefund) + ":payout:1")->repeats, 1);
}

TEST(FakePaymentTest, ConcurrentRepeatsOfTheSameKeysPayEachOnce) {
  Started s({});
  constexpr int kThreads = 8;
  constexpr int kRefunds = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      OutsideClient client(s.address);
      for (int r = 0; r < kRefunds; ++r) {
        npd::ext::v1::PayResponse response;
        EXPECT_TRUE(client.Pay(absl::StrCat("R0000000001", 10 + r), 1, 100 + r, &response).ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const PaymentStats stats = s.outside.payment().stats();
  EXPECT_EQ(stats.payouts, uint64_t{kRefunds});
  EXPECT_EQ(stats.succeeded, uint64_t{kRefunds});
  EXPECT_EQ(stats.duplicates_prevented, uint64_t{(kThreads - 1) * kRefunds});
  EXPECT_EQ(stats.total_paid_fen, 100 * kRefunds + kRefunds * (kRefunds - 1) / 2);
  EXPECT_THAT(s.outside.payment().violations(), IsEmpty());
}

TEST(FakePaymentTest, TwoKeysForOneRefundIsAViolation) {
  Started s({});
  npd::ext::v1::PayResponse response;
  ASSERT_TRUE(s.client->Pay(kRefund, 1, 500, &response).ok());
  ASSERT_TRUE(s.client->Pay(kRefund, 2, 500, &response).ok());
  ASSERT_TRUE(s.client->Pay("R000000000002", 1, 700, &response).ok());
  EXPECT_EQ(s.outside.payment().SucceededPayouts(kRefund), 2);
  EXPECT_THAT(s.outside.payment().violations(), ElementsAre(kRefund));
  EXPECT_EQ(s.outside.payment().stats().total_paid_fen, 1700);
  EXPECT_THAT(s.outside.Summary(),
              HasSubstr("violations (refunds paid twice): 1 [" + std::string(kRefund) + "]"));
}

TEST(FakePaymentTest, InvalidPayeeFailsWithoutMoneyAndAnotherKeyMayPay) {
  Started s({});
  npd::ext::v1::PayResponse failed, paid;
  ASSERT_TRUE(s.client->Pay(kRefund, 1, 900, &failed, "invalid-wallet").ok());
  EXPECT_EQ(failed.status(), npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID);
  EXPECT_FALSE(failed.failure_text().empty());
  npd::ext::v1::QueryPayoutResponse query;
  ASSERT_TRUE(s.client->Query(std::string(kRefund) + ":payout:1", &query).ok());
  EXPECT_TRUE(query.found());
  EXPECT_EQ(query.status(), npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID);
  EXPECT_EQ(query.amount_fen(), 0);
  EXPECT_EQ(s.outside.payment().stats().total_paid_fen, 0);
  EXPECT_EQ(s.outside.payment().stats().failed_payee_invalid, 1u);

  ASSERT_TRUE(s.client->Pay(kRefund, 2, 900, &paid).ok());
  EXPECT_EQ(paid.status(), npd::v1::PAYOUT_STATUS_SUCCEEDED);
  EXPECT_EQ(s.outside.payment().SucceededPayouts(kRefund), 1);
  EXPECT_THAT(s.outside.payment().violations(), IsEmpty());
}

TEST(FakePaymentTest, NonPositiveAmountIsInvalidAndRecordsNothing) {
  Started s({});
  npd::ext::v1::PayResponse response;
  EXPECT_EQ(s.client->Pay(kRefund, 1, 0, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.client->Pay(kRefund, 1, -5, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.outside.payment().stats().payouts, 0u);
  npd::ext::v1::QueryPayoutResponse query;
  ASSERT_TRUE(s.client->Query(std::string(kRefund) + ":payout:1", &query).ok());
  EXPECT_FALSE(query.found());
}

TEST(FakePaymentTest, CrashAfterEffectFailsTheCallButThePayoutHappened) {
  FakeOutsideOptions options;
  options.payment_faults.crash_after_effect = 1.0;
  Started s(options);
  npd::ext::v1::PayResponse response;
  const grpc::Status status = s.client->Pay(kRefund, 1, 4321, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("crashed after paying"));
  // QueryPayout has no effect, so the crash fault does not apply to it.
  npd::ext::v1::QueryPayoutResponse query;
  ASSERT_TRUE(s.client->Query(std::string(kRefund) + ":payout:1", &query).ok());
  EXPECT_TRUE(query.found());
  EXPECT_EQ(query.status(), npd::v1::PAYOUT_STATUS_SUCCEEDED);
  EXPECT_EQ(query.amount_fen(), 4321);
  EXPECT_EQ(s.outside.payment().stats().total_paid_fen, 4321);
  EXPECT_EQ(s.outside.faults()[static_cast<int>(FaultKind::kCrashAfterEffect)], 1u);
}

TEST(FakePaymentTest, TimeoutRecordsTheEffectAndTheCallerSeesDeadlineExceeded) {
  FakeOutsideOptions options;
  options.payment_faults.timeout = 1.0;
  options.payment_faults.timeout_delay = absl::Seconds(3);
  Started s(options);
  npd::ext::v1::PayResponse response;
  const absl::Time start = absl::Now();
  const grpc::Status status =
      s.client->Pay(kRefund, 1, 800, &response, "alice@pay", absl::Milliseconds(300));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  std::optional<PayoutRecord> payout =
      s.outside.payment().Payout(std::string(kRefund) + ":payout:1");
  ASSERT_TRUE(payout.has_value());
  EXPECT_EQ(payout->status, npd::v1::PAYOUT_STATUS_SUCCEEDED);
  EXPECT_EQ(payout->amount_fen, 800);
  EXPECT_EQ(s.outside.faults()[static_cast<int>(FaultKind::kTimeout)], 1u);
}

TEST(FakeOutsideTest, ErrorDoesNothingAnywhere) {
  FakeOutsideOptions options;
  options.SetAllFaults(FaultPlan{.error = 1.0});
  Started s(options);
  npd::ext::v1::PayResponse pay;
  npd::ext::v1::FreezeAccountResponse freeze;
  npd::ext::v1::SendSmsResponse sms;
  EXPECT_EQ(s.client->Pay(kRefund, 1, 100, &pay).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(s.client->Freeze(kRefund, kMsisdn, &freeze).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(s.client->Sms(kRefund, kMsisdn, &sms).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(s.outside.payment().stats().payouts, 0u);
  EXPECT_FALSE(s.outside.payment().Payout(std::string(kRefund) + ":payout:1").has_value());
  EXPECT_EQ(s.outside.billing().Freezes(kRefund), 0);
  EXPECT_EQ(s.outside.sms().stats().sent, 0u);
  EXPECT_EQ(s.outside.faults()[static_cast<int>(FaultKind::kError)], 3u);

  // Faults off: the same calls now take effect.
  s.outside.SetFaultPlan(FaultPlan{});
  EXPECT_TRUE(s.client->Pay(kRefund, 1, 100, &pay).ok());
  EXPECT_EQ(s.outside.payment().stats().payouts, 1u);
}

TEST(FakeOutsideTest, StopIsPromptWhileAHandlerSleepsInATimeout) {
  FakeOutsideOptions options;
  options.sms_faults.timeout = 1.0;
  options.sms_faults.timeout_delay = absl::Seconds(30);
  auto s = std::make_unique<Started>(options);
  std::thread caller([&] {
    npd::ext::v1::SendSmsResponse response;
    s->client->Sms(kRefund, kMsisdn, &response);
  });
  while (s->outside.sms().stats().sent == 0) absl::SleepFor(absl::Milliseconds(5));
  const absl::Time start = absl::Now();
  s->outside.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  caller.join();
}

TEST(FakeBillingTest, PollsUntilReadyAreHonouredAndTheBillIsStable) {
  FakeOutsideOptions options;
  options.billing.scenario = [](const std::string&) {
    return BillScenario{.cash_balance_fen = 5000,
                        .non_refundable_fen = 1000,
                        .third_party_topup_fen = 700,
                        .final_charges_fen = 300,
                        .polls_until_ready = 2};
  };
  Started s(options);
  npd::ext::v1::GetFinalBillResponse bill;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(s.client->Bill(kRefund, kMsisdn, &bill).ok());
    EXPECT_FALSE(bill.ready()) << "poll " << i;
  }
  ASSERT_TRUE(s.client->Bill(kRefund, kMsisdn, &bill).ok());
  ASSERT_TRUE(bill.ready());
  EXPECT_EQ(bill.bill().cash_balance_fen(), 5000);
  EXPECT_EQ(bill.bill().non_refundable_fen(), 1000);
  EXPECT_EQ(bill.bill().third_party_topup_fen(), 700);
  EXPECT_EQ(bill.bill().final_charges_fen(), 300);
  EXPECT_EQ(s.outside.billing().ExpectedRefundable(kMsisdn), 3000);
  npd::ext::v1::GetFinalBillResponse again;
  ASSERT_TRUE(s.client->Bill(kRefund, kMsisdn, &again).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(again, bill));
  EXPECT_EQ(s.outside.billing().BillFetches(kRefund), 4);
  EXPECT_EQ(s.outside.billing().stats().bills_not_ready, 2u);
}

TEST(FakeBillingTest, JudicialHoldIsAnsweredOnEveryFreeze) {
  FakeOutsideOptions options;
  options.billing.scenario = [](const std::string&) { return BillScenario{.judicial_hold = true}; };
  Started s(options);
  npd::ext::v1::FreezeAccountResponse freeze;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(s.client->Freeze(kRefund, kMsisdn, &freeze).ok());
    EXPECT_TRUE(freeze.judicial_hold());
  }
  EXPECT_EQ(s.outside.billing().Freezes(kRefund), 2);
  EXPECT_EQ(s.outside.billing().stats().judicial_holds, 2u);
  EXPECT_EQ(s.outside.billing().stats().frozen_refunds, 0u);
}

TEST(FakeBillingTest, DefaultScenariosCoverEveryKindWithConsistentAmounts) {
  int kinds[5] = {};
  int holds = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::string msisdn = absl::StrCat("1380000", 1000 + i);
    const BillScenario s = DefaultBillScenario(msisdn);
    ASSERT_GE(s.cash_balance_fen, 0);
    ASSERT_GE(s.non_refundable_fen, 0);
    ASSERT_GE(s.third_party_topup_fen, 0);
    ASSERT_GE(s.final_charges_fen, 0);
    ASSERT_LE(s.polls_until_ready, 2);
    const BillKind kind = DefaultBillKind(msisdn);
    ++kinds[static_cast<int>(kind)];
    holds += s.judicial_hold;
    switch (kind) {
      case BillKind::kZero:
        EXPECT_EQ(s.cash_balance_fen, 0);
        EXPECT_EQ(s.refundable_fen(), 0);
        break;
      case BillKind::kArrears:
        EXPECT_LT(s.refundable_fen(), 0) << msisdn;
        break;
      case BillKind::kPromo:
        EXPECT_GT(s.non_refundable_fen, 0);
        EXPECT_GT(s.refundable_fen(), 0);
        break;
      case BillKind::kThirdParty:
        EXPECT_GT(s.third_party_topup_fen, 0);
        EXPECT_GT(s.refundable_fen(), 0);
        break;
      case BillKind::kTypical:
        EXPECT_GT(s.refundable_fen(), 0);
        break;
    }
  }
  // 10/10/15/10/55 percent, within a wide margin.
  EXPECT_NEAR(kinds[0], 200, 60);
  EXPECT_NEAR(kinds[1], 200, 60);
  EXPECT_NEAR(kinds[2], 300, 70);
  EXPECT_NEAR(kinds[3], 200, 60);
  EXPECT_NEAR(kinds[4], 1100, 120);
  EXPECT_GT(holds, 0);
  EXPECT_LT(holds, 60);
  // The fake serves what ExpectedRefundable says, from the default scenario.
  Started started({});
  EXPECT_EQ(started.outside.billing().ExpectedRefundable(kMsisdn),
            DefaultBillScenario(kMsisdn).refundable_fen());
}

TEST(FakeBillingTest, CloseKeepsTheFirstAndAnswersRepeatsAlike) {
  Started s({});
  auto close = [&](npd::ext::v1::CloseOutcome outcome, int64_t paid) {
    npd::ext::v1::CloseAccountRequest request;
    request.set_idempotency_key(absl::StrCat(kRefund, ":close"));
    request.set_refund_id(kRefund);
    request.set_msisdn(kMsisdn);
    request.set_outcome(outcome);
    request.set_paid_fen(paid);
    npd::ext::v1::CloseAccountResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(s.client->billing->CloseAccount(&context, request, &response).ok());
    return response.closure_reference();
  };
  const std::string first = close(npd::ext::v1::CLOSE_OUTCOME_REFUNDED, 2500);
  EXPECT_EQ(close(npd::ext::v1::CLOSE_OUTCOME_REFUNDED, 2500), first);
  EXPECT_EQ(close(npd::ext::v1::CLOSE_OUTCOME_NO_REFUND, 0), first);
  std::optional<CloseRecord> record = s.outside.billing().Close(kRefund);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->outcome, npd::ext::v1::CLOSE_OUTCOME_REFUNDED);
  EXPECT_EQ(record->paid_fen, 2500);
  EXPECT_EQ(record->repeats, 2);
  EXPECT_EQ(record->conflicts, 1);
  EXPECT_EQ(s.outside.billing().stats().closes, 1u);
}

TEST(FakeSettlementTest, RepeatedKeyReturnsTheEntryMarkedDuplicate) {
  Started s({});
  auto post = [&](int64_t amount, npd::ext::v1::PostEntryResponse* response) {
    npd::ext::v1::PostEntryRequest request;
    request.set_entry_key(absl::StrCat(kRefund, ":settle"));
    request.set_refund_id(kRefund);
    request.set_carrier("cmcc");
    request.set_home_province("Beijing");
    request.set_claim_province("Shanghai");
    request.set_amount_fen(amount);
    grpc::ClientContext context;
    return s.client->settlement->PostEntry(&context, request, response);
  };
  npd::ext::v1::PostEntryResponse first, second, invalid;
  ASSERT_TRUE(post(3000, &first).ok());
  ASSERT_TRUE(post(3000, &second).ok());
  EXPECT_FALSE(first.duplicate());
  EXPECT_TRUE(second.duplicate());
  EXPECT_EQ(second.entry_id(), first.entry_id());
  EXPECT_EQ(post(0, &invalid).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const SettlementStats stats = s.outside.settlement().stats();
  EXPECT_EQ(stats.entries, 1u);
  EXPECT_EQ(stats.total_fen, 3000);
  EXPECT_EQ(stats.duplicates, 1u);
  EXPECT_EQ(s.outside.settlement().EntriesFor(kRefund), 1);
}

TEST(FakeSmsTest, RepeatedKeySendsNothingAgain) {
  Started s({});
  npd::ext::v1::SendSmsResponse first, second;
  ASSERT_TRUE(s.client->Sms(kRefund, kMsisdn, &first).ok());
  ASSERT_TRUE(s.client->Sms(kRefund, kMsisdn, &second).ok());
  EXPECT_EQ(second.message_id(), first.message_id());
  EXPECT_EQ(s.outside.sms().stats().sent, 1u);
  EXPECT_EQ(s.outside.sms().stats().duplicates_prevented, 1u);
  EXPECT_EQ(s.outside.sms().SentTo(kMsisdn), 1);
  EXPECT_EQ(s.outside.sms().Sent(std::string(kRefund) + ":notify")->repeats, 1);
}

TEST(FakePaymentTest, PendingPayoutSucceedsLater) {
  FakeOutsideOptions options;
  options.payment.pending_rate = 1.0;
  options.payment.pending_delay = absl::Milliseconds(200);
  Started s(options);
  npd::ext::v1::PayResponse response;
  ASSERT_TRUE(s.client->Pay(kRefund, 1, 600, &response).ok());
  EXPECT_EQ(response.status(), npd::v1::PAYOUT_STATUS_PENDING);
  npd::ext::v1::QueryPayoutResponse query;
  ASSERT_TRUE(s.client->Query(std::string(kRefund) + ":payout:1", &query).ok());
  EXPECT_EQ(query.status(), npd::v1::PAYOUT_STATUS_PENDING);
  EXPECT_EQ(s.outside.payment().stats().total_paid_fen, 0);
  absl::SleepFor(absl::Milliseconds(300));
  ASSERT_TRUE(s.client->Query(std::string(kRefund) + ":payout:1", &query).ok());
  EXPECT_EQ(query.status(), npd::v1::PAYOUT_STATUS_SUCCEEDED);
  EXPECT_EQ(query.amount_fen(), 600);
  EXPECT_EQ(s.outside.payment().stats().total_paid_fen, 600);
  EXPECT_EQ(s.outside.payment().stats().pending, 0u);
}

}  // namespace
}  // namespace npd::fakes
