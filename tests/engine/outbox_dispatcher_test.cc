// The outbox dispatcher between a real engine (in-memory store) and scripted outside systems:
// stored entries are dispatched after a restart, a result that cannot be written is retried later,
// at most max_in_flight calls run at once, a payout is begun durably before Pay, and Stop waits for
// calls in flight.
#include "daemon/outbox/outbox_dispatcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include "absl/strings/str_format.h"
#include "daemon/core/refund_machine.h"
#include "daemon/core/time_convert.h"
#include "daemon/engine/journal.h"
#include "daemon/engine/refund_handlers.h"
#include "storage/memory_store.h"
#include "tests/support/plan_files.h"

namespace npd::outbox {
namespace {

using npd::store::v1::OutboxRecord;
using npd::store::v1::RefundRecord;

// Answers every call with kDone (or holds calls until released), and records what was called.
class ScriptedSystems final : public OutsideSystems {
 public:
  struct Seen {
    std::string refund_id;
    npd::v1::RefundStep step;
    bool pay;
    bool query_first;  // of the entry as passed in
  };

  void Call(const RefundRecord& refund, const OutboxRecord& entry, bool pay, Done done) override {
    std::unique_lock lock(mu_);
    seen_.push_back({refund.refund().refund_id(), entry.step(), pay, entry.query_first()});
    ++in_flight_;
    ++unanswered_;
    max_in_flight_ = std::max(max_in_flight_, in_flight_);
    if (hold_) {
      held_.push_back(std::move(done));
      return;
    }
    --in_flight_;
    lock.unlock();
    done(Answer(entry));
    Answered();
  }
  void Drain() override {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return unanswered_ == 0; });
  }

  void Hold(bool hold) {
    std::lock_guard lock(mu_);
    hold_ = hold;
  }
  // Answers every held call.
  void ReleaseAll() {
    std::deque<Done> held;
    {
      std::lock_guard lock(mu_);
      held.swap(held_);
    }
    for (auto& done : held) {
      core::StepResult r;
      r.outcome = core::StepOutcome::kRetryable;
      r.error = "released";
      // The call ends when its answer is handed over: done() may start the next call at once,
      // which must not be counted together with this one.
      {
        std::lock_guard lock(mu_);
        --in_flight_;
      }
      done(r);
      Answered();
    }
  }
  std::vector<Seen> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }
  int max_in_flight() {
    std::lock_guard lock(mu_);
    return max_in_flight_;
  }
  size_t held() {
    std::lock_guard lock(mu_);
    return held_.size();
  }

 private:
  void Answered() {
    std::lock_guard lock(mu_);
    --unanswered_;
    cv_.notify_all();
  }
  static core::StepResult Answer(const OutboxRecord& entry) {
    core::StepResult r;
    if (entry.step() == npd::v1::REFUND_STEP_FETCH_FINAL_BILL) {
      npd::v1::FinalBill bill;
      bill.set_bill_id("B");
      bill.set_cash_balance_fen(1000);
      r.bill = bill;
    }
    if (entry.step() == npd::v1::REFUND_STEP_PAYOUT) {
      r.payout_status = npd::v1::PAYOUT_STATUS_SUCCEEDED;
      r.payout_query = !entry.query_first() ? false : true;
    }
    r.reference = "ref";
    return r;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool hold_ = false;
  int in_flight_ = 0;   // calls made and not yet answered, as the dispatcher counts them
  int unanswered_ = 0;  // calls whose done() has not yet returned, for Drain
  int max_in_flight_ = 0;
  std::deque<Done> held_;
  std::vector<Seen> seen_;
};

class OutboxDispatcherTest : public ::testing::Test {
 protected:
  OutboxDispatcherTest()
      : plan_(testing::ShippedPlan(NPD_DATA_DIR)),
        hasher_("outbox-test"),
        payee_keys_(*core::PayeeKeyRing::Parse("t1 " + std::string(64, 'c'))),
        store_(storage::NewMemoryStore()) {}
  ~OutboxDispatcherTest() override { StopAll(); }

  void StartAll(size_t max_in_flight = 64) {
    engine::EngineContext context{.plan = &plan_, .hasher = &hasher_, .payee_keys = &payee_keys_};
    context.refund_policy.retry_initial = absl::Milliseconds(10);
    context.refund_policy.retry_max = absl::Milliseconds(20);
    context.refund_policy.max_attempts = 1000;
    engine_ = std::make_unique<engine::Engine>(*store_, context, engine::EngineOptions{}, clock_);
    dispatcher_ = std::make_unique<OutboxDispatcher>(
        *store_, *engine_, systems_, clock_,
        DispatcherOptions{.max_in_flight = max_in_flight, .write_retry = absl::Milliseconds(50)});
    engine_->SetOutboxListener(dispatcher_->Listener());
    ASSERT_TRUE(engine_->Start().ok());
    if (fail_commits_after_engine_start_ > 0) {
      storage::FailNextCommits(*store_, fail_commits_after_engine_start_);
    }
    ASSERT_TRUE(dispatcher_->Start().ok());
  }
  // Commits to fail once the engine has started (it journals its configuration first).
  int fail_commits_after_engine_start_ = 0;
  void StopAll() {
    if (dispatcher_) dispatcher_->Stop();
    if (engine_) engine_->Stop();
    dispatcher_.reset();
    engine_.reset();
  }

