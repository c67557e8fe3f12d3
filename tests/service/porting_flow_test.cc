// End-to-end behaviour of a port over real gRPC and real RocksDB, in-process so that time can be
// moved.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "tests/service/npd_fixture.h"

namespace npd::testing {
namespace {

using npd::v1::PortState;
using ::testing::ElementsAre;

MATCHER_P(HasCode, code, "") { return arg.status.error_code() == code; }

class PortingFlowTest : public NpdTest {};

TEST_F(PortingFlowTest, PortCompletesWhenEveryCarrierConfirms) {
  auto code = client().IssueCode("cmcc", kCmccNumber, Holder());
  ASSERT_TRUE(code.ok()) << code.status.error_message();
  ASSERT_TRUE(code.response.issued());
  EXPECT_EQ(code.response.code().size(), 6u);

  auto submitted = client().Submit("cucc", kCmccNumber, code.response.code(), Holder(), kBeijing);
  ASSERT_TRUE(submitted.ok()) << submitted.status.error_message();
  const auto& port = submitted.response.port();
  EXPECT_EQ(port.state(), npd::v1::PORT_STATE_PENDING_DONOR);
  EXPECT_EQ(port.donor(), "cmcc");
  EXPECT_EQ(port.recipient(), "cucc");
  EXPECT_EQ(port.range_holder(), "cmcc");
  EXPECT_EQ(port.local_network(), kBeijing);

  auto approved = client().Approve("cmcc", port.port_id());
  ASSERT_TRUE(approved.ok()) << approved.status.error_message();
  EXPECT_EQ(approved.response.port().state(), npd::v1::PORT_STATE_SCHEDULED);

  ASSERT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
  auto cut = client().GetPort("operator", port.port_id()).response.port();
  EXPECT_THAT(cut.pending_confirmations(), ElementsAre("cmcc", "ctcc", "cucc"));
  ASSERT_GT(cut.routing_sequence(), 0u);

  // Routing already points at the recipient while confirmations are outstanding.
  auto during = client().Lookup("ctcc", kCmccNumber);
  ASSERT_TRUE(during.ok());
  EXPECT_EQ(during.response.number().serving_carrier(), "cucc");
  EXPECT_EQ(during.response.number().live_port_state(), npd::v1::PORT_STATE_CUTOVER);

  auto changes = client().ReadFeed("ctcc", 1, 1, 5);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].msisdn(), kCmccNumber);
  EXPECT_EQ(changes[0].serving_carrier(), "cucc");
  EXPECT_EQ(changes[0].previous_carrier(), "cmcc");
  EXPECT_EQ(changes[0].port_id(), port.port_id());

  for (const char* carrier : {"cmcc", "cucc"}) {
    ASSERT_TRUE(client().Confirm(carrier, cut.routing_sequence()).ok());
  }
  EXPECT_EQ(client().GetPort("operator", port.port_id()).response.port().state(),
            npd::v1::PORT_STATE_CUTOVER);
  ASSERT_TRUE(client().Confirm("ctcc", cut.routing_sequence()).ok());

  auto done = client().GetPort("cucc", port.port_id()).response.port();
  EXPECT_EQ(done.state(), npd::v1::PORT_STATE_COMPLETED);
  EXPECT_THAT(done.confirmed_by(), ElementsAre("cmcc", "ctcc", "cucc"));
  EXPECT_TRUE(done.pending_confirmations().empty());

  auto after = client().Lookup("cmcc", kCmccNumber).response.number();
  EXPECT_EQ(after.serving_carrier(), "cucc");
  EXPECT_EQ(after.range_holder(), "cmcc");
  EXPECT_TRUE(after.ported());
  EXPECT_TRUE(after.live_port_id().empty());
  EXPECT_TRUE(after.has_last_port_completed_at());
}

