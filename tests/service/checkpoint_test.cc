// AdminService.Checkpoint over real gRPC: a checkpoint of a running npd holds exactly what was
// committed before it (the store opened directly, and a second npd started on it), later writes
// are absent, the identity secret travels with it, and the failure paths.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "npd/v1/admin.grpc.pb.h"
#include "storage/rocks_store.h"
#include "tests/service/npd_fixture.h"
#include "tests/support/npd_client.h"

namespace npd::testing {
namespace {

constexpr char kCodeNumber[] = "13800138001";
constexpr char kLaterNumber[] = "13800138002";

class CheckpointTest : public NpdTest {
 protected:
  // The identity secret is kept in the data dir (as without security.identity_secret), and the
  // data dir can be switched to a checkpoint before a restart.
  void Configure(Config& config) override {
    config.identity_secret.clear();
    if (!restore_from_.empty()) config.data_dir = restore_from_;
  }

  grpc::Status Checkpoint(const std::string& as, const std::string& directory,
                          npd::v1::CheckpointResponse* response = nullptr) {
    auto stub = npd::v1::AdminService::NewStub(ChannelAs(as));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    npd::v1::CheckpointRequest request;
    request.set_directory(directory);
    npd::v1::CheckpointResponse ignored;
    return stub->Checkpoint(&context, request, response != nullptr ? response : &ignored);
  }

  // A cmcc -> cucc port of `msisdn`, approved and confirmed by every carrier; its id.
  std::string CompletePort(const std::string& msisdn) {
    const npd::v1::Port port = client().StartPort("cmcc", "cucc", msisdn, kBeijing);
    EXPECT_EQ(port.state(), npd::v1::PORT_STATE_PENDING_DONOR);
    EXPECT_TRUE(client().Approve("cmcc", port.port_id()).ok());
    EXPECT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
    const uint64_t sequence =
        client().GetPort("operator", port.port_id()).response.port().routing_sequence();
    for (const char* carrier : {"cmcc", "ctcc", "cucc"}) {
      EXPECT_TRUE(client().Confirm(carrier, sequence).ok());
    }
    EXPECT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_COMPLETED, 10));
    return port.port_id();
  }

  std::string restore_from_;
};