  // Stores `count` freshly opened cases (freeze due now) directly, as a completed port would.
  void SeedCases(int count) {
    storage::WriteSet ws;
    for (int i = 1; i <= count; ++i) {
      npd::v1::Port port;
      port.set_port_id(absl::StrFormat("P%012d", i));
      port.set_msisdn(absl::StrFormat("1380013%04d", i));
      port.set_donor("cmcc");
      port.set_recipient("cucc");
      core::RefundTransition t = core::OpenRefund(port, "Beijing", "holder", clock_.Now());
      ws.refunds.push_back(t.record);
      ws.outbox_put.push_back(*t.outbox);
    }
    ASSERT_TRUE(store_->Commit(ws).ok());
  }
  npd::v1::RefundState StateOf(int i) {
    auto r = store_->GetRefund(absl::StrFormat("R%012d", i));
    return r.ok() && r->has_value() ? (*r)->refund().state() : npd::v1::REFUND_STATE_UNSPECIFIED;
  }
  bool WaitFor(const std::function<bool()>& predicate, int ms = 5000) {
    for (int waited = 0; waited < ms; waited += 10) {
      if (predicate()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return predicate();
  }

  core::NumberPlan plan_;
  core::IdentityHasher hasher_;
  core::PayeeKeyRing payee_keys_;
  engine::SystemClock clock_;
  std::unique_ptr<storage::Store> store_;
  ScriptedSystems systems_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<OutboxDispatcher> dispatcher_;
};

TEST_F(OutboxDispatcherTest, StoredEntriesAreDispatchedAtStartAndDriveTheCase) {
  SeedCases(1);
  StartAll();
  // freeze -> bill -> SMS: AWAIT_CLAIM, no entry left.
  ASSERT_TRUE(WaitFor([&] { return StateOf(1) == npd::v1::REFUND_STATE_AWAIT_CLAIM; }));
  auto entry = store_->GetOutbox("R000000000001");
  ASSERT_TRUE(entry.ok());
  EXPECT_FALSE(entry->has_value());
  auto seen = systems_.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].step, npd::v1::REFUND_STEP_FREEZE_ACCOUNT);
  EXPECT_EQ(seen[1].step, npd::v1::REFUND_STEP_FETCH_FINAL_BILL);
  EXPECT_EQ(seen[2].step, npd::v1::REFUND_STEP_NOTIFY_SUBSCRIBER);
  // The dispatcher counts a result once its commit completed, which may be just after the case is
  // visible in the store.
  EXPECT_TRUE(WaitFor([&] { return dispatcher_->stats().results >= 3u; }));
  EXPECT_EQ(dispatcher_->stats().results, 3u);
}

TEST_F(OutboxDispatcherTest, AResultThatCannotBeWrittenIsRetriedLater) {
  SeedCases(1);
  fail_commits_after_engine_start_ = 1;  // the freeze result's commit fails
  StartAll();
  ASSERT_TRUE(WaitFor([&] { return StateOf(1) == npd::v1::REFUND_STATE_AWAIT_CLAIM; }));
  EXPECT_GE(dispatcher_->stats().write_failed, 1u);
  auto seen = systems_.seen();
  ASSERT_GE(seen.size(), 4u);  // the freeze was called again
  EXPECT_EQ(seen[0].step, npd::v1::REFUND_STEP_FREEZE_ACCOUNT);
  EXPECT_EQ(seen[1].step, npd::v1::REFUND_STEP_FREEZE_ACCOUNT);
}

