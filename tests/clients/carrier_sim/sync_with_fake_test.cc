// Snapshot re-sync, the follower's re-sync path and the audit, against the in-process fake, which
// can produce what the real npd makes hard to set up on demand: a feed history pruned at a chosen
// point, a snapshot that ends early, planted mismatches. with_real_npd_test.cc covers them against
// npd.
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/carrier_sim/audit.h"
#include "clients/carrier_sim/feed_follower.h"
#include "clients/carrier_sim/snapshot_resync.h"
#include "clients/client/channel.h"
#include "clients/client/identity.h"
#include "tests/clients/carrier_sim/fake_sync_npd.h"
#include "tests/clients/npctl/npctl_process.h"
#include "tests/support/temp_dir.h"

namespace npd::carrier_sim {
namespace {

using ::testing::ElementsAre;
using testing::FakeSyncNpd;
using ::testing::HasSubstr;
using testing::SyncData;

npd::v1::RoutingEntry Entry(const std::string& msisdn, const std::string& serving) {
  npd::v1::RoutingEntry entry;
  entry.set_msisdn(msisdn);
  entry.set_serving_carrier(serving);
  entry.set_range_holder("cmcc");
  entry.set_port_id("P-" + msisdn);
  return entry;
}

npd::v1::RoutingChange Change(uint64_t sequence, const std::string& msisdn,
                              const std::string& serving) {
  npd::v1::RoutingChange change;
  change.set_sequence(sequence);
  change.set_msisdn(msisdn);
  change.set_serving_carrier(serving);
  change.set_previous_carrier("cmcc");
  change.set_range_holder("cmcc");
  change.set_kind(npd::v1::ROUTING_CHANGE_KIND_PORTED);
  return change;
}

// npd's data: three entries at feed position 5; history kept from 6 to 7.
SyncData Data() {
  SyncData data;
  data.entries = {Entry("13800138000", "cucc"), Entry("13800138001", "ctcc"),
                  Entry("13900139000", "cucc")};
  data.feed_sequence = 5;
  data.history = {Change(6, "13800138002", "ctcc"), Change(7, "13800138000", "ctcc")};
  return data;
}

std::vector<std::string> Msisdns(LocalNpDb& db) {
  std::vector<std::string> out;
  const std::vector<LocalEntry> entries = db.Entries().value();
  for (const auto& e : entries) out.push_back(e.msisdn + "=" + e.serving_carrier);
  return out;
}

class SyncWithFakeTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = std::move(LocalNpDb::Open(dir_.Sub("np.db")).value()); }
  // The fake npd speaks plaintext and reads the development header.
  std::shared_ptr<grpc::Channel> Channel(const FakeSyncNpd& npd, const std::string& carrier) {
    return client::CreateIdentityChannel(npd.address(), {.name = carrier}).value();
  }
  testing::TempDir dir_;
  std::unique_ptr<LocalNpDb> db_;
  const std::chrono::seconds timeout_{5};
};

TEST_F(SyncWithFakeTest, ResyncLoadsTheSnapshotAndConfirmsItsPosition) {
  FakeSyncNpd npd(Data());
  npd::v1::RoutingChange stale = Change(1, "13700137000", "cucc");
  ASSERT_TRUE(db_->Apply(stale).ok());
  auto result = ResyncFromSnapshot(Channel(npd, "ctcc"), "ctcc", *db_, timeout_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->feed_sequence, 5u);
  EXPECT_EQ(result->entries, 3u);
  EXPECT_TRUE(result->confirm.ok());
  EXPECT_EQ(db_->Position().value(), 5u);
  EXPECT_THAT(Msisdns(*db_),
              ElementsAre("13800138000=cucc", "13800138001=ctcc", "13900139000=cucc"));
  ASSERT_EQ(npd.confirms().size(), 1u);
  EXPECT_EQ(npd.confirms()[0].sequence(), 5u);
  EXPECT_FALSE(npd.confirms()[0].request_id().empty());
  EXPECT_THAT(npd.callers(), ElementsAre("spiffe://npd/carrier/ctcc", "spiffe://npd/carrier/ctcc"));
  const auto log = db_->AppliedLog().value();
  EXPECT_EQ(log.back().kind, LogKind::kResync);
  EXPECT_TRUE(VerifyAppliedLog(log).ok());
}

