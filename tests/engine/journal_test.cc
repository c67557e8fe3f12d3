// The journal pieces of the engine: what a request keeps (no personal data), side effects live and
// in replay, timers that cancel out within a batch, and the policies' round trip through records.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "daemon/core/policy_record.h"
#include "daemon/engine/journal.h"
#include "daemon/engine/txn.h"
#include "npd/v1/porting.pb.h"
#include "npd/v1/refund.pb.h"

namespace npd::engine {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

npd::v1::Identity Person() {
  npd::v1::Identity id;
  id.set_name("张三");
  id.set_id_type(npd::v1::ID_TYPE_RESIDENT);
  id.set_id_number("11010519491231002X");
  return id;
}

TEST(JournalTest, RequestsAreKeptWithoutCodesOrIdentities) {
  npd::v1::SubmitPortRequest submit;
  submit.set_request_id("r1");
  submit.set_msisdn("13800138000");
  submit.set_auth_code("123456");
  *submit.mutable_applicant() = Person();
  submit.set_local_network("010");
  const auto entry = RequestStep(
      "/npd.v1.PortingService/SubmitPort",
      {.actor = "cucc", .principal = "spiffe://npd/carrier/cucc/selfservice"}, submit, "r1");
  EXPECT_EQ(entry.command(), "SubmitPort");
  EXPECT_EQ(entry.actor(), "cucc");
  EXPECT_EQ(entry.principal(), "spiffe://npd/carrier/cucc/selfservice");
  EXPECT_EQ(entry.request_id(), "r1");
  npd::v1::SubmitPortRequest kept;
  ASSERT_TRUE(kept.ParseFromString(entry.request().request()));
  EXPECT_EQ(kept.msisdn(), "13800138000");
  EXPECT_EQ(kept.local_network(), "010");
  EXPECT_TRUE(kept.auth_code().empty());
  EXPECT_FALSE(kept.has_applicant());
  EXPECT_EQ(submit.auth_code(), "123456");  // the caller's request is untouched

  npd::v1::ClaimRefundRequest claim;
  claim.set_refund_id("R000000000001");
  *claim.mutable_claimant() = Person();
  claim.mutable_payee()->set_kind(npd::v1::PAYEE_KIND_BANK_CARD);
  claim.mutable_payee()->set_account("6222020200112233446");
  claim.mutable_payee()->set_holder_name("Zhang San");
  const auto claimed = RequestStep(
      "/npd.v1.RefundService/ClaimRefund",
      {.actor = "operator", .operator_name = "alice", .principal = "spiffe://npd/operator/alice"},
      claim, "c1");
  EXPECT_EQ(claimed.operator_name(), "alice");
  npd::v1::ClaimRefundRequest kept_claim;
  ASSERT_TRUE(kept_claim.ParseFromString(claimed.request().request()));
  EXPECT_FALSE(kept_claim.has_claimant());
  // The account is sealed into the case instead (a side effect of the claim); only its kind stays.
  EXPECT_EQ(kept_claim.payee().kind(), npd::v1::PAYEE_KIND_BANK_CARD);
  EXPECT_TRUE(kept_claim.payee().account().empty());
  EXPECT_TRUE(kept_claim.payee().holder_name().empty());
  EXPECT_EQ(claim.payee().account(), "6222020200112233446");  // the caller's request is untouched
}

TEST(JournalTest, SideEffectsAreRecordedLiveAndReturnedInReplay) {
  auto store = storage::NewMemoryStore();
  Staged batch;
  std::map<std::string, uint64_t> cursors;
  Txn live(*store, batch, cursors, absl::FromUnixSeconds(1000));
  live.SetStep(TimerStep(npd::store::v1::TimerRecord()));
  int computed = 0;
  auto value = live.SideEffect("hash", [&] {
    ++computed;
    return std::string("h1");
  });
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "h1");
  std::move(live).MergeInto(batch);
  ASSERT_EQ(batch.journal.size(), 1u);
  const npd::store::v1::JournalEntry recorded = batch.journal[0];
  EXPECT_EQ(recorded.sequence(), 1u);
  EXPECT_EQ(recorded.first_event_sequence(), 1u);
  ASSERT_EQ(recorded.side_effects_size(), 1);
  EXPECT_EQ(recorded.side_effects(0).value(), "h1");

  Staged other;
  Txn replay(*store, other, cursors, absl::FromUnixSeconds(1000));
  replay.ReplayFrom(recorded);
  replay.SetStep(recorded);
  value = replay.SideEffect("hash", [&] {
    ++computed;
    return std::string("different");
  });
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "h1");
  EXPECT_EQ(computed, 1);
  // Asking for more than was recorded, or by another name, is a divergence.
  auto extra = replay.SideEffect("hash", [] { return std::string(); });
  EXPECT_TRUE(absl::IsInternal(extra.status()));
  EXPECT_THAT(std::string(extra.status().message()), HasSubstr("no side effect 'hash'"));
}