TEST_F(OutboxDispatcherTest, AtMostMaxInFlightCallsAtOnce) {
  SeedCases(6);
  systems_.Hold(true);
  StartAll(/*max_in_flight=*/2);
  ASSERT_TRUE(WaitFor([&] { return systems_.held() == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(systems_.held(), 2u);
  systems_.Hold(false);
  systems_.ReleaseAll();
  ASSERT_TRUE(WaitFor([&] {
    for (int i = 1; i <= 6; ++i) {
      if (StateOf(i) != npd::v1::REFUND_STATE_AWAIT_CLAIM) return false;
    }
    return true;
  }));
  EXPECT_EQ(systems_.max_in_flight(), 2);
}

TEST_F(OutboxDispatcherTest, PayoutIsBegunDurablyBeforePayAndQueriedAfterARestart) {
  SeedCases(1);
  StartAll();
  ASSERT_TRUE(WaitFor([&] { return StateOf(1) == npd::v1::REFUND_STATE_AWAIT_CLAIM; }));
  systems_.Hold(true);
  // Claim through the engine as the donor would.
  npd::v1::ClaimRefundRequest claim;
  claim.set_request_id("c1");
  claim.set_refund_id("R000000000001");
  claim.mutable_payee()->set_kind(npd::v1::PAYEE_KIND_WALLET);
  claim.mutable_payee()->set_account("wallet-1");
  claim.set_claim_province("Beijing");
  RefundRecord stored = **store_->GetRefund("R000000000001");
  stored.set_holder_identity_hash(hasher_.HashIdentity(claim.claimant()));
  storage::WriteSet fix;
  fix.refunds.push_back(stored);
  ASSERT_TRUE(store_->Commit(fix).ok());
  std::promise<absl::Status> claimed;
  engine_->Post(std::make_unique<engine::InternalCommand>(
      [&](engine::Txn& txn, const engine::EngineContext& ctx) {
        // As RequestCommand would: every command that writes declares its journal step.
        txn.SetStep(engine::RequestStep("/npd.v1.RefundService/ClaimRefund",
                                        {.actor = "cmcc", .principal = "spiffe://npd/carrier/cmcc"},
                                        claim, claim.request_id()));
        npd::v1::ClaimRefundResponse response;
        return engine::HandleClaimRefund(txn, ctx, "cmcc", claim, response);
      },
      [&](absl::Status s) { claimed.set_value(s); }));
  ASSERT_TRUE(claimed.get_future().get().ok());
  ASSERT_TRUE(WaitFor([&] { return systems_.held() == 1; }));
  // Pay is in flight: the store already says it may have been sent.
  EXPECT_EQ(StateOf(1), npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  auto entry = store_->GetOutbox("R000000000001");
  ASSERT_TRUE(entry.ok() && entry->has_value());
  EXPECT_TRUE((*entry)->query_first());
  EXPECT_TRUE(systems_.seen().back().pay);
  // The account is kept sealed: the record opens only with the payee key, and neither the record
  // nor the claim's journal entry holds it in clear; the entry holds no data key either.
  RefundRecord paying = **store_->GetRefund("R000000000001");
  EXPECT_FALSE(paying.sealed_payee().empty());
  EXPECT_TRUE(paying.payee_data_key().starts_with("t1:"));
  EXPECT_EQ(paying.SerializeAsString().find("wallet-1"), std::string::npos);
  auto opened = core::OpenRecordPayee(payee_keys_, paying);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->account(), "wallet-1");
  EXPECT_EQ(opened->kind(), npd::v1::PAYEE_KIND_WALLET);
  auto other_keys = core::PayeeKeyRing::Parse("t1 " + std::string(64, 'd'));
  EXPECT_TRUE(absl::IsDataLoss(core::OpenRecordPayee(*other_keys, paying).status()));
  auto journal = store_->ReadJournal(0, 1000);
  ASSERT_TRUE(journal.ok());
  bool claim_journaled = false;
  for (const auto& step : *journal) {
    EXPECT_EQ(step.SerializeAsString().find("wallet-1"), std::string::npos);
    EXPECT_EQ(step.SerializeAsString().find(paying.payee_data_key()), std::string::npos);
    if (step.command() == "ClaimRefund") claim_journaled = true;
  }
  EXPECT_TRUE(claim_journaled);

  // Restart with the Pay's outcome unknown: the next attempt is a query, not a second Pay.
  systems_.ReleaseAll();
  StopAll();
  systems_.Hold(false);
  StartAll();
  ASSERT_TRUE(WaitFor([&] { return StateOf(1) == npd::v1::REFUND_STATE_CLOSED_PAID; }));
  // Closed: the sealed account and its key are gone (crypto-shredded).
  RefundRecord closed = **store_->GetRefund("R000000000001");
  EXPECT_TRUE(closed.sealed_payee().empty());
  EXPECT_TRUE(closed.payee_data_key().empty());
  int pays = 0;
  for (const auto& s : systems_.seen()) {
    if (s.step == npd::v1::REFUND_STEP_PAYOUT && s.pay) ++pays;
    if (s.step == npd::v1::REFUND_STEP_PAYOUT && !s.pay) {
      EXPECT_TRUE(s.query_first);
    }
  }
  EXPECT_EQ(pays, 1);
}

TEST_F(OutboxDispatcherTest, StopWaitsForCallsInFlight) {
  SeedCases(3);
  systems_.Hold(true);
  StartAll();
  ASSERT_TRUE(WaitFor([&] { return systems_.held() == 3; }));
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    systems_.ReleaseAll();
  });
  dispatcher_->Stop();  // returns only once the three calls answered
  EXPECT_EQ(systems_.held(), 0u);
  releaser.join();
  StopAll();
  // Nothing was lost: the entries are still there for the next start.
  auto loaded = store_->LoadOutbox();
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->size(), 3u);
}

}  // namespace
}  // namespace npd::outbox