TEST_F(SyncWithFakeTest, AnIncompleteSnapshotLeavesTheDatabaseUntouched) {
  SyncData data = Data();
  data.trailer_count_override = 4;
  FakeSyncNpd npd(data);
  ASSERT_TRUE(db_->Apply(Change(1, "13700137000", "cucc")).ok());
  auto result = ResyncFromSnapshot(Channel(npd, "ctcc"), "ctcc", *db_, timeout_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(db_->Position().value(), 1u);
  EXPECT_THAT(Msisdns(*db_), ElementsAre("13700137000=cucc"));
  EXPECT_TRUE(npd.confirms().empty());
}

TEST_F(SyncWithFakeTest, AFollowerBehindTheHistoryResyncsThenFollowsTheRest) {
  FakeSyncNpd npd(Data());
  FeedOptions options;
  options.auto_resync = true;
  options.confirm_interval = std::chrono::milliseconds(20);
  FeedFollower follower(Channel(npd, "ctcc"), "ctcc", *db_, options);
  absl::Status result;
  std::thread run([&] { result = follower.Run(); });
  for (int i = 0; i < 200 && follower.stats().confirmed < 7; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  follower.Stop();
  run.join();
  EXPECT_TRUE(result.ok()) << result;
  EXPECT_EQ(db_->Position().value(), 7u);
  EXPECT_THAT(Msisdns(*db_), ElementsAre("13800138000=ctcc", "13800138001=ctcc", "13800138002=ctcc",
                                         "13900139000=cucc"));
  EXPECT_THAT(npd.subscribe_froms(), ElementsAre(1, 6));
  EXPECT_EQ(follower.stats().resyncs, 1u);
  EXPECT_EQ(follower.stats().applied, 2u);
  ASSERT_FALSE(npd.confirms().empty());
  EXPECT_EQ(npd.confirms().front().sequence(), 5u);
  EXPECT_EQ(npd.confirms().back().sequence(), 7u);
  EXPECT_TRUE(VerifyAppliedLog(db_->AppliedLog().value()).ok());
}

TEST_F(SyncWithFakeTest, WithoutAutoResyncAFollowerBehindTheHistoryStops) {
  FakeSyncNpd npd(Data());
  FeedFollower follower(Channel(npd, "ctcc"), "ctcc", *db_, FeedOptions());
  const absl::Status result = follower.Run();
  EXPECT_EQ(result.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(result.message()), HasSubstr("npd-carrier-sim resync"));
  EXPECT_EQ(db_->Position().value(), 0u);
}

TEST_F(SyncWithFakeTest, AHeartbeatReportingALowerConfirmedPositionGetsItConfirmedAgain) {
  SyncData data;
  data.history = {Change(1, "13800138000", "cucc"), Change(2, "13800138001", "ctcc")};
  data.heartbeat_confirmed = 1;  // npd lost track of our confirmation of 2
  FakeSyncNpd npd(data);
  FeedOptions options;
  options.confirm_interval = std::chrono::seconds(10);  // only heartbeats and confirm_every
  options.confirm_every = 2;
  FeedFollower follower(Channel(npd, "cucc"), "cucc", *db_, options);
  absl::Status result;
  std::thread run([&] { result = follower.Run(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // ~8 heartbeats
  follower.Stop();
  run.join();
  EXPECT_TRUE(result.ok()) << result;
  const auto confirms = npd.confirms();
  ASSERT_GE(confirms.size(), 3u);
  for (const auto& confirm : confirms) EXPECT_EQ(confirm.sequence(), 2u);
  EXPECT_NE(confirms[0].request_id(), confirms[1].request_id());
}

class AuditWithFakeTest : public SyncWithFakeTest {
 protected:
  // Local copy at position 5: 13800138000 right, 13800138001 wrong (cucc instead of ctcc),
  // 13900139000 missing, and 13500135000 extra.
  void SetUp() override {
    SyncWithFakeTest::SetUp();
    ASSERT_TRUE(
        db_->ReplaceFromSnapshot(5, {Entry("13800138000", "cucc"), Entry("13800138001", "cucc"),
                                     Entry("13500135000", "ctcc")})
            .ok());
  }
};

TEST_F(AuditWithFakeTest, FindsWrongMissingAndExtraEntriesAndRepairFixesThem) {
  FakeSyncNpd npd(Data());
  auto report = RunAudit(Channel(npd, "cucc"), "cucc", *db_, /*repair=*/false, timeout_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->clean());
  EXPECT_EQ(report->blocks_compared, 3u);
  std::vector<std::string> blocks;
  for (const auto& m : report->mismatches) blocks.push_back(m.block());
  EXPECT_THAT(blocks, ElementsAre("1350013", "1380013", "1390013"));
  std::vector<std::string> lines;
  for (const auto& d : report->differences) lines.push_back(DifferenceLine(d));
  EXPECT_THAT(lines, ElementsAre("13500135000  local ctcc  npd - (range holder cmcc)",
                                 "13800138001  local cucc  npd ctcc (range holder cmcc, port "
                                 "P-13800138001)",
                                 "13900139000  local -  npd cucc (range holder cmcc, port "
                                 "P-13900139000)"));
  EXPECT_FALSE(report->repaired);
  EXPECT_EQ(db_->Entries().value().size(), 3u);

  auto repaired = RunAudit(Channel(npd, "cucc"), "cucc", *db_, /*repair=*/true, timeout_);
  ASSERT_TRUE(repaired.ok());
  EXPECT_TRUE(repaired->repaired);
  EXPECT_THAT(Msisdns(*db_),
              ElementsAre("13800138000=cucc", "13800138001=ctcc", "13900139000=cucc"));
  EXPECT_EQ(db_->Position().value(), 5u);
  auto after = RunAudit(Channel(npd, "cucc"), "cucc", *db_, /*repair=*/false, timeout_);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->clean());
}

TEST_F(AuditWithFakeTest, SplitsTheCompareByScopeAndFindsTheSameBlocks) {
  FakeSyncNpd npd(Data());
  auto report = RunAudit(Channel(npd, "cucc"), "cucc", *db_, false, timeout_, /*max_blocks=*/1);
  ASSERT_TRUE(report.ok()) << report.status();
  std::vector<std::string> blocks;
  for (const auto& m : report->mismatches) blocks.push_back(m.block());
  EXPECT_THAT(blocks, ElementsAre("1350013", "1380013", "1390013"));
  EXPECT_EQ(report->differences.size(), 3u);
}

TEST_F(AuditWithFakeTest, TheCommandLineExitsThreeOnDifferencesAndZeroWhenClean) {
  FakeSyncNpd npd(Data());
  db_.reset();  // the process opens the file itself
  const std::vector<std::string> global = {"--server", npd.address(), "--carrier",
                                           "cucc",     "--db",        dir_.Sub("np.db")};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), global.begin(), global.end());
    return testing::RunNpctl(SIM_BINARY, args);
  };
  const testing::NpctlResult audit = with({"audit"});
  EXPECT_EQ(audit.exit_code, 3) << audit.err;
  EXPECT_THAT(audit.out, HasSubstr("13800138001  local cucc  npd ctcc"));
  EXPECT_THAT(audit.out, HasSubstr("3 differences\n"));
  const testing::NpctlResult json = with({"audit", "--json"});
  EXPECT_EQ(json.exit_code, 3);
  EXPECT_THAT(json.out, HasSubstr("\"msisdn\":\"13900139000\""));
  EXPECT_THAT(json.out, HasSubstr("\"differences\":3,\"repaired\":false}"));
  EXPECT_EQ(with({"audit", "--repair"}).exit_code, 3);
  const testing::NpctlResult clean = with({"audit"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_THAT(clean.out, HasSubstr("clean"));
  const testing::NpctlResult resync = with({"resync"});
  EXPECT_EQ(resync.exit_code, 0) << resync.err;
  EXPECT_EQ(resync.out, "re-synced: 3 entries, position 5\n");
}

TEST_F(AuditWithFakeTest, AnUnreachableNpdIsAnError) {
  auto report = RunAudit(client::CreateIdentityChannel("127.0.0.1:1", {.name = "cucc"}).value(),
                         "cucc", *db_, false, std::chrono::seconds(2));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(report.status().message()), HasSubstr("CompareBlocks"));
}

}  // namespace
}  // namespace npd::carrier_sim
