// Confirmation deadlines (T_ack), resend, PARTIAL_FAILURE and number return over real gRPC.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/service/npd_fixture.h"

namespace npd::testing {
namespace {

using ::testing::ElementsAre;

constexpr const char* kCarriers[] = {"cmcc", "ctcc", "cucc"};

class CarrierSyncTest : public NpdTest {
 protected:
  // Ports `msisdn` from cmcc to cucc and waits for the cutover; returns the port in CUTOVER.
  npd::v1::Port CutOver(const std::string& msisdn = kCmccNumber) {
    auto port = client().StartPort("cmcc", "cucc", msisdn, kBeijing);
    EXPECT_TRUE(client().Approve("cmcc", port.port_id()).ok());
    EXPECT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
    return Get(port.port_id());
  }

  npd::v1::Port Get(const std::string& port_id) {
    auto reply = client().GetPort("operator", port_id);
    EXPECT_TRUE(reply.ok()) << reply.status.error_message();
    return reply.response.port();
  }

  // Polls until the port's resend_count reaches `count`.
  bool WaitForResends(const std::string& port_id, int count) {
    for (int i = 0; i < 100; ++i) {
      if (Get(port_id).resend_count() >= count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // `carrier` confirms the feed up to the latest broadcast of `port_id` (and so everything before).
  void ConfirmAll(const std::string& carrier, const std::string& port_id) {
    const npd::v1::Port port = Get(port_id);
    const uint64_t upto = std::max(port.routing_sequence(), port.last_resend_sequence());
    ASSERT_GT(upto, 0u);
    auto reply = client().Confirm(carrier, upto);
    ASSERT_TRUE(reply.ok()) << reply.status.error_message();
  }
};

TEST_F(CarrierSyncTest, MissingConfirmationIsResentThenPartialFailureThenOperatorResendCompletes) {
  npd::v1::Port port = CutOver();
  ASSERT_THAT(port.pending_confirmations(), ElementsAre("cmcc", "ctcc", "cucc"));
  const uint64_t original = port.routing_sequence();
  ConfirmAll("cmcc", port.port_id());
  ConfirmAll("cucc", port.port_id());
  EXPECT_THAT(Get(port.port_id()).pending_confirmations(), ElementsAre("ctcc"));

  // T_ack passes: the change is resent once, as a new feed entry pointing at the original.
  clock_.Advance(absl::Minutes(15) + absl::Seconds(1));
  ASSERT_TRUE(WaitForResends(port.port_id(), 1));
  port = Get(port.port_id());
  EXPECT_EQ(port.state(), npd::v1::PORT_STATE_CUTOVER);
  ASSERT_GT(port.last_resend_sequence(), original);
  auto resent = client().ReadFeed("operator", port.last_resend_sequence(), 1, 5);
  ASSERT_EQ(resent.size(), 1u);
  EXPECT_EQ(resent[0].resend_of(), original);
  EXPECT_EQ(resent[0].msisdn(), port.msisdn());
  EXPECT_EQ(resent[0].serving_carrier(), "cucc");

  // T_ack passes again: PARTIAL_FAILURE, naming the carrier still missing.
  clock_.Advance(absl::Minutes(15) + absl::Seconds(1));
  ASSERT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_PARTIAL_FAILURE, 10));
  port = Get(port.port_id());
  EXPECT_THAT(port.pending_confirmations(), ElementsAre("ctcc"));
  EXPECT_THAT(port.confirmed_by(), ElementsAre("cmcc", "cucc"));
  auto lookup = client().Lookup("ctcc", port.msisdn());
  ASSERT_TRUE(lookup.ok());
  EXPECT_EQ(lookup.response.number().serving_carrier(), "cucc") << "the routing change stands";
  EXPECT_EQ(lookup.response.number().live_port_state(), npd::v1::PORT_STATE_PARTIAL_FAILURE);

  // Only the operator resends.
  EXPECT_EQ(client().Resend("cucc", port.port_id()).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto resend = client().Resend("operator", port.port_id());
  ASSERT_TRUE(resend.ok()) << resend.status.error_message();
  EXPECT_EQ(resend.response.port().state(), npd::v1::PORT_STATE_CUTOVER);
  EXPECT_EQ(resend.response.port().resend_count(), 2);

  ConfirmAll("ctcc", port.port_id());
  ASSERT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_COMPLETED, 10));
  EXPECT_THAT(Get(port.port_id()).confirmed_by(), ElementsAre("cmcc", "ctcc", "cucc"));
  // A completed port is not resent.
  EXPECT_EQ(client().Resend("operator", port.port_id()).status.error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(CarrierSyncTest, LateConfirmationCompletesAPartialFailure) {
  npd::v1::Port port = CutOver();
  ConfirmAll("cmcc", port.port_id());
  clock_.Advance(absl::Minutes(16));
  ASSERT_TRUE(WaitForResends(port.port_id(), 1));
  clock_.Advance(absl::Minutes(16));
  ASSERT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_PARTIAL_FAILURE, 10));
  EXPECT_THAT(Get(port.port_id()).pending_confirmations(), ElementsAre("ctcc", "cucc"));
  ConfirmAll("cucc", port.port_id());
  EXPECT_EQ(Get(port.port_id()).state(), npd::v1::PORT_STATE_PARTIAL_FAILURE);
  ConfirmAll("ctcc", port.port_id());
  EXPECT_EQ(Get(port.port_id()).state(), npd::v1::PORT_STATE_COMPLETED);
}

TEST_F(CarrierSyncTest, AckDeadlineSurvivesARestart) {
  npd::v1::Port port = CutOver();
  RestartServer();
  clock_.Advance(absl::Minutes(15) + absl::Seconds(1));
  ASSERT_TRUE(WaitForResends(port.port_id(), 1)) << "the durable timer was re-armed at start-up";
  for (const char* carrier : kCarriers) ConfirmAll(carrier, port.port_id());
  EXPECT_EQ(Get(port.port_id()).state(), npd::v1::PORT_STATE_COMPLETED);
}

TEST_F(CarrierSyncTest, NumberReturnGoesBackToTheRangeHolderAndPortsAgainOnlyAsANewPort) {
  npd::v1::Port port = CutOver();
  for (const char* carrier : kCarriers) ConfirmAll(carrier, port.port_id());
  ASSERT_EQ(Get(port.port_id()).state(), npd::v1::PORT_STATE_COMPLETED);

  // Only the serving carrier reports the subscriber left.
  const absl::Time effective = clock_.Now() + absl::Hours(2);
  EXPECT_EQ(client().Disconnect("cmcc", kCmccNumber, effective).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(client().Disconnect("operator", kCmccNumber, effective).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto reported = client().Disconnect("cucc", kCmccNumber, effective);
  ASSERT_TRUE(reported.ok()) << reported.status.error_message();
  const npd::v1::Port ret = reported.response.port();
  EXPECT_EQ(ret.kind(), npd::v1::PORT_KIND_NUMBER_RETURN);
  EXPECT_EQ(ret.state(), npd::v1::PORT_STATE_DISCONNECT_PENDING);
  EXPECT_EQ(ret.donor(), "cucc");
  EXPECT_EQ(ret.recipient(), "cmcc");
  // Reported once: a second report is refused, the number has a live transaction.
  EXPECT_EQ(client().Disconnect("cucc", kCmccNumber, effective).status.error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  auto before = client().Lookup("ctcc", kCmccNumber);
  EXPECT_EQ(before.response.number().serving_carrier(), "cucc");
  EXPECT_EQ(before.response.number().live_port_id(), ret.port_id());

  clock_.Advance(absl::Hours(2) + absl::Seconds(1));
  ASSERT_TRUE(client().WaitForState(ret.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
  const npd::v1::Port cut = Get(ret.port_id());
  auto change = client().ReadFeed("operator", cut.routing_sequence(), 1, 5);
  ASSERT_EQ(change.size(), 1u);
  EXPECT_EQ(change[0].kind(), npd::v1::ROUTING_CHANGE_KIND_RETURNED);
  EXPECT_EQ(change[0].serving_carrier(), "cmcc");
  EXPECT_EQ(change[0].previous_carrier(), "cucc");
  EXPECT_EQ(change[0].port_id(), ret.port_id());
  for (const char* carrier : kCarriers) ConfirmAll(carrier, ret.port_id());
  ASSERT_TRUE(client().WaitForState(ret.port_id(), npd::v1::PORT_STATE_RETURNED, 10));
  auto after = client().Lookup("ctcc", kCmccNumber);
  EXPECT_EQ(after.response.number().serving_carrier(), "cmcc");
  EXPECT_FALSE(after.response.number().ported());
  EXPECT_EQ(after.response.number().live_port_id(), "");

  // The 120 days still count from the last completed port: cucc as donor... is no longer serving;
  // the range holder issues codes now, and R06 refuses them until the interval passed.
  auto early = client().IssueCode("cmcc", kCmccNumber, Holder());
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(early.response.issued());
  EXPECT_THAT(early.response.refusal().reasons(),
              ElementsAre(npd::v1::REASON_CODE_R06_PORT_INTERVAL_120D));
  clock_.Advance(absl::Hours(24 * 121));
  auto again = client().StartPort("cmcc", "ctcc", kCmccNumber, kBeijing);
  EXPECT_EQ(again.state(), npd::v1::PORT_STATE_PENDING_DONOR);
  EXPECT_NE(again.port_id(), port.port_id()) << "always a new port";
}

TEST_F(CarrierSyncTest, PortBackToTheRangeHolderIsANewPort) {
  npd::v1::Port port = CutOver();
  for (const char* carrier : kCarriers) ConfirmAll(carrier, port.port_id());
  clock_.Advance(absl::Hours(24 * 121));
  auto back = client().StartPort("cucc", "cmcc", kCmccNumber, kBeijing);
  ASSERT_EQ(back.state(), npd::v1::PORT_STATE_PENDING_DONOR);
  EXPECT_EQ(back.donor(), "cucc");
  EXPECT_EQ(back.recipient(), "cmcc");
  EXPECT_EQ(back.kind(), npd::v1::PORT_KIND_PORT);
  ASSERT_TRUE(client().Approve("cucc", back.port_id()).ok());
  ASSERT_TRUE(client().WaitForState(back.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
  for (const char* carrier : kCarriers) ConfirmAll(carrier, back.port_id());
  ASSERT_TRUE(client().WaitForState(back.port_id(), npd::v1::PORT_STATE_COMPLETED, 10));
  EXPECT_FALSE(client().Lookup("ctcc", kCmccNumber).response.number().ported());
  EXPECT_EQ(Get(port.port_id()).state(), npd::v1::PORT_STATE_COMPLETED) << "the old port is untouched";
}

TEST_F(CarrierSyncTest, ReturnReportIsValidatedAndCanBeWithdrawn) {
  npd::v1::Port port = CutOver();
  for (const char* carrier : kCarriers) ConfirmAll(carrier, port.port_id());
  EXPECT_EQ(client().Disconnect("cucc", "1380013800", absl::InfinitePast()).status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(client().Disconnect("cucc", kCmccNumber, clock_.Now() - absl::Hours(1))
                .status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(client().Disconnect("ctcc", kCtccNumber, absl::InfinitePast()).status.error_code(),
            grpc::StatusCode::FAILED_PRECONDITION)
      << "a number that was never ported cannot be returned";
  EXPECT_EQ(client().Lookup("ctcc", kCmccNumber).response.number().live_port_id(), "")
      << "a refused report stores nothing";

  auto reported = client().Disconnect("cucc", kCmccNumber, clock_.Now() + absl::Hours(24));
  ASSERT_TRUE(reported.ok());
  EXPECT_EQ(client().Cancel("cmcc", reported.response.port().port_id()).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto withdrawn = client().Cancel("cucc", reported.response.port().port_id());
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status.error_message();
  EXPECT_EQ(withdrawn.response.port().state(), npd::v1::PORT_STATE_CANCELLED);
  // The withdrawn return's effective time passes without effect.
  clock_.Advance(absl::Hours(25));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(client().Lookup("ctcc", kCmccNumber).response.number().serving_carrier(), "cucc");
}

class PrunedCarrierSyncTest : public CarrierSyncTest {
  void Configure(Config& config) override { config.feed_prune.interval = absl::Milliseconds(50); }
};

TEST_F(PrunedCarrierSyncTest, ConfirmingAfterTheHistoryWasPrunedCompletesWhatWaited) {
  npd::v1::Port port = CutOver();
  const uint64_t sequence = port.routing_sequence();
  ConfirmAll("cmcc", port.port_id());
  ConfirmAll("cucc", port.port_id());
  // ctcc is away for 8 days: T_ack passes twice (resend, then PARTIAL_FAILURE) and the retention
  // (7 days) prunes the original change.
  clock_.Advance(absl::Hours(24 * 8));
  ASSERT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
  ASSERT_TRUE(WaitForResends(port.port_id(), 1));
  clock_.Advance(absl::Minutes(16));
  ASSERT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_PARTIAL_FAILURE, 10));
  bool pruned = false;
  for (int i = 0; i < 100 && !pruned; ++i) {
    pruned = client().ReadFeed("operator", sequence, 1, 1).empty();
  }
  ASSERT_TRUE(pruned) << "the original change is still in the feed";

  // After re-syncing (the snapshot is consistent with the head), ctcc confirms the head: the
  // index of transactions awaiting confirmation finds the port without the pruned feed entry.
  ConfirmAll("ctcc", port.port_id());
  EXPECT_EQ(Get(port.port_id()).state(), npd::v1::PORT_STATE_COMPLETED);
}

}  // namespace
}  // namespace npd::testing
