// The real npd binary, killed with SIGKILL at chosen points and restarted on the same data: nothing
// acknowledged is lost and every port carries on from where it was, timers included.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_format.h"
#include "tests/support/npd_client.h"
#include "tests/support/npd_process.h"
#include "tests/support/temp_dir.h"

namespace npd::testing {
namespace {

constexpr char kNumber[] = "13800138000";
constexpr char kBeijing[] = "010";

class CrashRestartTest : public ::testing::Test {
 protected:
  void Launch(std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> settings = {
        {"plan.dir", NPD_DATA_DIR},
        {"security.identity_secret", "crash-test-secret"},
        {"porting.cutover_mode", "immediate"},
        {"server.drain_timeout", "2s"},
    };
    for (auto& [k, v] : extra) settings[k] = v;
    npd_ = std::make_unique<NpdProcess>(NPD_BINARY, dir_.Sub("data"), settings);
    ASSERT_TRUE(npd_->Start()) << "npd did not start; see " << npd_->log_path();
    client_ = std::make_unique<NpdClient>(npd_->address());
    ASSERT_TRUE(client_->WaitReady(10));
  }
  // SIGKILL, then start again on the same data with the same settings.
  void KillAndRestart() {
    npd_->Stop(SIGKILL);
    ASSERT_TRUE(npd_->Start()) << "npd did not restart; see " << npd_->log_path();
    client_ = std::make_unique<NpdClient>(npd_->address());
    ASSERT_TRUE(client_->WaitReady(10));
  }
  npd::v1::PortState State(const std::string& port_id) {
    return client_->GetPort("operator", port_id).response.port().state();
  }
  void ConfirmAll(uint64_t sequence, std::vector<std::string> carriers = {"cmcc", "ctcc", "cucc"}) {
    for (const auto& c : carriers) ASSERT_TRUE(client_->Confirm(c, sequence).ok());
  }

