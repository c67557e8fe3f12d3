// Offline replay (daemon/replay) of stores written by a real npd over gRPC: an exact match, a
// corrupted record named by its number, a tampered journal step, time travel, configuration
// changes between runs, and what the journal records about each step.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/core/time_convert.h"
#include "daemon/replay/replayer.h"
#include "daemon/replay/store_diff.h"
#include "storage/rocks_store.h"
#include "storage/rocks_store_testing.h"
#include "tests/service/npd_fixture.h"

namespace npd::testing {
namespace {

using npd::store::v1::EventRecord;
using npd::store::v1::JournalEntry;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class ReplayTest : public NpdTest {
 protected:
  // A port through its whole life: code, submit, approve, immediate cutover, three confirmations.
  npd::v1::Port CompletePort() {
    return Complete(client().StartPort("cmcc", "cucc", kCmccNumber, kBeijing));
  }
  // Approves a PENDING_DONOR port of cmcc and has every carrier confirm its routing change.
  npd::v1::Port Complete(const npd::v1::Port& port) {
    EXPECT_TRUE(client().Approve("cmcc", port.port_id()).ok());
    EXPECT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
    const uint64_t sequence =
        client().GetPort("operator", port.port_id()).response.port().routing_sequence();
    for (const char* carrier : {"cmcc", "cucc", "ctcc"}) {
      EXPECT_TRUE(client().Confirm(carrier, sequence).ok());
    }
    EXPECT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_COMPLETED, 10));
    return client().GetPort("operator", port.port_id()).response.port();
  }

