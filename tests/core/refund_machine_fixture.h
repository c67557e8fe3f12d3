// The refund saga's test fixture: a case and its outbox entry, advanced through the pure core
// functions in the order the engine calls them (tests/core/refund_machine_test.cc,
// tests/core/payout_conflict_test.cc).
#ifndef NPD_TESTS_CORE_REFUND_MACHINE_FIXTURE_H_
#define NPD_TESTS_CORE_REFUND_MACHINE_FIXTURE_H_

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/core/payee_seal.h"
#include "daemon/core/refund_machine.h"
#include "daemon/core/time_convert.h"
#include "tests/core/core_test_util.h"

namespace npd::core {

using ::npd::store::v1::OutboxRecord;
using ::npd::store::v1::RefundRecord;
using ::npd::v1::FinalBill;

inline constexpr char kHolder[] = "holder-hash";

inline npd::v1::Port CompletedPort() {
  npd::v1::Port port =
      testing::PortIn(npd::v1::PORT_STATE_COMPLETED, testing::Local(2026, 11, 2, 10));
  return port;
}

inline FinalBill Bill(int64_t cash, int64_t promo = 0, int64_t third = 0, int64_t charges = 0) {
  FinalBill bill;
  bill.set_bill_id("B1");
  bill.set_cash_balance_fen(cash);
  bill.set_non_refundable_fen(promo);
  bill.set_third_party_topup_fen(third);
  bill.set_final_charges_fen(charges);
  return bill;
}

// A case and its outbox entry, advanced step by step like the engine does.
class RefundMachineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    policy_.max_attempts = 3;
    Take(OpenRefund(CompletedPort(), "Beijing", kHolder, now_));
  }

  void Take(RefundTransition t) {
    record_ = std::move(t.record);
    if (t.outbox_changed) outbox_ = t.outbox;
    events_ = std::move(t.events);
    timers_ = std::move(t.arm_timers);
  }
  npd::v1::RefundState state() const { return record_.refund().state(); }
  npd::v1::RefundStep step() const {
    return outbox_.has_value() ? outbox_->step() : npd::v1::REFUND_STEP_UNSPECIFIED;
  }

  StepResult Done() const {
    StepResult r;
    r.version = outbox_->version();
    return r;
  }
  StepResult Failed(std::string error) const {
    StepResult r = Done();
    r.outcome = StepOutcome::kRetryable;
    r.error = std::move(error);
    return r;
  }
  void Apply(const StepResult& result) {
    auto t = ApplyStepResult(record_, outbox_, result, policy_, now_, 0.5);
    ASSERT_TRUE(t.ok()) << t.status();
    Take(*std::move(t));
  }
  void ApplyBillResult(const FinalBill& bill) {
    ASSERT_EQ(step(), npd::v1::REFUND_STEP_FREEZE_ACCOUNT);
    Apply(Done());
    ASSERT_EQ(step(), npd::v1::REFUND_STEP_FETCH_FINAL_BILL);
    StepResult r = Done();
    r.bill = bill;
    Apply(r);
  }
  // Frozen, billed with `cash` refundable, notified: AWAIT_CLAIM.
  void ToAwaitClaim(int64_t cash = 5000) {
    ApplyBillResult(Bill(cash));
    ASSERT_EQ(state(), npd::v1::REFUND_STATE_AMOUNT_COMPUTED);
    ASSERT_EQ(step(), npd::v1::REFUND_STEP_NOTIFY_SUBSCRIBER);
    StepResult r = Done();
    r.reference = "SMS1";
    Apply(r);
    ASSERT_EQ(state(), npd::v1::REFUND_STATE_AWAIT_CLAIM);
  }
  RefundClaimCommand Claim(std::string holder = kHolder, std::string account = "6222020000000001",
                           std::string request_id = "c1") const {
    RefundClaimCommand c;
    c.request_id = std::move(request_id);
    c.claimant_hash = std::move(holder);
    // Stand-ins for the ciphertext and the wrapped key (the engine seals:
    // daemon/core/payee_seal.h).
    c.payee = {.kind = npd::v1::PAYEE_KIND_BANK_CARD,
               .last4 = PayeeLast4(account),
               .sealed = "sealed:" + account,
               .wrapped_key = "wrapped:" + account};
    c.channel = npd::v1::CLAIM_CHANNEL_HALL;
    c.claim_province = "Guangdong";
    return c;
  }
  ClaimOutcome MakeClaim(const RefundClaimCommand& c) {
    auto out = ClaimRefund(record_, outbox_, c, policy_, now_);
    EXPECT_TRUE(out.ok()) << out.status();
    Take(out->transition);
    return *out;
  }
  // Claimed and the Pay sent (PAYOUT_REQUESTED with query_first).
  void ToPayoutRequested() {
    ToAwaitClaim();
    ASSERT_TRUE(MakeClaim(Claim()).accepted);
    auto begun = BeginPayout(record_, outbox_, outbox_->version(), now_);
    ASSERT_TRUE(begun.ok()) << begun.status();
    Take(*std::move(begun));
  }
  StepResult PayResult(npd::v1::PayoutStatus status, bool query = false, bool found = true) const {
    StepResult r = Done();
    r.payout_query = query;
    r.payout_found = found;
    r.payout_status = status;
    r.reference = "PAY-1";
    return r;
  }

  // The payment channel's report of `key` (as ReportPayoutResult would bring it).
  static PayoutReport Report(std::string key, npd::v1::PayoutStatus status, int64_t amount = 0,
                             std::string reference = "") {
    return PayoutReport{.payout_key = std::move(key),
                        .status = status,
                        .reference = std::move(reference),
                        .amount_fen = amount};
  }
  // Applies a report; takes its transition when it has one.
  CallbackOutcome Callback(const PayoutReport& report) {
    auto out = ApplyPayoutReport(record_, outbox_, report, policy_, now_);
    EXPECT_TRUE(out.ok()) << out.status();
    if (!out.ok()) return CallbackOutcome{};
    if (out->transition.has_value()) Take(*out->transition);
    return *std::move(out);
  }
  // The operator's re-drive; takes its transition when it is allowed.
  absl::Status Redrive(std::string note = "checked with the channel", int32_t paid_generation = 0) {
    auto t = RedriveRefund(
        record_, outbox_,
        RedriveCommand{.note = std::move(note), .paid_generation = paid_generation}, policy_, now_);
    if (!t.ok()) return t.status();
    Take(*std::move(t));
    return absl::OkStatus();
  }
  // A query's answer for the current entry: `status` (SUCCEEDED: of `amount`) with `reference`.
  StepResult QueryAnswer(npd::v1::PayoutStatus status, int64_t amount = 5000,
                         std::string reference = "PAY-1") const {
    StepResult r = PayResult(status, /*query=*/true);
    r.reference = std::move(reference);
    if (status == npd::v1::PAYOUT_STATUS_SUCCEEDED) r.payout_amount_fen = amount;
    return r;
  }
  // Event types of the last transition, in order.
  std::vector<std::string> EventTypes() const {
    std::vector<std::string> types;
    for (const auto& e : events_) types.push_back(e.type);
    return types;
  }

  RefundPolicy policy_;
  absl::Time now_ = testing::Local(2026, 11, 2, 12);
  RefundRecord record_;
  std::optional<OutboxRecord> outbox_;
  std::vector<DomainEvent> events_;
  std::vector<npd::store::v1::TimerRecord> timers_;
};

}  // namespace npd::core

#endif  // NPD_TESTS_CORE_REFUND_MACHINE_FIXTURE_H_