  TempDir dir_;
  std::unique_ptr<NpdProcess> npd_;
  std::unique_ptr<NpdClient> client_;
};

TEST_F(CrashRestartTest, KilledBeforeApprovalThePortCarriesOn) {
  Launch();
  auto port = client_->StartPort("cmcc", "cucc", kNumber, kBeijing);
  ASSERT_EQ(port.state(), npd::v1::PORT_STATE_PENDING_DONOR);
  KillAndRestart();
  EXPECT_EQ(State(port.port_id()), npd::v1::PORT_STATE_PENDING_DONOR);
  ASSERT_TRUE(client_->Approve("cmcc", port.port_id()).ok());
  ASSERT_TRUE(client_->WaitForState(port.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
  ConfirmAll(1);
  EXPECT_EQ(State(port.port_id()), npd::v1::PORT_STATE_COMPLETED);
  EXPECT_EQ(client_->Lookup("ctcc", kNumber).response.number().serving_carrier(), "cucc");
}

TEST_F(CrashRestartTest, KilledBetweenApprovalAndCutoverTheOverdueCutoverRunsAtStart) {
  Launch({{"porting.cutover_mode", "window"}, {"porting.cutover_window", "00:00-00:01"}});
  auto port = client_->StartPort("cmcc", "cucc", kNumber, kBeijing);
  auto approved = client_->Approve("cmcc", port.port_id());
  ASSERT_TRUE(approved.ok());
  ASSERT_EQ(approved.response.port().state(), npd::v1::PORT_STATE_SCHEDULED);
  const int64_t due = approved.response.port().cutover_at().seconds();
  npd_->Stop(SIGKILL);
  // Restart with immediate cutover configured: the stored absolute due time still rules, so the
  // port stays SCHEDULED until then (unless the window opened during this test).
  ASSERT_TRUE(npd_->Start());
  client_ = std::make_unique<NpdClient>(npd_->address());
  ASSERT_TRUE(client_->WaitReady(10));
  auto after = client_->GetPort("operator", port.port_id()).response.port();
  EXPECT_EQ(after.cutover_at().seconds(), due);
  if (absl::FromUnixSeconds(due) > absl::Now() + absl::Seconds(5)) {
    EXPECT_EQ(after.state(), npd::v1::PORT_STATE_SCHEDULED);
  }
}

TEST_F(CrashRestartTest, KilledDuringConfirmationsTheRestStillComplete) {
  Launch();
  auto port = client_->StartPort("cmcc", "cucc", kNumber, kBeijing);
  ASSERT_TRUE(client_->Approve("cmcc", port.port_id()).ok());
  ASSERT_TRUE(client_->WaitForState(port.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
  ConfirmAll(1, {"cmcc"});
  KillAndRestart();
  auto during = client_->GetPort("operator", port.port_id()).response.port();
  EXPECT_EQ(during.state(), npd::v1::PORT_STATE_CUTOVER);
  EXPECT_THAT(during.confirmed_by(), ::testing::ElementsAre("cmcc"));
  EXPECT_THAT(during.pending_confirmations(), ::testing::ElementsAre("ctcc", "cucc"));
  // cmcc resumes after its confirmed position: nothing is delivered twice.
  EXPECT_TRUE(client_->ReadFeed("cmcc", 0, 1, 1).empty());
  EXPECT_EQ(client_->ReadFeed("ctcc", 0, 1, 5).size(), 1u);
  ConfirmAll(1, {"ctcc"});
  KillAndRestart();
  ConfirmAll(1, {"cucc"});
  EXPECT_EQ(State(port.port_id()), npd::v1::PORT_STATE_COMPLETED);
}

TEST_F(CrashRestartTest, TimersDueWhileDownFireAfterRestart) {
  Launch({{"porting.donor_answer_time", "2s"}, {"porting.donor_timeout_policy", "deemed_consent"}});
  auto port = client_->StartPort("cmcc", "cucc", kNumber, kBeijing);
  ASSERT_EQ(port.state(), npd::v1::PORT_STATE_PENDING_DONOR);
  npd_->Stop(SIGKILL);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  ASSERT_TRUE(npd_->Start());
  client_ = std::make_unique<NpdClient>(npd_->address());
  ASSERT_TRUE(client_->WaitReady(10));
  // The donor deadline passed while npd was down: deemed consent, then the (immediate) cutover.
  ASSERT_TRUE(client_->WaitForState(port.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
  EXPECT_TRUE(client_->GetPort("operator", port.port_id()).response.port().deemed_consent());
}

TEST_F(CrashRestartTest, EveryAcknowledgedWriteSurvivesSigkillUnderLoad) {
  Launch();
  std::mutex mu;
  std::map<std::string, npd::v1::PortState> acked;  // port id -> state the client was told
  std::atomic<bool> stop{false};
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      NpdClient own(npd_->address());
      while (!stop) {
        const std::string msisdn = absl::StrFormat("1380013%04d", next++ % 10000);
        auto code = own.IssueCode("cmcc", msisdn, Holder());
        if (!code.ok() || !code.response.issued()) continue;
        auto sub = own.Submit("cucc", msisdn, code.response.code(), Holder(), kBeijing);
        if (!sub.ok()) continue;
        std::lock_guard lock(mu);
        acked[sub.response.port().port_id()] = sub.response.port().state();
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  npd_->Stop(SIGKILL);
  stop = true;
  for (auto& t : workers) t.join();
  ASSERT_GT(acked.size(), 10u) << "the load did not get going";
  ASSERT_TRUE(npd_->Start());
  client_ = std::make_unique<NpdClient>(npd_->address());
  ASSERT_TRUE(client_->WaitReady(10));
  for (const auto& [id, state] : acked) {
    auto reply = client_->GetPort("operator", id);
    ASSERT_TRUE(reply.ok()) << id << " was acknowledged but is lost";
    EXPECT_EQ(reply.response.port().state(), state) << id;
  }
  std::printf("acknowledged ports checked after SIGKILL: %zu\n", acked.size());
}

TEST_F(CrashRestartTest, SigtermStopsCleanly) {
  Launch();
  client_->StartPort("cmcc", "cucc", kNumber, kBeijing);
  const int status = npd_->Stop(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace npd::testing
