// The simulator against the real npd binary: the donor answers, three carriers follow the feed and
// confirm, the port completes; a follower stopped, or a simulator process SIGKILLed, resumes
// without gaps or duplicates.
#include <signal.h>

#include <atomic>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_format.h"
#include "clients/carrier_sim/audit.h"
#include "clients/carrier_sim/donor_answerer.h"
#include "clients/carrier_sim/feed_follower.h"
#include "clients/carrier_sim/snapshot_resync.h"
#include "clients/client/channel.h"
#include "tests/clients/npctl/npctl_process.h"
#include "tests/support/npd_client.h"
#include "tests/support/npd_process.h"
#include "tests/support/temp_dir.h"

namespace npd::carrier_sim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::NpdClient;
using testing::NpdProcess;
using ::testing::StartsWith;

constexpr char kBeijing[] = "010";

std::string Number(int i) { return absl::StrFormat("1380013%04d", i); }

// One simulated carrier in this process: its database, feed follower and (optionally) donor, each
// on a thread until Stop() or destruction.
class Sim {
 public:
  Sim(const std::string& address, const std::string& carrier, const std::string& db_path,
      DonorPolicy policy = DonorPolicy())
      : db_(std::move(LocalNpDb::Open(db_path).value())) {
    auto channel = testing::TestChannel(address, carrier);
    FeedOptions feed;
    feed.confirm_every = 1;
    feed.confirm_interval = std::chrono::milliseconds(20);
    feed.backoff_max = std::chrono::milliseconds(200);
    follower_ = std::make_unique<FeedFollower>(channel, carrier, *db_, feed);
    DonorOptions donor;
    donor.poll_interval = std::chrono::milliseconds(50);
    donor_ = std::make_unique<DonorAnswerer>(channel, carrier, policy, donor);
    feed_thread_ = std::thread([this] { result_ = follower_->Run(); });
    donor_thread_ = std::thread([this] { donor_->Run(); });
  }
  ~Sim() { Stop().IgnoreError(); }
  absl::Status Stop() {
    follower_->Stop();
    donor_->Stop();
    if (feed_thread_.joinable()) feed_thread_.join();
    if (donor_thread_.joinable()) donor_thread_.join();
    return result_;
  }
  // Waits until the follower confirmed `position`, at most `seconds`.
  bool WaitConfirmed(uint64_t position, int seconds) {
    for (int i = 0; i < seconds * 50; ++i) {
      if (follower_->stats().confirmed >= position) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  LocalNpDb& db() { return *db_; }
  FeedStats feed() const { return follower_->stats(); }
  DonorStats donor() const { return donor_->stats(); }

 private:
  std::unique_ptr<LocalNpDb> db_;
  std::unique_ptr<FeedFollower> follower_;
  std::unique_ptr<DonorAnswerer> donor_;
  std::thread feed_thread_;
  std::thread donor_thread_;
  absl::Status result_;
};

class WithRealNpdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    npd_ = std::make_unique<NpdProcess>(
        NPD_BINARY, dir_.Sub("npd"),
        std::map<std::string, std::string>{{"plan.dir", NPD_DATA_DIR},
                                           {"security.identity_secret", "sim-test-secret"},
                                           {"porting.cutover_mode", "immediate"},
                                           {"feed.heartbeat_interval", "200ms"},
                                           {"server.drain_timeout", "1s"}});
    ASSERT_TRUE(npd_->Start()) << "npd did not start; see " << npd_->log_path();
    client_ = std::make_unique<NpdClient>(npd_->address());
    ASSERT_TRUE(client_->WaitReady(10));
  }
  // A port cmcc -> cucc of Number(i), approved by the test itself (no donor simulator).
  std::string PortApproved(int i) {
    const npd::v1::Port port = client_->StartPort("cmcc", "cucc", Number(i), kBeijing);
    EXPECT_EQ(port.state(), npd::v1::PORT_STATE_PENDING_DONOR) << Number(i);
    EXPECT_TRUE(client_->Approve("cmcc", port.port_id()).ok());
    return port.port_id();
  }
  std::vector<std::string> Numbers(LocalNpDb& db) {
    std::vector<std::string> out;
    const std::vector<LocalEntry> entries = db.Entries().value();
    for (const auto& e : entries) out.push_back(e.msisdn + "=" + e.serving_carrier);
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<NpdProcess> npd_;
  std::unique_ptr<NpdClient> client_;
};

TEST_F(WithRealNpdTest, TheDonorSimApprovesAndThreeSimsCarryThePortToCompletion) {
  Sim cmcc(npd_->address(), "cmcc", dir_.Sub("cmcc.db"));
  Sim cucc(npd_->address(), "cucc", dir_.Sub("cucc.db"));
  Sim ctcc(npd_->address(), "ctcc", dir_.Sub("ctcc.db"));
  const npd::v1::Port port = client_->StartPort("cmcc", "cucc", Number(0), kBeijing);
  ASSERT_EQ(port.state(), npd::v1::PORT_STATE_PENDING_DONOR);
  ASSERT_TRUE(client_->WaitForState(port.port_id(), npd::v1::PORT_STATE_COMPLETED, 15))
      << "state " << client_->GetPort("operator", port.port_id()).response.port().state();
  EXPECT_EQ(cmcc.donor().approved, 1u);
  EXPECT_EQ(cucc.donor().answered(), 0u);
  for (Sim* sim : {&cmcc, &cucc, &ctcc}) {
    const auto entries = sim->db().Entries().value();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0], (LocalEntry{Number(0), "cucc", "cmcc", "", port.port_id(), 1}));
    EXPECT_EQ(sim->db().Position().value(), 1u);
    EXPECT_TRUE(sim->Stop().ok());
    EXPECT_GE(sim->feed().confirmations, 1u);
  }
}