TEST(JournalTest, ATimerAddedAndRemovedInOneBatchCancelsOut) {
  auto store = storage::NewMemoryStore();
  Staged batch;
  std::map<std::string, uint64_t> cursors;
  npd::store::v1::TimerRecord timer;
  timer.set_kind(npd::store::v1::TIMER_KIND_DONOR_DEADLINE);
  timer.set_msisdn("13800138000");
  timer.set_port_id("P000000000001");
  timer.mutable_due_at()->set_seconds(5000);
  {
    Txn add(*store, batch, cursors, absl::FromUnixSeconds(1000));
    add.AddTimer(timer);
    std::move(add).MergeInto(batch);
  }
  ASSERT_EQ(batch.timers_added.size(), 1u);
  {
    Txn remove(*store, batch, cursors, absl::FromUnixSeconds(1000));
    remove.RemoveTimer(timer);
    std::move(remove).MergeInto(batch);
  }
  EXPECT_THAT(batch.timers_added, IsEmpty());
  EXPECT_EQ(batch.timers_removed.size(), 1u);
  {
    Txn again(*store, batch, cursors, absl::FromUnixSeconds(1000));
    again.AddTimer(timer);
    std::move(again).MergeInto(batch);
  }
  EXPECT_EQ(batch.timers_added.size(), 1u);
  EXPECT_THAT(batch.timers_removed, IsEmpty());
}

TEST(JournalTest, PoliciesSurviveTheirRecords) {
  core::PortPolicy port;
  port.auth_code_ttl = absl::Minutes(7);
  port.max_failed_code_attempts = 3;
  port.donor_timeout = core::DonorTimeoutPolicy::kDeemedConsent;
  port.cutover.mode = core::CutoverPolicy::Mode::kWindow;
  port.cutover.window_start = absl::Hours(1);
  port.cutover.window_end = absl::Hours(5);
  port.blackout.last_days_of_month = 2;
  port.ack_resends = 4;
  port.rule_version = "v9";
  const core::PortPolicy back = core::FromRecord(core::ToRecord(port));
  EXPECT_EQ(back.auth_code_ttl, port.auth_code_ttl);
  EXPECT_EQ(back.max_failed_code_attempts, 3);
  EXPECT_EQ(back.donor_timeout, core::DonorTimeoutPolicy::kDeemedConsent);
  EXPECT_EQ(back.cutover.mode, core::CutoverPolicy::Mode::kWindow);
  EXPECT_EQ(back.cutover.window_end, absl::Hours(5));
  EXPECT_EQ(back.blackout.last_days_of_month, 2);
  EXPECT_EQ(back.ack_resends, 4);
  EXPECT_EQ(back.rule_version, "v9");
  EXPECT_EQ(back.stale_after, port.stale_after);
  core::RefundPolicy refund;
  refund.max_attempts = 11;
  refund.retry_max = absl::Seconds(42);
  const core::RefundPolicy refund_back = core::FromRecord(core::ToRecord(refund));
  EXPECT_EQ(refund_back.max_attempts, 11);
  EXPECT_EQ(refund_back.retry_max, absl::Seconds(42));
  EXPECT_EQ(refund_back.claim_window, refund.claim_window);
}

TEST(JournalTest, AnEntryWithoutInputOrWithAnUnknownMethodIsRefused) {
  auto store = storage::NewMemoryStore();
  Staged batch;
  std::map<std::string, uint64_t> cursors;
  EngineContext ctx;
  npd::store::v1::JournalEntry empty;
  empty.set_sequence(7);
  Txn txn(*store, batch, cursors, absl::FromUnixSeconds(1));
  EXPECT_TRUE(absl::IsInvalidArgument(ReplayStep(txn, ctx, empty)));
  npd::store::v1::JournalEntry unknown;
  unknown.mutable_request()->set_method("/npd.v1.PortingService/Nope");
  absl::Status s = ReplayStep(txn, ctx, unknown);
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_THAT(std::string(s.message()), HasSubstr("Nope"));
}

// Found by fuzz_journal (tests/fuzz/regressions/fuzz_journal/feed-pruned-beyond-head): a damaged
// entry pruning the feed beyond its head left a store whose first retained sequence lay past it.
TEST(JournalTest, AFeedPruneBeyondTheHeadIsDataLossAndChangesNothing) {
  auto store = storage::NewMemoryStore();
  Staged batch;
  std::map<std::string, uint64_t> cursors;
  EngineContext ctx;
  Txn txn(*store, batch, cursors, absl::FromUnixSeconds(1));
  npd::store::v1::JournalEntry prune = FeedPruneStep(56);
  prune.set_sequence(3);
  absl::Status s = ReplayStep(txn, ctx, prune);
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("beyond its head 0"));
  EXPECT_EQ(txn.FirstRetainedFeedSequence(), 1u);
  // Up to the head + 1 (everything there is) is what npd itself prunes.
  EXPECT_TRUE(ReplayStep(txn, ctx, FeedPruneStep(1)).ok());
}

// Found by fuzz_journal (tests/fuzz/regressions/fuzz_journal/nan-jitter): a step result whose
// retry jitter was NaN replayed into a different entry (NaN never equals itself).
TEST(JournalTest, AStepResultWithAJitterOutsideZeroToOneIsDataLoss) {
  auto store = storage::NewMemoryStore();
  Staged batch;
  std::map<std::string, uint64_t> cursors;
  EngineContext ctx;
  for (double jitter : {std::nan(""), -0.5, 1.0, 7.0}) {
    Txn txn(*store, batch, cursors, absl::FromUnixSeconds(1));
    npd::store::v1::JournalEntry result;
    result.set_sequence(9);
    result.mutable_step_result()->set_refund_id("R000000000001");
    result.mutable_step_result()->set_jitter(jitter);
    absl::Status s = ReplayStep(txn, ctx, result);
    EXPECT_TRUE(absl::IsDataLoss(s)) << jitter << ": " << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr("jitter"));
  }
}

}  // namespace
}  // namespace npd::engine
