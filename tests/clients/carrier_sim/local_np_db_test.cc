// The local NP database's transaction rules, on a real SQLite file in a temp dir.
#include "clients/carrier_sim/local_np_db.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace npd::carrier_sim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

npd::v1::RoutingChange Change(uint64_t sequence, const std::string& msisdn,
                              const std::string& serving, const std::string& holder = "cmcc",
                              uint64_t resend_of = 0) {
  npd::v1::RoutingChange change;
  change.set_sequence(sequence);
  change.set_msisdn(msisdn);
  change.set_serving_carrier(serving);
  change.set_range_holder(holder);
  change.set_port_id("P" + std::to_string(sequence));
  change.set_kind(npd::v1::ROUTING_CHANGE_KIND_PORTED);
  change.set_resend_of(resend_of);
  return change;
}

npd::v1::RoutingEntry Entry(const std::string& msisdn, const std::string& serving,
                            const std::string& holder = "cmcc") {
  npd::v1::RoutingEntry entry;
  entry.set_msisdn(msisdn);
  entry.set_serving_carrier(serving);
  entry.set_range_holder(holder);
  return entry;
}

class LocalNpDbTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    db_.reset();
    auto opened = LocalNpDb::Open(dir_.Sub("np.db"));
    ASSERT_TRUE(opened.ok()) << opened.status();
    db_ = std::move(*opened);
  }
  uint64_t Position() { return db_->Position().value(); }
  std::vector<LocalEntry> Entries() { return db_->Entries().value(); }
  std::vector<AppliedLogRow> Log() { return db_->AppliedLog().value(); }

  testing::TempDir dir_;
  std::unique_ptr<LocalNpDb> db_;
};

TEST_F(LocalNpDbTest, ANewDatabaseIsEmptyAtPositionZero) {
  EXPECT_EQ(Position(), 0u);
  EXPECT_TRUE(Entries().empty());
  EXPECT_TRUE(Log().empty());
}

TEST_F(LocalNpDbTest, AppliesChangesInOrderAndSurvivesReopening) {
  ASSERT_TRUE(db_->Apply(Change(1, "13800138000", "cucc")).ok());
  ASSERT_TRUE(db_->Apply(Change(2, "13800138001", "ctcc")).ok());
  Reopen();
  EXPECT_EQ(Position(), 2u);
  EXPECT_THAT(Entries(), ElementsAre(LocalEntry{"13800138000", "cucc", "cmcc", "", "P1", 1},
                                     LocalEntry{"13800138001", "ctcc", "cmcc", "", "P2", 2}));
  const auto log = Log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].sequence, 2u);
  EXPECT_EQ(log[1].msisdn, "13800138001");
  EXPECT_EQ(log[1].serving_carrier, "ctcc");
  EXPECT_TRUE(VerifyAppliedLog(log).ok());
}

TEST_F(LocalNpDbTest, AGapIsRefusedAndChangesNothing) {
  ASSERT_TRUE(db_->Apply(Change(1, "13800138000", "cucc")).ok());
  const absl::Status gap = db_->Apply(Change(3, "13800138001", "ctcc"));
  EXPECT_EQ(gap.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(gap.message()), HasSubstr("gap"));
  EXPECT_EQ(Position(), 1u);
  EXPECT_EQ(Entries().size(), 1u);
  EXPECT_EQ(Log().size(), 1u);
}

TEST_F(LocalNpDbTest, ADuplicateIsRefusedAndChangesNothing) {
  ASSERT_TRUE(db_->Apply(Change(1, "13800138000", "cucc")).ok());
  const absl::Status duplicate = db_->Apply(Change(1, "13800138000", "ctcc"));
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(duplicate.message()), HasSubstr("duplicate"));
  EXPECT_EQ(Entries()[0].serving_carrier, "cucc");
  EXPECT_EQ(Log().size(), 1u);
}

TEST_F(LocalNpDbTest, AResendIsAppliedAgainAndLogged) {
  ASSERT_TRUE(db_->Apply(Change(1, "13800138000", "cucc")).ok());
  ASSERT_TRUE(db_->Apply(Change(2, "13800138000", "cucc", "cmcc", /*resend_of=*/1)).ok());
  EXPECT_EQ(Position(), 2u);
  ASSERT_EQ(Entries().size(), 1u);
  EXPECT_EQ(Entries()[0].serving_carrier, "cucc");
  EXPECT_EQ(Entries()[0].sequence, 2u);
  const auto log = Log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].resend_of, 1u);
  EXPECT_TRUE(VerifyAppliedLog(log).ok());
}