TEST_F(WithRealNpdTest, TheDonorRejectsWithTheConfiguredReasonOrStaysSilent) {
  DonorPolicy rejecting;
  rejecting.approve_ratio = 0;
  rejecting.reject_reasons = {npd::v1::REASON_CODE_R05_LOCK_IN_CONTRACT};
  auto sim = std::make_unique<Sim>(npd_->address(), "cmcc", dir_.Sub("cmcc.db"), rejecting);
  const npd::v1::Port rejected = client_->StartPort("cmcc", "cucc", Number(1), kBeijing);
  ASSERT_TRUE(client_->WaitForState(rejected.port_id(), npd::v1::PORT_STATE_REJECTED, 10));
  const auto refusal = client_->GetPort("operator", rejected.port_id()).response.port().refusal();
  EXPECT_THAT(refusal.reasons(), ElementsAre(npd::v1::REASON_CODE_R05_LOCK_IN_CONTRACT));
  EXPECT_EQ(sim->donor().rejected, 1u);
  sim.reset();

  DonorPolicy silent;
  silent.silence_ratio = 1;
  sim = std::make_unique<Sim>(npd_->address(), "cmcc", dir_.Sub("cmcc.db"), silent);
  const npd::v1::Port ignored = client_->StartPort("cmcc", "cucc", Number(2), kBeijing);
  for (int i = 0; i < 100 && sim->donor().silenced == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // several more polls
  EXPECT_EQ(sim->donor().silenced, 1u);
  EXPECT_EQ(sim->donor().answered(), 0u);
  EXPECT_EQ(client_->GetPort("operator", ignored.port_id()).response.port().state(),
            npd::v1::PORT_STATE_PENDING_DONOR);
}

TEST_F(WithRealNpdTest, AStoppedFollowerCatchesUpWithoutGapsOrDuplicates) {
  for (int i = 0; i < 3; ++i) PortApproved(i);
  {
    Sim ctcc(npd_->address(), "ctcc", dir_.Sub("ctcc.db"));
    ASSERT_TRUE(ctcc.WaitConfirmed(3, 10));
  }
  for (int i = 3; i < 8; ++i) PortApproved(i);
  Sim ctcc(npd_->address(), "ctcc", dir_.Sub("ctcc.db"));
  ASSERT_TRUE(ctcc.WaitConfirmed(8, 10));
  EXPECT_EQ(ctcc.feed().applied, 5u);  // only the changes made while it was away
  EXPECT_EQ(Numbers(ctcc.db()).size(), 8u);
  const auto log = ctcc.db().AppliedLog().value();
  EXPECT_EQ(log.size(), 8u);
  EXPECT_TRUE(VerifyAppliedLog(log).ok()) << VerifyAppliedLog(log);
}

TEST_F(WithRealNpdTest, ASigkilledSimulatorProcessResumesWithoutGapsOrDuplicates) {
  const std::string db_path = dir_.Sub("ctcc.db");
  const std::vector<std::string> args = {"--server",
                                         npd_->address(),
                                         "--tls-dir",
                                         testing::TestPki::Shared().DirFor({"ctcc"}),
                                         "--carrier",
                                         "ctcc",
                                         "--db",
                                         db_path,
                                         "run",
                                         "--no-donor",
                                         "--confirm-every",
                                         "1"};
  constexpr int kPorts = 24;
  std::atomic<int> made{0};
  std::thread producer([&] {
    NpdClient own(npd_->address());
    for (int i = 0; i < kPorts; ++i) {
      auto port = own.StartPort("cmcc", "cucc", Number(100 + i), kBeijing);
      if (own.Approve("cmcc", port.port_id()).ok()) ++made;
    }
  });
  auto position = [&] {
    auto db = LocalNpDb::Open(db_path);
    return db.ok() ? db.value()->Position().value_or(0) : 0;
  };
  {
    testing::NpctlProcess sim(SIM_BINARY, args);
    for (int i = 0; i < 500 && position() < 4; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    sim.Signal(SIGKILL);
    EXPECT_EQ(sim.Wait().exit_code, 128 + SIGKILL);
  }
  const uint64_t at_kill = position();
  EXPECT_GE(at_kill, 4u);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  testing::NpctlProcess sim(SIM_BINARY, args);
  producer.join();
  ASSERT_EQ(made, kPorts);
  for (int i = 0; i < 500 && position() < kPorts; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  sim.Signal(SIGTERM);
  const testing::NpctlResult result = sim.Wait();
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("changes applied"));
  EXPECT_THAT(result.out, HasSubstr(absl::StrFormat("position %d, confirmed %d", kPorts, kPorts)));

  auto db = std::move(LocalNpDb::Open(db_path).value());
  EXPECT_EQ(db->Position().value(), static_cast<uint64_t>(kPorts));
  EXPECT_EQ(Numbers(*db).size(), static_cast<size_t>(kPorts));
  const auto log = db->AppliedLog().value();
  EXPECT_EQ(log.size(), static_cast<size_t>(kPorts));
  EXPECT_TRUE(VerifyAppliedLog(log).ok()) << VerifyAppliedLog(log);
  // npd has ctcc's confirmation of the last change.
  EXPECT_TRUE(client_->ReadFeed("ctcc", 0, 1, 1).empty());

  const testing::NpctlResult dump = testing::RunNpctl(SIM_BINARY, {"--db", db_path, "dump"});
  EXPECT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_THAT(dump.out, StartsWith(absl::StrFormat("position %d, %d entries\n", kPorts, kPorts)));
  EXPECT_THAT(dump.out, HasSubstr(Number(100) + " cucc cmcc P"));
}

TEST_F(WithRealNpdTest, RunStopsAfterItsDurationAndPrintsASummary) {
  PortApproved(0);
  const testing::NpctlResult run =
      testing::RunNpctl(SIM_BINARY, {"--server", npd_->address(), "--tls-dir",
                                     testing::TestPki::Shared().DirFor({"cucc"}), "--carrier",
                                     "cucc", "--db", dir_.Sub("c.db"), "run", "--duration", "1"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, StartsWith("carrier cucc: 1 changes applied, 1 confirmations, 0 ports "
                                  "answered"));
}

// A number return reaches every simulator (its entry goes), a fresh database re-syncs from npd's
// snapshot to the same entries, and the audit against the real npd finds exactly the entries
// planted wrong, repairs them, and is clean afterwards.
TEST_F(WithRealNpdTest, ReturnResyncAndAuditAgreeWithTheRealNpd) {
  std::vector<std::string> ports;
  {
    Sim cmcc(npd_->address(), "cmcc", dir_.Sub("cmcc.db"));
    Sim cucc(npd_->address(), "cucc", dir_.Sub("cucc.db"));
    Sim ctcc(npd_->address(), "ctcc", dir_.Sub("ctcc.db"));
    for (int i = 0; i < 4; ++i) {
      ports.push_back(client_->StartPort("cmcc", "cucc", Number(i), kBeijing).port_id());
    }
    for (const auto& id : ports) {
      ASSERT_TRUE(client_->WaitForState(id, npd::v1::PORT_STATE_COMPLETED, 15)) << id;
    }
    auto reported = client_->Disconnect("cucc", Number(0), absl::InfinitePast());
    ASSERT_TRUE(reported.ok()) << reported.status.error_message();
    ASSERT_TRUE(client_->WaitForState(reported.response.port().port_id(),
                                      npd::v1::PORT_STATE_RETURNED, 15));
    const uint64_t head = client_->GetPort("operator", reported.response.port().port_id())
                              .response.port()
                              .routing_sequence();
    for (Sim* sim : {&cmcc, &cucc, &ctcc}) {
      ASSERT_TRUE(sim->WaitConfirmed(head, 10));
      ASSERT_TRUE(sim->Stop().ok());
      EXPECT_THAT(Numbers(sim->db()),
                  ElementsAre(Number(1) + "=cucc", Number(2) + "=cucc", Number(3) + "=cucc"));
    }
  }

  auto channel = testing::TestChannel(npd_->address(), "ctcc");
  const auto timeout = std::chrono::milliseconds(5000);
  auto fresh = LocalNpDb::Open(dir_.Sub("fresh.db")).value();
  auto resynced = ResyncFromSnapshot(channel, "ctcc", *fresh, timeout);
  ASSERT_TRUE(resynced.ok()) << resynced.status();
  EXPECT_EQ(resynced->entries, 3u);
  EXPECT_EQ(resynced->feed_sequence, 5u) << "four ports and one return";
  EXPECT_TRUE(resynced->confirm.ok()) << resynced->confirm;
  EXPECT_THAT(Numbers(*fresh),
              ElementsAre(Number(1) + "=cucc", Number(2) + "=cucc", Number(3) + "=cucc"));
  EXPECT_EQ(fresh->Entries().value()[0].port_id, ports[1]);

  auto clean = RunAudit(channel, "ctcc", *fresh, /*repair=*/false, timeout);
  ASSERT_TRUE(clean.ok()) << clean.status();
  EXPECT_TRUE(clean->clean());

  // Plant two faults: a wrong serving carrier and an entry npd does not have.
  npd::v1::RoutingEntry wrong;
  wrong.set_msisdn(Number(2));
  wrong.set_serving_carrier("ctcc");
  wrong.set_range_holder("cmcc");
  npd::v1::RoutingEntry extra;
  extra.set_msisdn(Number(9));
  extra.set_serving_carrier("cucc");
  extra.set_range_holder("cmcc");
  ASSERT_TRUE(fresh->Repair({wrong, extra}).ok());
  auto found = RunAudit(channel, "ctcc", *fresh, /*repair=*/true, timeout);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->differences.size(), 2u);
  EXPECT_EQ(found->differences[0].msisdn(), Number(2));
  EXPECT_EQ(found->differences[0].carrier_serving(), "ctcc");
  EXPECT_EQ(found->differences[0].correct().serving_carrier(), "cucc");
  EXPECT_EQ(found->differences[1].msisdn(), Number(9));
  EXPECT_EQ(found->differences[1].correct().serving_carrier(), "cmcc") << "delete your entry";
  EXPECT_TRUE(found->repaired);
  auto after = RunAudit(channel, "ctcc", *fresh, /*repair=*/false, timeout);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE(after->clean());
  EXPECT_THAT(Numbers(*fresh),
              ElementsAre(Number(1) + "=cucc", Number(2) + "=cucc", Number(3) + "=cucc"));
}

}  // namespace
}  // namespace npd::carrier_sim
