// The single writer on the in-memory store: group commit, all-or-nothing batches, back-pressure,
// stop, and timers that survive a storage failure.
#include "daemon/engine/engine.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/engine/handlers.h"
#include "daemon/engine/journal.h"
#include "storage/memory_store.h"
#include "tests/support/npd_client.h"
#include "tests/support/plan_files.h"

namespace npd::engine {
namespace {

using npd::v1::IssueAuthCodeRequest;
using npd::v1::IssueAuthCodeResponse;

// Forwards to an in-memory store, counts commits and can make each one slow (like an fsync).
class CountingStore final : public storage::Store {
 public:
  CountingStore() : inner_(storage::NewMemoryStore()) {}
  storage::Store& inner() { return *inner_; }
  std::atomic<int> commits{0};
  std::atomic<int> commit_delay_ms{0};

  absl::StatusOr<std::optional<npd::store::v1::NumberRecord>> GetNumber(
      std::string_view m) override {
    return inner_->GetNumber(m);
  }
  absl::StatusOr<std::optional<npd::store::v1::PortRecord>> GetPort(std::string_view p) override {
    return inner_->GetPort(p);
  }
  absl::StatusOr<std::optional<npd::store::v1::IdempotencyRecord>> GetIdempotency(
      std::string_view k) override {
    return inner_->GetIdempotency(k);
  }
  absl::StatusOr<storage::PortPage> ListPorts(const storage::PortQuery& q) override {
    return inner_->ListPorts(q);
  }
  absl::StatusOr<std::vector<npd::v1::RoutingChange>> ReadFeed(uint64_t from, size_t max) override {
    return inner_->ReadFeed(from, max);
  }
  absl::StatusOr<std::vector<npd::store::v1::EventRecord>> ReadHistory(std::string_view m,
                                                                       uint64_t after,
                                                                       size_t max) override {
    return inner_->ReadHistory(m, after, max);
  }
  absl::StatusOr<std::vector<storage::AwaitingEntry>> ReadAwaiting(uint64_t after, uint64_t up_to,
                                                                   size_t max) override {
    return inner_->ReadAwaiting(after, up_to, max);
  }
  absl::StatusOr<std::optional<npd::store::v1::RefundRecord>> GetRefund(
      std::string_view r) override {
    return inner_->GetRefund(r);
  }
  absl::StatusOr<storage::RefundPage> ListRefunds(const storage::RefundQuery& q) override {
    return inner_->ListRefunds(q);
  }
  absl::StatusOr<std::optional<npd::store::v1::OutboxRecord>> GetOutbox(
      std::string_view r) override {
    return inner_->GetOutbox(r);
  }
  absl::StatusOr<std::vector<npd::store::v1::OutboxRecord>> LoadOutbox() override {
    return inner_->LoadOutbox();
  }
  absl::StatusOr<std::vector<npd::store::v1::TimerRecord>> LoadTimers() override {
    return inner_->LoadTimers();
  }
  absl::StatusOr<std::vector<npd::store::v1::JournalEntry>> ReadJournal(uint64_t after,
                                                                        size_t max) override {
    return inner_->ReadJournal(after, max);
  }
  absl::Status ScanTable(std::string_view table, const storage::TableVisitor& visit) override {
    return inner_->ScanTable(table, visit);
  }
  absl::StatusOr<npd::store::v1::Counters> LoadCounters() override {
    return inner_->LoadCounters();
  }
  absl::StatusOr<std::vector<npd::store::v1::FeedCursor>> LoadCursors() override {
    return inner_->LoadCursors();
  }
  absl::Status Commit(const storage::WriteSet& batch) override {
    ++commits;
    if (commit_delay_ms > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(commit_delay_ms));
    return inner_->Commit(batch);
  }
  absl::StatusOr<std::unique_ptr<storage::StoreSnapshot>> Snapshot() override {
    return inner_->Snapshot();
  }
  absl::StatusOr<npd::store::v1::Counters> CreateCheckpoint(const std::string& dir) override {
    return inner_->CreateCheckpoint(dir);
  }

 private:
  std::unique_ptr<storage::Store> inner_;
};

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() : plan_(testing::ShippedPlan(NPD_DATA_DIR)), hasher_("engine-test") {}

  void StartEngine(EngineOptions options = {}) {
    options.timer_retry = absl::Milliseconds(50);
    EngineContext context{.plan = &plan_, .hasher = &hasher_, .carrier_ids = plan_.CarrierIds()};
    context.policy.cutover.mode = core::CutoverPolicy::Mode::kImmediate;
    engine_ = std::make_unique<Engine>(store_, std::move(context), options, clock_);
    ASSERT_TRUE(engine_->Start().ok());
  }
  void TearDown() override {
    if (engine_) engine_->Stop();
  }