TEST_F(LocalNpDbTest, AReturnOrAPortBackToTheRangeHolderDeletesTheEntry) {
  ASSERT_TRUE(db_->Apply(Change(1, "13800138000", "cucc")).ok());
  ASSERT_TRUE(db_->Apply(Change(2, "13800138001", "ctcc")).ok());
  npd::v1::RoutingChange returned = Change(3, "13800138000", "cmcc");
  returned.set_kind(npd::v1::ROUTING_CHANGE_KIND_RETURNED);
  ASSERT_TRUE(db_->Apply(returned).ok());
  ASSERT_TRUE(db_->Apply(Change(4, "13800138001", "cmcc")).ok());  // ported back
  EXPECT_TRUE(Entries().empty());
  const auto log = Log();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[2].kind, LogKind::kReturned);
  EXPECT_EQ(log[3].kind, LogKind::kReturned);
  EXPECT_EQ(log[2].serving_carrier, "cmcc");
}

TEST_F(LocalNpDbTest, AnIncompleteChangeIsRefused) {
  npd::v1::RoutingChange change = Change(1, "13800138000", "cucc");
  change.clear_range_holder();
  EXPECT_EQ(db_->Apply(change).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Position(), 0u);
}

TEST_F(LocalNpDbTest, ASnapshotReplacesEverythingAndTheFeedContinuesAfterIt) {
  ASSERT_TRUE(db_->Apply(Change(1, "13800138000", "cucc")).ok());
  ASSERT_TRUE(
      db_->ReplaceFromSnapshot(40, {Entry("13800138005", "ctcc"), Entry("13800138006", "cmcc")})
          .ok());
  EXPECT_EQ(Position(), 40u);
  // The entry routed to its range holder is not kept.
  EXPECT_THAT(Entries(), ElementsAre(LocalEntry{"13800138005", "ctcc", "cmcc", "", "", 40}));
  EXPECT_EQ(db_->Apply(Change(2, "13800138001", "ctcc")).code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(db_->Apply(Change(41, "13800138001", "ctcc")).ok());
  const auto log = Log();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[1].kind, LogKind::kResync);
  EXPECT_EQ(log[1].sequence, 40u);
  EXPECT_TRUE(VerifyAppliedLog(log).ok());
}

TEST_F(LocalNpDbTest, ASnapshotWithADuplicateNumberIsRefused) {
  ASSERT_TRUE(db_->Apply(Change(1, "13800138000", "cucc")).ok());
  EXPECT_EQ(
      db_->ReplaceFromSnapshot(9, {Entry("13800138005", "ctcc"), Entry("13800138005", "cucc")})
          .code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Position(), 1u);
  EXPECT_EQ(Entries().size(), 1u);
}

TEST_F(LocalNpDbTest, RepairSetsAndDeletesEntriesWithoutMovingThePosition) {
  ASSERT_TRUE(db_->Apply(Change(1, "13800138000", "cucc")).ok());
  ASSERT_TRUE(db_->Repair({Entry("13800138000", "cmcc"), Entry("13800138009", "ctcc")}).ok());
  EXPECT_EQ(Position(), 1u);
  EXPECT_THAT(Entries(), ElementsAre(LocalEntry{"13800138009", "ctcc", "cmcc", "", "", 1}));
  const auto log = Log();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[2].kind, LogKind::kRepair);
  EXPECT_TRUE(VerifyAppliedLog(log).ok());
}

TEST_F(LocalNpDbTest, EntriesFiltersByPrefix) {
  ASSERT_TRUE(db_->Apply(Change(1, "13800138000", "cucc")).ok());
  ASSERT_TRUE(db_->Apply(Change(2, "13900139000", "cucc")).ok());
  EXPECT_EQ(db_->Entries("1390013").value().size(), 1u);
  EXPECT_EQ(db_->Entries("%").value().size(), 0u);
}

TEST(VerifyAppliedLogTest, FindsGapsAndDuplicates) {
  auto row = [](int64_t id, LogKind kind, uint64_t sequence) {
    return AppliedLogRow{id, kind, sequence, "13800138000", "cucc", 0};
  };
  EXPECT_TRUE(VerifyAppliedLog({row(1, LogKind::kPorted, 1), row(2, LogKind::kRepair, 1),
                                row(3, LogKind::kResync, 7), row(4, LogKind::kReturned, 8)})
                  .ok());
  const absl::Status gap =
      VerifyAppliedLog({row(1, LogKind::kPorted, 1), row(2, LogKind::kPorted, 3)});
  EXPECT_EQ(gap.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(gap.message()), HasSubstr("gap at applied_log row 2"));
  const absl::Status duplicate =
      VerifyAppliedLog({row(1, LogKind::kPorted, 1), row(2, LogKind::kPorted, 1)});
  EXPECT_THAT(std::string(duplicate.message()), HasSubstr("duplicate"));
  EXPECT_FALSE(VerifyAppliedLog({row(1, LogKind::kPorted, 2)}).ok());
}

}  // namespace
}  // namespace npd::carrier_sim