TEST_F(PortingFlowTest, CompletedPortSurvivesRestartAndBlocksReportFor120Days) {
  auto port = client().StartPort("cmcc", "cucc", kCmccNumber, kBeijing);
  ASSERT_TRUE(client().Approve("cmcc", port.port_id()).ok());
  ASSERT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
  for (const char* c : {"cmcc", "cucc", "ctcc"}) ASSERT_TRUE(client().Confirm(c, 1).ok());
  RestartServer();
  EXPECT_EQ(client().GetPort("operator", port.port_id()).response.port().state(),
            npd::v1::PORT_STATE_COMPLETED);

  // The new donor is the recipient; within 120 days npd refuses a code (R06).
  auto refused = client().IssueCode("cucc", kCmccNumber, Holder());
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused.response.issued());
  EXPECT_THAT(refused.response.refusal().reasons(),
              ElementsAre(npd::v1::REASON_CODE_R06_PORT_INTERVAL_120D));
  EXPECT_FALSE(refused.response.refusal().rule_version().empty());
  EXPECT_TRUE(refused.response.code().empty());

  // The old donor no longer serves the number.
  EXPECT_THAT(client().IssueCode("cmcc", kCmccNumber, Holder()),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));

  clock_.Advance(absl::Hours(24 * 121));
  auto again = client().IssueCode("cucc", kCmccNumber, Holder());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again.response.issued());
}