  // Posts an IssueAuthCode and returns a future of its outcome.
  std::future<absl::StatusOr<IssueAuthCodeResponse>> Issue(const std::string& msisdn,
                                                           const std::string& request_id) {
    IssueAuthCodeRequest request;
    request.set_request_id(request_id);
    request.set_msisdn(msisdn);
    *request.mutable_holder() = testing::Holder();
    auto promise = std::make_shared<std::promise<absl::StatusOr<IssueAuthCodeResponse>>>();
    auto future = promise->get_future();
    engine_->Post(std::make_unique<RequestCommand<IssueAuthCodeRequest, IssueAuthCodeResponse>>(
        "/npd.v1.PortingService/IssueAuthCode",
        RequestCaller{.actor = "cmcc", .principal = "spiffe://npd/carrier/cmcc"}, request,
        &HandleIssueAuthCode, &RedactAuthCode,
        [promise](absl::Status status, IssueAuthCodeResponse&& response) {
          if (status.ok()) {
            promise->set_value(std::move(response));
          } else {
            promise->set_value(status);
          }
        }));
    return future;
  }

  core::NumberPlan plan_;
  core::IdentityHasher hasher_;
  CountingStore store_;
  OffsetClock clock_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineTest, CommandsArrivingDuringAnFsyncShareTheNextBatch) {
  StartEngine();
  store_.commit_delay_ms = 30;
  std::vector<std::future<absl::StatusOr<IssueAuthCodeResponse>>> outcomes;
  for (int i = 0; i < 60; ++i) {
    outcomes.push_back(Issue(absl::StrFormat("1380013%04d", i), absl::StrCat("r", i)));
  }
  for (auto& f : outcomes) {
    auto r = f.get();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(r->issued());
  }
  EXPECT_LT(store_.commits.load(), 30) << "60 commands should need far fewer than 60 fsyncs";
}

TEST_F(EngineTest, FailedCommitFailsEveryCommandOfTheBatchAndWritesNothing) {
  StartEngine();
  storage::FailNextCommits(store_.inner(), 1);
  auto failed = Issue("13800138000", "same-id").get();
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  auto number = store_.GetNumber("13800138000");
  ASSERT_TRUE(number.ok());
  EXPECT_FALSE(number->has_value());
  // The request id was not recorded, and the in-memory counters did not advance.
  auto retried = Issue("13800138000", "same-id").get();
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_TRUE(retried->issued());
  EXPECT_FALSE(retried->code().empty()) << "a first success, not a replay";
  auto history = store_.ReadHistory("13800138000", 0, 100);
  ASSERT_TRUE(history.ok());
  ASSERT_FALSE(history->empty());
  EXPECT_EQ(history->front().sequence(), 1u);
}

TEST_F(EngineTest, ACommandThatWritesWithoutAJournalStepIsRefused) {
  StartEngine();
  auto post = [&](bool declare_step) {
    auto promise = std::make_shared<std::promise<absl::Status>>();
    auto future = promise->get_future();
    engine_->Post(std::make_unique<InternalCommand>(
        [declare_step](Txn& txn, const EngineContext&) {
          if (declare_step) txn.SetStep(FeedPruneStep(1));
          npd::store::v1::NumberRecord number;
          number.set_msisdn("13800138000");
          number.set_serving_carrier("cucc");
          txn.PutNumber(number);
          return absl::OkStatus();
        },
        [promise](absl::Status status) { promise->set_value(status); }));
    return future.get();
  };
  absl::Status refused = post(false);
  EXPECT_TRUE(absl::IsInternal(refused)) << refused;
  EXPECT_EQ(store_.GetNumber("13800138000").value(), std::nullopt);
  EXPECT_TRUE(post(true).ok());
  EXPECT_NE(store_.GetNumber("13800138000").value(), std::nullopt);
}

TEST_F(EngineTest, CommandsAreAnsweredOffTheWriterThreadInCommitOrderAndAllBeforeStopReturns) {
  StartEngine({.max_batch = 4});
  store_.commit_delay_ms = 5;
  std::mutex mu;
  std::vector<int> finished;
  std::set<std::thread::id> executed_on, finished_on;
  constexpr int kCommands = 40;
  for (int i = 0; i < kCommands; ++i) {
    engine_->Post(std::make_unique<InternalCommand>(
        [&, i](Txn& txn, const EngineContext&) {
          txn.SetStep(FeedPruneStep(1));
          npd::store::v1::NumberRecord number;
          number.set_msisdn(absl::StrFormat("1380013%04d", i));
          number.set_serving_carrier("cucc");
          txn.PutNumber(number);
          std::lock_guard lock(mu);
          executed_on.insert(std::this_thread::get_id());
          return absl::OkStatus();
        },
        [&, i](absl::Status status) {
          EXPECT_TRUE(status.ok()) << status;
          // Answered only once durable.
          EXPECT_NE(store_.GetNumber(absl::StrFormat("1380013%04d", i)).value(), std::nullopt);
          std::lock_guard lock(mu);
          finished.push_back(i);
          finished_on.insert(std::this_thread::get_id());
        }));
  }
  engine_->Stop();
  std::lock_guard lock(mu);
  ASSERT_EQ(finished.size(), static_cast<size_t>(kCommands)) << "Stop answers every command";
  EXPECT_TRUE(std::is_sorted(finished.begin(), finished.end())) << "in commit order";
  ASSERT_EQ(executed_on.size(), 1u);
  ASSERT_EQ(finished_on.size(), 1u);
  EXPECT_NE(*executed_on.begin(), *finished_on.begin()) << "answered off the writer thread";
}

TEST_F(EngineTest, ForegroundCommandsGoFirstAndBackgroundOnesStillGetAShareOfEveryBatch) {
  StartEngine({.max_batch = 8});
  store_.commit_delay_ms = 30;
  std::mutex mu;
  std::vector<std::string> finished;  // "f3", "b17", in the order answered
  std::vector<std::future<void>> all;
  std::promise<void> first_executing;
  auto post = [&](const std::string& name, Engine::Lane lane) {
    auto promise = std::make_shared<std::promise<void>>();
    all.push_back(promise->get_future());
    engine_->Post(std::make_unique<InternalCommand>(
                      [name, &first_executing](Txn& txn, const EngineContext&) {
                        if (name == "b0") first_executing.set_value();
                        txn.SetStep(FeedPruneStep(1));
                        npd::store::v1::NumberRecord number;
                        number.set_msisdn(absl::StrCat("1380013", name.size() == 2 ? "000" : "00",
                                                       name.substr(1)));
                        number.set_serving_carrier(name[0] == 'f' ? "cucc" : "ctcc");
                        txn.PutNumber(number);
                        return absl::OkStatus();
                      },
                      [&, name, promise](absl::Status status) {
                        EXPECT_TRUE(status.ok()) << status;
                        std::lock_guard lock(mu);
                        finished.push_back(name);
                        promise->set_value();
                      }),
                  lane);
  };
  // The first command occupies the writer (a 30 ms commit) while the rest queue up behind it.
  post("b0", Engine::Lane::kBackground);
  first_executing.get_future().wait();
  for (int i = 1; i < 40; ++i) post(absl::StrCat("b", i), Engine::Lane::kBackground);
  for (int i = 0; i < 14; ++i) post(absl::StrCat("f", i), Engine::Lane::kForeground);
  for (auto& f : all) f.wait();
  std::lock_guard lock(mu);
  ASSERT_EQ(finished.size(), 54u) << "every command is answered, background ones too";
  // Batch 1: b0. Batches 2 and 3: one background command and seven foreground ones each.
  const std::vector<std::string> first(finished.begin(), finished.begin() + 17);
  EXPECT_THAT(first, ::testing::ElementsAre("b0", "b1", "f0", "f1", "f2", "f3", "f4", "f5", "f6",
                                            "b2", "f7", "f8", "f9", "f10", "f11", "f12", "f13"));
}

TEST_F(EngineTest, FullQueueIsRefusedWithResourceExhausted) {
  StartEngine({.max_batch = 1, .queue_limit = 2});
  store_.commit_delay_ms = 100;
  std::vector<std::future<absl::StatusOr<IssueAuthCodeResponse>>> outcomes;
  for (int i = 0; i < 8; ++i) {
    outcomes.push_back(Issue(absl::StrFormat("1380013%04d", i), absl::StrCat("q", i)));
  }
  int exhausted = 0, ok = 0;
  for (auto& f : outcomes) {
    auto r = f.get();
    if (r.ok()) ++ok;
    if (r.status().code() == absl::StatusCode::kResourceExhausted) ++exhausted;
  }
  EXPECT_GT(exhausted, 0);
  EXPECT_GT(ok, 0);
  EXPECT_EQ(ok + exhausted, 8);
}

TEST_F(EngineTest, StoppedEngineRefusesWithUnavailable) {
  StartEngine();
  engine_->Stop();
  auto r = Issue("13800138000", "late").get();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(EngineTest, TimerIsRetriedAfterAStorageFailure) {
  StartEngine();
  auto issued = Issue("13800138000", "t1").get();
  ASSERT_TRUE(issued.ok());
  storage::FailNextCommits(store_.inner(), 2);
  clock_.Advance(absl::Minutes(61));
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  npd::store::v1::AuthCodeState state = npd::store::v1::AUTH_CODE_STATE_ACTIVE;
  while (std::chrono::steady_clock::now() < until) {
    auto number = store_.GetNumber("13800138000");
    ASSERT_TRUE(number.ok());
    state = (*number)->auth_code().state();
    if (state == npd::store::v1::AUTH_CODE_STATE_EXPIRED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(state, npd::store::v1::AUTH_CODE_STATE_EXPIRED);
  auto timers = store_.LoadTimers();
  ASSERT_TRUE(timers.ok());
  EXPECT_TRUE(timers->empty()) << "the fired timer is removed from the index";
}

}  // namespace
}  // namespace npd::engine