  std::unique_ptr<storage::Store> OpenStopped() {
    StopServer();
    auto store = storage::OpenRocksStore(storage::RocksOptions{.path = dir_.Sub("data") + "/db"});
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  static std::vector<replay::Difference> Differences(storage::Store& stored,
                                                     const replay::ReplayOptions& options = {}) {
    auto scratch = storage::NewMemoryStore();
    auto outcome = replay::Replay(stored, *scratch, options);
    EXPECT_TRUE(outcome.ok()) << outcome.status();
    auto differences = replay::CompareStores(stored, *scratch, 100);
    EXPECT_TRUE(differences.ok()) << differences.status();
    return differences.ok() ? *differences : std::vector<replay::Difference>{};
  }

  static JournalEntry Entry(storage::Store& store, uint64_t sequence) {
    auto entries = store.ReadJournal(sequence - 1, 1);
    EXPECT_TRUE(entries.ok() && entries->size() == 1);
    return entries.ok() && !entries->empty() ? entries->front() : JournalEntry();
  }

  // The journal entry of the first step with this command.
  static JournalEntry FirstWithCommand(storage::Store& store, const std::string& command) {
    auto entries = store.ReadJournal(0, 10000);
    EXPECT_TRUE(entries.ok());
    for (const auto& e : *entries) {
      if (e.command() == command) return e;
    }
    ADD_FAILURE() << "no journal step " << command;
    return JournalEntry();
  }
};

TEST_F(ReplayTest, AWholePortLifeReplaysToExactlyTheStoredState) {
  CompletePort();
  auto store = OpenStopped();
  ASSERT_NE(store, nullptr);
  auto counters = store->LoadCounters();
  ASSERT_TRUE(counters.ok());
  auto scratch = storage::NewMemoryStore();
  auto outcome = replay::Replay(*store, *scratch, {});
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  // config, code, submit, approve, cutover timer, three confirmations (and the refund case steps).
  EXPECT_GE(outcome->steps, 8u);
  EXPECT_EQ(outcome->steps, counters->last_journal_sequence());
  EXPECT_EQ(outcome->last_event_sequence, counters->last_event_sequence());
  EXPECT_FALSE(outcome->stopped_early);
  auto differences = replay::CompareStores(*store, *scratch, 100);
  ASSERT_TRUE(differences.ok());
  EXPECT_THAT(*differences, IsEmpty());
}

TEST_F(ReplayTest, EveryEventNamesItsCommandAndTheJournalKeepsNoPersonalData) {
  CompletePort();
  auto store = OpenStopped();
  ASSERT_NE(store, nullptr);
  auto events = store->ReadHistory(kCmccNumber, 0, 100);
  ASSERT_TRUE(events.ok());
  std::map<std::string, std::string> command_of;
  for (const EventRecord& e : *events) {
    EXPECT_FALSE(e.command().empty()) << e.type();
    command_of.emplace(e.type(), e.command());
  }
  EXPECT_EQ(command_of["AUTH_CODE_ISSUED"], "IssueAuthCode");
  EXPECT_EQ(command_of["PORT_SUBMITTED"], "SubmitPort");
  EXPECT_EQ(command_of["PORT_APPROVED"], "AnswerPort");
  EXPECT_EQ(command_of["PORT_CUTOVER"], "timer:CUTOVER");
  EXPECT_EQ(command_of["PORT_COMPLETED"], "Confirm");

  const JournalEntry submit = FirstWithCommand(*store, "SubmitPort");
  npd::v1::SubmitPortRequest request;
  ASSERT_TRUE(request.ParseFromString(submit.request().request()));
  EXPECT_EQ(request.msisdn(), kCmccNumber);
  EXPECT_TRUE(request.auth_code().empty());
  EXPECT_FALSE(request.has_applicant());
  ASSERT_EQ(submit.side_effects_size(), 2);
  EXPECT_EQ(submit.side_effects(0).name(), "code_hash");
  EXPECT_EQ(submit.side_effects(0).value().size(), 32u);
  EXPECT_EQ(submit.side_effects(1).name(), "applicant_hash");
  EXPECT_EQ(Entry(*store, 1).command(), "config");
  EXPECT_TRUE(Entry(*store, 1).has_setup());
  EXPECT_FALSE(Entry(*store, 1).setup().blocks_csv().empty());
}

TEST_F(ReplayTest, ACorruptedPortRecordIsNamedByItsNumber) {
  const npd::v1::Port port = CompletePort();
  auto store = OpenStopped();
  ASSERT_NE(store, nullptr);
  auto record = store->GetPort(port.port_id());
  ASSERT_TRUE(record.ok() && record->has_value());
  npd::store::v1::PortRecord corrupted = **record;
  corrupted.mutable_port()->set_state(npd::v1::PORT_STATE_CUTOVER);
  ASSERT_TRUE(
      storage::PutRawForTesting(*store, "ports", port.port_id(), corrupted.SerializeAsString())
          .ok());
  skip_replay_check_ = true;
  auto differences = Differences(*store);
  ASSERT_EQ(differences.size(), 1u);
  EXPECT_EQ(differences[0].msisdn, kCmccNumber);
  EXPECT_EQ(differences[0].table, "ports");
  EXPECT_EQ(differences[0].key, port.port_id());
  EXPECT_THAT(differences[0].what, AllOf(HasSubstr("port.state"), HasSubstr("PORT_STATE_COMPLETED"),
                                         HasSubstr("PORT_STATE_CUTOVER")));
  EXPECT_THAT(replay::Describe(differences[0]), HasSubstr(kCmccNumber));
}

TEST_F(ReplayTest, AStrayRecordAndAMissingEventAreBothReported) {
  CompletePort();
  auto store = OpenStopped();
  ASSERT_NE(store, nullptr);
  // A number record nothing in the journal wrote, and an event overwritten with another number.
  npd::store::v1::NumberRecord stray;
  stray.set_msisdn(kCuccNumber);
  stray.set_serving_carrier("ctcc");
  ASSERT_TRUE(
      storage::PutRawForTesting(*store, "numbers", kCuccNumber, stray.SerializeAsString()).ok());
  auto events = store->ReadHistory(kCmccNumber, 0, 1);
  ASSERT_TRUE(events.ok() && events->size() == 1);
  EventRecord changed = events->front();
  changed.set_detail("edited behind the state machine's back");
  const std::string key = std::string(kCmccNumber) + '\0' + std::string(7, '\0') +
                          static_cast<char>(changed.sequence());
  ASSERT_TRUE(storage::PutRawForTesting(*store, "events", key, changed.SerializeAsString()).ok());
  skip_replay_check_ = true;
  auto differences = Differences(*store);
  ASSERT_EQ(differences.size(), 2u);
  EXPECT_EQ(differences[0].msisdn, kCmccNumber);
  EXPECT_EQ(differences[0].table, "events");
  EXPECT_THAT(differences[0].what, HasSubstr("detail"));
  EXPECT_EQ(differences[1].msisdn, kCuccNumber);
  EXPECT_EQ(differences[1].table, "numbers");
  EXPECT_THAT(differences[1].what, HasSubstr("only in the stored state"));
}

TEST_F(ReplayTest, ATamperedStepStopsTheReplayAndNamesTheStep) {
  const npd::v1::Port port = CompletePort();
  auto store = OpenStopped();
  ASSERT_NE(store, nullptr);
  JournalEntry approve = FirstWithCommand(*store, "AnswerPort");
  approve.mutable_request()->set_caller("ctcc");  // not the donor: the handler refuses it now
  std::string key(8, '\0');
  for (int i = 0; i < 8; ++i)
    key[7 - i] = static_cast<char>((approve.sequence() >> (8 * i)) & 0xff);
  ASSERT_TRUE(storage::PutRawForTesting(*store, "journal", key, approve.SerializeAsString()).ok());
  skip_replay_check_ = true;
  auto scratch = storage::NewMemoryStore();
  auto outcome = replay::Replay(*store, *scratch, {});
  ASSERT_FALSE(outcome.ok());
  EXPECT_TRUE(absl::IsAborted(outcome.status())) << outcome.status();
  EXPECT_THAT(std::string(outcome.status().message()),
              AllOf(HasSubstr(absl::StrCat("journal entry ", approve.sequence())),
                    HasSubstr("AnswerPort"), HasSubstr("PERMISSION_DENIED")));
}

TEST_F(ReplayTest, AGapInTheJournalIsDataLoss) {
  CompletePort();
  auto store = OpenStopped();
  ASSERT_NE(store, nullptr);
  JournalEntry third = Entry(*store, 3);
  third.set_sequence(4);  // entry 3 now claims to be entry 4
  std::string key(8, '\0');
  key[7] = 3;
  ASSERT_TRUE(storage::PutRawForTesting(*store, "journal", key, third.SerializeAsString()).ok());
  skip_replay_check_ = true;
  auto scratch = storage::NewMemoryStore();
  auto outcome = replay::Replay(*store, *scratch, {});
  ASSERT_FALSE(outcome.ok());
  EXPECT_TRUE(absl::IsDataLoss(outcome.status())) << outcome.status();
  EXPECT_THAT(std::string(outcome.status().message()), HasSubstr("entry 3 is missing"));
}

TEST_F(ReplayTest, UntilAnEventOrATimeRebuildsTheEarlierState) {
  npd::v1::Port port = client().StartPort("cmcc", "cucc", kCmccNumber, kBeijing);
  clock_.Advance(absl::Minutes(10));
  const absl::Time before_approval = clock_.Now();
  clock_.Advance(absl::Minutes(10));
  Complete(port);
  auto store = OpenStopped();
  ASSERT_NE(store, nullptr);
  auto events = store->ReadHistory(kCmccNumber, 0, 100);
  ASSERT_TRUE(events.ok());
  uint64_t submitted = 0;
  for (const auto& e : *events) {
    if (e.type() == "PORT_SUBMITTED" && submitted == 0) submitted = e.sequence();
  }
  ASSERT_GT(submitted, 0u);

  auto at_submit = storage::NewMemoryStore();
  auto outcome = replay::Replay(*store, *at_submit, {.until_event_sequence = submitted});
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(outcome->stopped_early);
  EXPECT_EQ(outcome->last_event_sequence, submitted);
  auto ports = at_submit->ListPorts(storage::PortQuery{.msisdn = kCmccNumber});
  ASSERT_TRUE(ports.ok());
  ASSERT_FALSE(ports->ports.empty());
  EXPECT_EQ(ports->ports[0].port().state(), npd::v1::PORT_STATE_PENDING_DONOR);

  auto at_time = storage::NewMemoryStore();
  outcome = replay::Replay(*store, *at_time, {.until_time = before_approval});
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  auto number = at_time->GetNumber(kCmccNumber);
  ASSERT_TRUE(number.ok() && number->has_value());
  EXPECT_EQ((*number)->serving_carrier(), "cmcc");
  EXPECT_FALSE((*number)->live_port_id().empty());
  EXPECT_LE(outcome->last_step_at, before_approval);

  auto now = storage::NewMemoryStore();
  outcome = replay::Replay(*store, *now, {});
  ASSERT_TRUE(outcome.ok());
  number = now->GetNumber(kCmccNumber);
  ASSERT_TRUE(number.ok() && number->has_value());
  EXPECT_EQ((*number)->serving_carrier(), "cucc");
}

class ReplayConfigTest : public ReplayTest {
 protected:
  void Configure(Config& config) override { config.policy.donor_answer_time = answer_time_; }
  absl::Duration answer_time_ = absl::Hours(1);
};

TEST_F(ReplayConfigTest, EachStepReplaysUnderTheConfigurationInForceWhenItRan) {
  const npd::v1::Port first = client().StartPort("cmcc", "cucc", kCmccNumber, kBeijing);
  answer_time_ = absl::Hours(3);
  RestartServer();
  const npd::v1::Port second = client().StartPort("cucc", "ctcc", kCuccNumber, kBeijing);
  EXPECT_EQ(core::FromProto(first.donor_deadline_at()) - core::FromProto(first.submitted_at()),
            absl::Hours(1));
  EXPECT_EQ(core::FromProto(second.donor_deadline_at()) - core::FromProto(second.submitted_at()),
            absl::Hours(3));
  RestartServer();  // same configuration: no new entry
  auto store = OpenStopped();
  ASSERT_NE(store, nullptr);
  auto entries = store->ReadJournal(0, 1000);
  ASSERT_TRUE(entries.ok());
  int setups = 0;
  for (const auto& e : *entries) setups += e.has_setup() ? 1 : 0;
  EXPECT_EQ(setups, 2);
  EXPECT_THAT(Differences(*store), IsEmpty());
}

TEST_F(ReplayTest, AStoreWithoutAJournalIsRefused) {
  StopServer();
  skip_replay_check_ = true;
  auto store = storage::NewMemoryStore();
  storage::WriteSet old;
  EventRecord event;
  event.set_sequence(1);
  event.set_msisdn(kCmccNumber);
  old.events.push_back(event);
  npd::store::v1::Counters counters;
  counters.set_last_event_sequence(1);
  old.counters = counters;
  ASSERT_TRUE(store->Commit(old).ok());
  auto scratch = storage::NewMemoryStore();
  auto outcome = replay::Replay(*store, *scratch, {});
  ASSERT_FALSE(outcome.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(outcome.status()));
  EXPECT_THAT(std::string(outcome.status().message()), HasSubstr("before the journal existed"));
  // And a scratch store that is not empty is refused too.
  outcome = replay::Replay(*scratch, *store, {});
  EXPECT_TRUE(absl::IsFailedPrecondition(outcome.status())) << outcome.status();
}

TEST_F(ReplayTest, AnOperatorMutationWithoutACertificateIsRefused) {
  npd::v1::ResendRoutingRequest request;
  request.set_request_id("r1");
  request.set_port_id("P000000000009");
  request.set_reason("carrier asked for it");
  npd::v1::ResendRoutingResponse response;
  grpc::ClientContext anonymous;
  grpc::Status status = npd::v1::PortingService::NewStub(ChannelAs(""))
                            ->ResendRouting(&anonymous, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext named;
  status = npd::v1::PortingService::NewStub(ChannelAs("operator-alice"))
               ->ResendRouting(&named, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
}

}  // namespace
}  // namespace npd::testing