TEST_F(PortingFlowTest, DonorRejectsWithReasons) {
  auto port = client().StartPort("cmcc", "cucc", kCmccNumber, kBeijing);
  ASSERT_EQ(port.state(), npd::v1::PORT_STATE_PENDING_DONOR);
  auto rejected = client().Reject(
      "cmcc", port.port_id(),
      {npd::v1::REASON_CODE_R05_LOCK_IN_CONTRACT, npd::v1::REASON_CODE_R03_ARREARS_BILLED},
      "contract ends 2027-03");
  ASSERT_TRUE(rejected.ok()) << rejected.status.error_message();
  const auto& p = rejected.response.port();
  EXPECT_EQ(p.state(), npd::v1::PORT_STATE_REJECTED);
  EXPECT_THAT(p.refusal().reasons(), ElementsAre(npd::v1::REASON_CODE_R03_ARREARS_BILLED,
                                                 npd::v1::REASON_CODE_R05_LOCK_IN_CONTRACT));
  // The number is free again: a new code can be issued.
  EXPECT_TRUE(client().IssueCode("cmcc", kCmccNumber, Holder()).response.issued());
  // npd-decided reasons are not the donor's to give.
  auto port2 = client().StartPort("cmcc", "ctcc", kCmccNumber, kBeijing);
  EXPECT_THAT(
      client().Reject("cmcc", port2.port_id(), {npd::v1::REASON_CODE_R06_PORT_INTERVAL_120D}),
      HasCode(grpc::StatusCode::INVALID_ARGUMENT));
  // R99 needs a text.
  EXPECT_THAT(client().Reject("cmcc", port2.port_id(), {npd::v1::REASON_CODE_R99_OTHER_POLICY}),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(client().GetPort("operator", port2.port_id()).response.port().state(),
            npd::v1::PORT_STATE_PENDING_DONOR);
}

TEST_F(PortingFlowTest, CancelBeforeCutoverOnlyByRecipient) {
  auto port = client().StartPort("cmcc", "cucc", kCmccNumber, kBeijing);
  EXPECT_THAT(client().Cancel("cmcc", port.port_id()),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  auto cancelled = client().Cancel("cucc", port.port_id());
  ASSERT_TRUE(cancelled.ok()) << cancelled.status.error_message();
  EXPECT_EQ(cancelled.response.port().state(), npd::v1::PORT_STATE_CANCELLED);
  EXPECT_EQ(cancelled.response.port().cancel_reason(), "subscriber changed their mind");
  EXPECT_TRUE(client().Lookup("cmcc", kCmccNumber).response.number().live_port_id().empty());
  EXPECT_THAT(client().Approve("cmcc", port.port_id()),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
}

TEST_F(PortingFlowTest, CancelRefusedAfterCutover) {
  auto port = client().StartPort("cmcc", "cucc", kCmccNumber, kBeijing);
  ASSERT_TRUE(client().Approve("cmcc", port.port_id()).ok());
  ASSERT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
  auto refused = client().Cancel("cucc", port.port_id());
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(client().GetPort("operator", port.port_id()).response.port().state(),
            npd::v1::PORT_STATE_CUTOVER);
}

TEST_F(PortingFlowTest, RefusalReasonsDecidedByNpdAtSubmit) {
  // R09: wrong code (and no port becomes live).
  auto code = client().IssueCode("cmcc", kCmccNumber, Holder());
  std::string wrong = code.response.code() == "000000" ? "000001" : "000000";
  auto r09 = client().Submit("cucc", kCmccNumber, wrong, Holder(), kBeijing);
  ASSERT_TRUE(r09.ok());
  EXPECT_EQ(r09.response.port().state(), npd::v1::PORT_STATE_REJECTED);
  EXPECT_THAT(r09.response.port().refusal().reasons(),
              ElementsAre(npd::v1::REASON_CODE_R09_AUTH_CODE_INVALID));
  EXPECT_FALSE(r09.response.port().refusal().text().empty());
  // R08 and R12 together: wrong local network and another person.
  auto r08 = client().Submit("cucc", kCmccNumber, code.response.code(), OtherPerson(), "021");
  EXPECT_THAT(r08.response.port().refusal().reasons(),
              ElementsAre(npd::v1::REASON_CODE_R08_NOT_SAME_LOCAL_NETWORK,
                          npd::v1::REASON_CODE_R12_IDENTITY_MISMATCH));
  // The right request still works: refusals did not consume the code.
  auto ok = client().Submit("cucc", kCmccNumber, code.response.code(), Holder(), kBeijing);
  ASSERT_EQ(ok.response.port().state(), npd::v1::PORT_STATE_PENDING_DONOR);
  // R11 + R13: the code is used and the number has a live port.
  auto r11 = client().Submit("ctcc", kCmccNumber, code.response.code(), Holder(), kBeijing);
  EXPECT_THAT(r11.response.port().refusal().reasons(),
              ElementsAre(npd::v1::REASON_CODE_R11_AUTH_CODE_USED,
                          npd::v1::REASON_CODE_R13_PORT_IN_PROGRESS));
  // R13 at code issue.
  auto r13 = client().IssueCode("cmcc", kCmccNumber, Holder());
  EXPECT_FALSE(r13.response.issued());
  EXPECT_THAT(r13.response.refusal().reasons(),
              ElementsAre(npd::v1::REASON_CODE_R13_PORT_IN_PROGRESS));
}

TEST_F(PortingFlowTest, NonPortableRangeRefusedAtIssue) {
  auto r07 = client().IssueCode("ctcc", "17400001234", Holder());  // satellite block
  ASSERT_TRUE(r07.ok()) << r07.status.error_message();
  EXPECT_FALSE(r07.response.issued());
  EXPECT_THAT(r07.response.refusal().reasons(),
              ElementsAre(npd::v1::REASON_CODE_R07_NON_PORTABLE_RANGE));
}

TEST_F(PortingFlowTest, CodeExpiresAfterItsValidity) {
  auto code = client().IssueCode("cmcc", kCmccNumber, Holder());
  ASSERT_TRUE(code.response.issued());
  clock_.Advance(absl::Minutes(61));
  // Give the expiry timer a moment to fire; the refusal holds whether or not it has.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto r10 = client().Submit("cucc", kCmccNumber, code.response.code(), Holder(), kBeijing);
  ASSERT_TRUE(r10.ok());
  EXPECT_THAT(r10.response.port().refusal().reasons(),
              ElementsAre(npd::v1::REASON_CODE_R10_AUTH_CODE_EXPIRED));
  // A new code revokes nothing live and works.
  auto fresh = client().IssueCode("cmcc", kCmccNumber, Holder());
  auto ok = client().Submit("cucc", kCmccNumber, fresh.response.code(), Holder(), kBeijing);
  EXPECT_EQ(ok.response.port().state(), npd::v1::PORT_STATE_PENDING_DONOR);
}

TEST_F(PortingFlowTest, NewCodeRevokesThePreviousOne) {
  auto first = client().IssueCode("cmcc", kCmccNumber, Holder());
  auto second = client().IssueCode("cmcc", kCmccNumber, Holder());
  ASSERT_TRUE(second.response.issued());
  if (first.response.code() != second.response.code()) {
    auto old = client().Submit("cucc", kCmccNumber, first.response.code(), Holder(), kBeijing);
    EXPECT_EQ(old.response.port().state(), npd::v1::PORT_STATE_REJECTED);
  }
  auto ok = client().Submit("cucc", kCmccNumber, second.response.code(), Holder(), kBeijing);
  EXPECT_EQ(ok.response.port().state(), npd::v1::PORT_STATE_PENDING_DONOR);
}

TEST_F(PortingFlowTest, TwoRecipientsRacingGetExactlyOneLivePort) {
  auto code = client().IssueCode("cmcc", kCmccNumber, Holder());
  ASSERT_TRUE(code.response.issued());
  constexpr int kRacers = 8;
  std::vector<npd::v1::Port> results(kRacers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] {
      NpdClient own(server_->address());
      results[i] = own.Submit(i % 2 == 0 ? "cucc" : "ctcc", kCmccNumber, code.response.code(),
                              Holder(), kBeijing)
                       .response.port();
    });
  }
  for (auto& t : threads) t.join();
  int live = 0;
  std::string live_id;
  for (const auto& p : results) {
    if (p.state() == npd::v1::PORT_STATE_PENDING_DONOR) {
      ++live;
      live_id = p.port_id();
    } else {
      EXPECT_EQ(p.state(), npd::v1::PORT_STATE_REJECTED);
    }
  }
  EXPECT_EQ(live, 1);
  EXPECT_EQ(client().Lookup("operator", kCmccNumber).response.number().live_port_id(), live_id);
}

TEST_F(PortingFlowTest, RolesActingOutOfTurnAreRefused) {
  // Only the donor (serving carrier) issues codes.
  EXPECT_THAT(client().IssueCode("cucc", kCmccNumber, Holder()),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(client().IssueCode("operator", kCmccNumber, Holder()),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  auto port = client().StartPort("cmcc", "cucc", kCmccNumber, kBeijing);
  // Only the donor answers.
  EXPECT_THAT(client().Approve("cucc", port.port_id()),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(client().Approve("ctcc", port.port_id()),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  // The donor cannot submit to itself.
  auto code = client().IssueCode("ctcc", kCtccNumber, Holder());
  EXPECT_THAT(client().Submit("ctcc", kCtccNumber, code.response.code(), Holder(), kBeijing),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT));
  // The operator confirms nothing; an unknown or missing caller is unauthenticated.
  EXPECT_THAT(client().Confirm("operator", 1), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(client().Lookup("mallory", kCmccNumber), HasCode(grpc::StatusCode::UNAUTHENTICATED));
  // A carrier that is not party to a port does not see it.
  EXPECT_THAT(client().GetPort("ctcc", port.port_id()), HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(client().GetPort("cmcc", port.port_id()).ok());
  EXPECT_EQ(client().GetPort("operator", port.port_id()).response.port().state(),
            npd::v1::PORT_STATE_PENDING_DONOR);
}

TEST_F(PortingFlowTest, MalformedInputWritesNothing) {
  const std::string id = "malformed-1";
  auto bad_number = client().IssueCode("cmcc", "1380013800", Holder(), id);
  EXPECT_EQ(bad_number.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad_number.status.error_message(), ::testing::HasSubstr("msisdn"));
  auto bad_id = Holder();
  bad_id.set_id_number("110105194912310021");  // wrong check character
  EXPECT_THAT(client().IssueCode("cmcc", kCmccNumber, bad_id, id),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(client().IssueCode("cmcc", "10012345678", Holder(), id),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT));  // outside the number plan
  npd::v1::SubmitPortRequest no_code;
  no_code.set_request_id(id);
  no_code.set_msisdn(kCmccNumber);
  *no_code.mutable_applicant() = Holder();
  no_code.set_local_network(kBeijing);
  EXPECT_THAT(client().Submit("cucc", no_code), HasCode(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(client().Submit("cucc", kCmccNumber, "123456", Holder(), "beijing", id),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(client().Approve("cmcc", "not-a-port", id),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(client().Approve("cmcc", "P999999999999", id), HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(client().Confirm("cmcc", 1, id), HasCode(grpc::StatusCode::INVALID_ARGUMENT));

  // Nothing was stored: no port, no live port, and the request id is still unused.
  npd::v1::ListPortsRequest all;
  EXPECT_EQ(client().ListPorts("operator", all).response.ports_size(), 0);
  EXPECT_TRUE(client().Lookup("cmcc", kCmccNumber).response.number().live_port_id().empty());
  auto good = client().IssueCode("cmcc", kCmccNumber, Holder(), id);
  ASSERT_TRUE(good.ok()) << good.status.error_message();
  EXPECT_TRUE(good.response.issued());
}

TEST_F(PortingFlowTest, RetriedRequestReturnsTheStoredResponse) {
  auto code = client().IssueCode("cmcc", kCmccNumber, Holder(), "issue-1");
  auto replay_code = client().IssueCode("cmcc", kCmccNumber, Holder(), "issue-1");
  ASSERT_TRUE(replay_code.ok());
  EXPECT_TRUE(replay_code.response.issued());
  EXPECT_TRUE(replay_code.response.code().empty()) << "a replay must not reveal the code again";
  EXPECT_EQ(replay_code.response.expires_at().seconds(), code.response.expires_at().seconds());

  auto first =
      client().Submit("cucc", kCmccNumber, code.response.code(), Holder(), kBeijing, "sub-1");
  auto again =
      client().Submit("cucc", kCmccNumber, code.response.code(), Holder(), kBeijing, "sub-1");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.response.SerializeAsString(), first.response.SerializeAsString());
  npd::v1::ListPortsRequest all;
  EXPECT_EQ(client().ListPorts("operator", all).response.ports_size(), 1);

  // Same id, different payload: refused, nothing changes.
  auto conflict =
      client().Submit("cucc", kCmccNumber, code.response.code(), Holder(), "021", "sub-1");
  EXPECT_EQ(conflict.status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  // Ids are per caller: another carrier may use the same id for its own request.
  EXPECT_TRUE(client().Approve("cmcc", first.response.port().port_id(), "sub-1").ok());
  // The replay survives a restart.
  RestartServer();
  auto after =
      client().Submit("cucc", kCmccNumber, code.response.code(), Holder(), kBeijing, "sub-1");
  EXPECT_EQ(after.response.SerializeAsString(), first.response.SerializeAsString());
}

TEST_F(PortingFlowTest, ListPortsFiltersAndPages) {
  for (int i = 0; i < 5; ++i) {
    auto code = client().IssueCode("cmcc", kCmccNumber, Holder());
    auto port = client().Submit("cucc", kCmccNumber, code.response.code(), Holder(), kBeijing);
    ASSERT_TRUE(client().Cancel("cucc", port.response.port().port_id()).ok());
  }
  npd::v1::ListPortsRequest request;
  request.set_page_size(2);
  std::vector<std::string> ids;
  for (;;) {
    auto page = client().ListPorts("cucc", request);
    ASSERT_TRUE(page.ok()) << page.status.error_message();
    for (const auto& p : page.response.ports()) ids.push_back(p.port_id());
    if (page.response.next_page_token().empty()) break;
    request.set_page_token(page.response.next_page_token());
  }
  EXPECT_EQ(ids.size(), 5u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  npd::v1::ListPortsRequest by_state;
  by_state.set_state(npd::v1::PORT_STATE_PENDING_DONOR);
  EXPECT_EQ(client().ListPorts("operator", by_state).response.ports_size(), 0);
  npd::v1::ListPortsRequest other;
  other.set_carrier("cmcc");
  EXPECT_THAT(client().ListPorts("ctcc", other), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  npd::v1::ListPortsRequest own;
  EXPECT_EQ(client().ListPorts("ctcc", own).response.ports_size(), 0);
}

class DeemedConsentTest : public NpdTest {
  void Configure(Config& config) override {
    config.policy.donor_timeout = core::DonorTimeoutPolicy::kDeemedConsent;
  }
};

TEST_F(DeemedConsentTest, SilentDonorIsDeemedToConsent) {
  auto port = client().StartPort("cmcc", "cucc", kCmccNumber, kBeijing);
  clock_.Advance(absl::Minutes(61));
  ASSERT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
  auto p = client().GetPort("operator", port.port_id()).response.port();
  EXPECT_TRUE(p.deemed_consent());
  EXPECT_TRUE(p.donor_deadline_passed());
}

TEST_F(PortingFlowTest, SilentDonorIsEscalatedAndMayStillAnswer) {
  auto port = client().StartPort("cmcc", "cucc", kCmccNumber, kBeijing);
  clock_.Advance(absl::Minutes(61));
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  npd::v1::Port p;
  while (std::chrono::steady_clock::now() < until) {
    p = client().GetPort("operator", port.port_id()).response.port();
    if (p.donor_deadline_passed()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(p.donor_deadline_passed());
  EXPECT_EQ(p.state(), npd::v1::PORT_STATE_PENDING_DONOR);
  EXPECT_TRUE(client().Approve("cmcc", port.port_id()).ok());
}

TEST_F(PortingFlowTest, StalePortExpires) {
  auto port = client().StartPort("cmcc", "cucc", kCmccNumber, kBeijing);
  clock_.Advance(absl::Hours(24 * 31));
  ASSERT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_EXPIRED, 10));
  EXPECT_TRUE(client().Lookup("cmcc", kCmccNumber).response.number().live_port_id().empty());
}

class NextHourCutoverTest : public NpdTest {
  void Configure(Config& config) override {
    config.policy.cutover.mode = core::CutoverPolicy::Mode::kNextHour;
  }
};

TEST_F(NextHourCutoverTest, CutoverWaitsForTheWholeHourAndSurvivesRestart) {
  auto port = client().StartPort("cmcc", "cucc", kCmccNumber, kBeijing);
  auto approved = client().Approve("cmcc", port.port_id()).response.port();
  ASSERT_EQ(approved.state(), npd::v1::PORT_STATE_SCHEDULED);
  EXPECT_EQ(approved.cutover_at().seconds() % 3600, 0);
  EXPECT_GT(approved.cutover_at().seconds(), approved.answered_at().seconds());
  RestartServer();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(client().GetPort("operator", port.port_id()).response.port().state(),
            npd::v1::PORT_STATE_SCHEDULED);
  clock_.Advance(absl::Minutes(61));
  EXPECT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
}

class BlackoutTest : public NpdTest {
  void Configure(Config& config) override { config.policy.blackout.last_days_of_month = 27; }
};

TEST_F(BlackoutTest, SubmitInBlackoutIsRefused) {
  // With the last 27 days of every month blacked out, only days 1-4 (at most) are open: move to the
  // 20th of next month so that the test does not depend on today's date.
  const absl::TimeZone tz = core::ShanghaiTime();
  const absl::CivilDay today = absl::ToCivilDay(clock_.Now(), tz);
  const absl::CivilDay target(today.year(), today.month() + 1, 20);
  clock_.Advance(absl::FromCivil(absl::CivilSecond(target), tz) - clock_.Now());
  auto code = client().IssueCode("cmcc", kCmccNumber, Holder());
  auto r14 = client().Submit("cucc", kCmccNumber, code.response.code(), Holder(), kBeijing);
  EXPECT_THAT(r14.response.port().refusal().reasons(),
              ElementsAre(npd::v1::REASON_CODE_R14_OUTSIDE_SERVICE_WINDOW));
}

}  // namespace
}  // namespace npd::testing