TEST_F(CheckpointTest, RestoredNpdServesExactlyWhatTheCheckpointHolds) {
  const std::string completed = CompletePort(kCmccNumber);
  // A code issued before the checkpoint, used only after the restore: it matches only if the
  // restored npd hashes with the same identity secret.
  const auto code = client().IssueCode("cmcc", kCodeNumber, Holder());
  ASSERT_TRUE(code.ok() && code.response.issued());

  const std::string backup = dir_.Sub("backup");
  npd::v1::CheckpointResponse checkpoint;
  grpc::Status status = Checkpoint("operator", backup, &checkpoint);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(checkpoint.directory(), backup);
  EXPECT_EQ(checkpoint.feed_head(), 1u);
  EXPECT_GT(checkpoint.last_event_sequence(), 0u);
  EXPECT_TRUE(checkpoint.identity_secret_included());
  EXPECT_TRUE(std::filesystem::is_directory(backup + "/db"));
  const auto secret_mode = std::filesystem::status(backup + "/identity.secret").permissions();
  EXPECT_EQ(secret_mode, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  // npd goes on serving: a port after the checkpoint.
  const npd::v1::Port later = client().StartPort("cmcc", "cucc", kLaterNumber, kBeijing);
  ASSERT_EQ(later.state(), npd::v1::PORT_STATE_PENDING_DONOR);

  // Restore: stop npd, start it on the checkpoint directory as its data dir.
  StopServer();
  {
    // The database itself holds exactly the counters the response named.
    storage::RocksOptions options;
    options.path = backup + "/db";
    auto store = storage::OpenRocksStore(options);
    ASSERT_TRUE(store.ok()) << store.status();
    auto counters = (*store)->LoadCounters();
    ASSERT_TRUE(counters.ok());
    EXPECT_EQ(counters->last_event_sequence(), checkpoint.last_event_sequence());
    EXPECT_EQ(counters->last_feed_sequence(), checkpoint.feed_head());
    EXPECT_EQ((*store)->GetPort(later.port_id()).value(), std::nullopt);
  }
  restore_from_ = backup;
  StartServer();

  auto port = client().GetPort("operator", completed);
  ASSERT_TRUE(port.ok()) << port.status.error_message();
  EXPECT_EQ(port.response.port().state(), npd::v1::PORT_STATE_COMPLETED);
  EXPECT_EQ(client().GetPort("operator", later.port_id()).status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  auto lookup = client().Lookup("ctcc", kCmccNumber);
  ASSERT_TRUE(lookup.ok());
  EXPECT_EQ(lookup.response.number().serving_carrier(), "cucc");
  EXPECT_EQ(client().ReadFeed("ctcc", 1, 2, 1).size(), 1u);

  // The code from before the checkpoint is accepted; the port numbering goes on from the
  // checkpoint, so the new port gets the id the lost one had.
  auto submitted = client().Submit("cucc", kCodeNumber, code.response.code(), Holder(), kBeijing);
  ASSERT_TRUE(submitted.ok()) << submitted.status.error_message();
  EXPECT_EQ(submitted.response.port().state(), npd::v1::PORT_STATE_PENDING_DONOR)
      << submitted.response.port().ShortDebugString();
  EXPECT_EQ(submitted.response.port().port_id(), later.port_id());
}

TEST_F(CheckpointTest, CheckpointWhileWritesGoOnHoldsTheCountersItNames) {
  std::atomic<bool> stop{false};
  std::atomic<int> issued{0};
  std::thread writer([&] {
    NpdClient writer_client(server_->address());
    while (!stop) {
      if (writer_client.IssueCode("cmcc", kCodeNumber, Holder()).ok()) ++issued;
    }
  });
  while (issued < 5) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::string backup = dir_.Sub("busy");
  npd::v1::CheckpointResponse checkpoint;
  grpc::Status status = Checkpoint("operator", backup, &checkpoint);
  const int issued_at_checkpoint = issued;
  while (issued < issued_at_checkpoint + 5) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop = true;
  writer.join();
  ASSERT_TRUE(status.ok()) << status.error_message();

  storage::RocksOptions options;
  options.path = backup + "/db";
  auto store = storage::OpenRocksStore(options);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->LoadCounters().value().last_event_sequence(),
            checkpoint.last_event_sequence());
  auto snapshot = (*store)->Snapshot();
  ASSERT_TRUE(snapshot.ok());
  uint64_t events = 0;
  ASSERT_TRUE((*snapshot)
                  ->ScanEvents([&](const npd::store::v1::EventRecord&) {
                    ++events;
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(events, checkpoint.last_event_sequence());
}

TEST_F(CheckpointTest, FailurePathsWriteNothing) {
  const std::string existing = dir_.Sub("existing");
  ASSERT_TRUE(std::filesystem::create_directory(existing));
  std::ofstream(existing + "/keep") << "mine";

  grpc::Status relative = Checkpoint("operator", "backup");
  EXPECT_EQ(relative.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(relative.error_message(), ::testing::HasSubstr("not absolute"));
  EXPECT_EQ(Checkpoint("operator", "").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Checkpoint("operator", existing).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_TRUE(std::filesystem::exists(existing + "/keep"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(existing),
                          std::filesystem::directory_iterator()),
            1);
  EXPECT_EQ(Checkpoint("operator", dir_.Sub("no/such/parent")).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  const std::string by_carrier = dir_.Sub("by-carrier");
  grpc::Status carrier = Checkpoint("cmcc", by_carrier);
  EXPECT_EQ(carrier.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Checkpoint("", by_carrier).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_FALSE(std::filesystem::exists(by_carrier));
}

}  // namespace
}  // namespace npd::testing
