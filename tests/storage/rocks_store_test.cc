// What only the RocksDB store does: data on disk across close, reopen and SIGKILL; the directory
// lock; records that do not parse; a data dir written before the refund column families existed;
// checkpoints.
#include "storage/rocks_store.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "storage/rocks_store_testing.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace npd::storage {
namespace {

using ::npd::storage::testing::ChildWriteSet;
using ::npd::storage::testing::EqualsProto;
using ::npd::storage::testing::Event;
using ::npd::storage::testing::ExpectSampleWriteSet;
using ::npd::storage::testing::MakeCounters;
using ::npd::storage::testing::Outbox;
using ::npd::storage::testing::Port;
using ::npd::storage::testing::Refund;
using ::npd::storage::testing::SampleWriteSet;
using ::npd::storage::testing::ScratchDir;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Optional;

class RocksStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    options_.path = dir_.path() + "/db";
  }

  std::unique_ptr<Store> Open() {
    auto store = OpenRocksStore(options_);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  ScratchDir dir_;
  RocksOptions options_;
};

// Starts rocks_store_child (see rocks_store_child.cc) in `mode` on `path` with fork + exec, its
// stdout on a pipe whose read end goes to *child_stdout. Returns the pid, or -1.
pid_t StartChild(const std::string& mode, const std::string& path, int* child_stdout) {
  int out[2];
  if (pipe(out) != 0) return -1;
  std::string program = NPD_ROCKS_STORE_CHILD;
  std::vector<char*> argv = {program.data(), const_cast<char*>(mode.c_str()),
                             const_cast<char*>(path.c_str()), nullptr};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  *child_stdout = out[0];
  return pid;
}

// Reads one byte from `fd`, waiting at most `timeout`. '\0' on timeout, EOF or error.
char ReadByte(int fd, std::chrono::milliseconds timeout) {
  pollfd readable = {fd, POLLIN, 0};
  char byte = 0;
  if (poll(&readable, 1, static_cast<int>(timeout.count())) != 1 || read(fd, &byte, 1) != 1) {
    return 0;
  }
  return byte;
}

// Waits up to `timeout` for `pid` to end; kills it if it does not. Returns its wait status, or -1.
int WaitBounded(pid_t pid, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

TEST_F(RocksStoreTest, DataSurvivesCloseAndReopen) {
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Commit(SampleWriteSet()).ok());
  }
  auto store = Open();
  ASSERT_NE(store, nullptr);
  ExpectSampleWriteSet(*store);
}

TEST_F(RocksStoreTest, CheckpointHoldsExactlyWhatWasCommittedBeforeItAndOpensAsAStore) {
  const std::string checkpoint = dir_.path() + "/checkpoint";
  auto store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Commit(SampleWriteSet()).ok());
  auto counters = store->CreateCheckpoint(checkpoint);
  ASSERT_TRUE(counters.ok()) << counters.status();
  EXPECT_EQ(counters->last_event_sequence(), 7u);
  EXPECT_EQ(counters->last_feed_sequence(), 4u);
  // The live store goes on after the checkpoint; the copy does not see it.
  WriteSet later;
  later.ports.push_back(
      Port("P000000000002", "13800000002", "cmcc", "cucc", npd::v1::PORT_STATE_PENDING_DONOR));
  later.counters = MakeCounters(2, 8, 4);
  ASSERT_TRUE(store->Commit(later).ok());

  RocksOptions copy_options;
  copy_options.path = checkpoint;
  auto copy = OpenRocksStore(copy_options);
  ASSERT_TRUE(copy.ok()) << copy.status();
  ExpectSampleWriteSet(**copy);
  EXPECT_EQ((*copy)->GetPort("P000000000002").value(), std::nullopt);
  EXPECT_THAT((*copy)->LoadCounters().value(), EqualsProto(*counters));
  EXPECT_TRUE(store->GetPort("P000000000002").value().has_value());
}

// Every commit writes one event and the counters naming it: a checkpoint taken while commits go
// on holds events 1..N and counters saying N, i.e. the column families agree.
TEST_F(RocksStoreTest, CheckpointWhileCommitsGoOnIsConsistentAcrossColumnFamilies) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> committed{0};
  std::thread writer([&] {
    for (uint64_t sequence = 1; !stop; ++sequence) {
      WriteSet ws;
      ws.events.push_back(Event("138" + std::to_string(10'000'000 + sequence % 97), sequence));
      ws.counters = MakeCounters(0, sequence, 0);
      if (!store->Commit(ws).ok()) break;
      committed = sequence;
    }
  });
  while (committed < 200) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const std::string checkpoint = dir_.path() + "/checkpoint";
  auto counters = store->CreateCheckpoint(checkpoint);
  const uint64_t committed_after = committed;
  stop = true;
  writer.join();
  ASSERT_TRUE(counters.ok()) << counters.status();
  EXPECT_GE(counters->last_event_sequence(), 200u);
  EXPECT_LE(counters->last_event_sequence(), committed_after + 1);

  RocksOptions copy_options;
  copy_options.path = checkpoint;
  auto copy = OpenRocksStore(copy_options);
  ASSERT_TRUE(copy.ok()) << copy.status();
  auto snapshot = (*copy)->Snapshot();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  std::vector<uint64_t> sequences;
  ASSERT_TRUE((*snapshot)
                  ->ScanEvents([&](const npd::store::v1::EventRecord& e) {
                    sequences.push_back(e.sequence());
                    return absl::OkStatus();
                  })
                  .ok());
  std::sort(sequences.begin(), sequences.end());
  ASSERT_EQ(sequences.size(), counters->last_event_sequence());
  for (size_t i = 0; i < sequences.size(); ++i) ASSERT_EQ(sequences[i], i + 1);
}

TEST_F(RocksStoreTest, CheckpointIntoAnExistingDirectoryIsAlreadyExistsAndLeavesItAlone) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  const std::string existing = dir_.path() + "/existing";
  ASSERT_TRUE(std::filesystem::create_directory(existing));
  std::ofstream(existing + "/keep") << "mine";
  EXPECT_EQ(store->CreateCheckpoint(existing).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(std::filesystem::exists(existing + "/keep"));
  EXPECT_EQ(store->CreateCheckpoint(dir_.path() + "/no/such/parent/checkpoint").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RocksStoreTest, CreatesMissingParentDirectories) {
  options_.path = dir_.path() + "/a/b/db";
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->Commit(SampleWriteSet()).ok());
}

TEST_F(RocksStoreTest, WorksWithoutSyncedWrites) {
  options_.sync_writes = false;
  options_.block_cache_bytes = 1u << 20;
  auto store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Commit(SampleWriteSet()).ok());
  ExpectSampleWriteSet(*store);
}

TEST_F(RocksStoreTest, EmptyPathIsInvalidArgument) {
  options_.path.clear();
  EXPECT_EQ(OpenRocksStore(options_).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RocksStoreTest, UnusableDirectoryIsUnavailable) {
  options_.path = dir_.path() + "/file";
  std::ofstream(options_.path) << "not a directory";
  EXPECT_EQ(OpenRocksStore(options_).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(RocksStoreTest, SecondOpenInThisProcessIsUnavailable) {
  auto first = Open();
  ASSERT_NE(first, nullptr);
  auto second = OpenRocksStore(options_);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("in use by another npd"));
}

TEST_F(RocksStoreTest, SecondOpenFromAnotherProcessIsUnavailable) {
  int child_stdout = -1;
  const pid_t child = StartChild("hold", options_.path, &child_stdout);
  ASSERT_GT(child, 0);
  const char ready = ReadByte(child_stdout, std::chrono::seconds(30));
  close(child_stdout);
  absl::Status second = ready == '1' ? OpenRocksStore(options_).status() : absl::OkStatus();
  kill(child, SIGKILL);
  WaitBounded(child, std::chrono::seconds(10));
  ASSERT_EQ(ready, '1') << "the child could not open the store";
  EXPECT_EQ(second.code(), absl::StatusCode::kUnavailable) << second;
  EXPECT_THAT(std::string(second.message()), HasSubstr("in use by another npd"));

  // The lock goes with the process that held it.
  EXPECT_NE(Open(), nullptr);
}

TEST_F(RocksStoreTest, CommittedDataSurvivesSigkill) {
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Commit(SampleWriteSet()).ok());
  }
  // The child reopens, commits ChildWriteSet() and SIGKILLs itself the moment Commit returns.
  int child_stdout = -1;
  const pid_t child = StartChild("commit-and-die", options_.path, &child_stdout);
  ASSERT_GT(child, 0);
  close(child_stdout);
  const int status = WaitBounded(child, std::chrono::seconds(30));
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child wait status " << status;

  auto store = Open();
  ASSERT_NE(store, nullptr);
  const WriteSet child_ws = ChildWriteSet();
  EXPECT_THAT(store->GetNumber("13900000009").value(), Optional(EqualsProto(child_ws.numbers[0])));
  EXPECT_THAT(store->ReadHistory("13900000009", 0, 10).value(),
              ElementsAre(EqualsProto(child_ws.events[0])));
  EXPECT_THAT(store->ReadFeed(1, 10).value(),
              ElementsAre(EqualsProto(SampleWriteSet().feed[0]), EqualsProto(child_ws.feed[0])));
  EXPECT_THAT(store->LoadCounters().value(), EqualsProto(*child_ws.counters));
  // What was committed before is intact too.
  EXPECT_THAT(store->GetPort("P000000000001").value(),
              Optional(EqualsProto(SampleWriteSet().ports[0])));
}

TEST_F(RocksStoreTest, UnparsableRecordIsInternalNamingColumnFamilyAndKey) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  const std::string garbage("\x0a\xff", 2);  // a length-delimited field whose length is cut off

  ASSERT_TRUE(PutRawForTesting(*store, "numbers", "13800000001", garbage).ok());
  auto number = store->GetNumber("13800000001");
  EXPECT_EQ(number.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(number.status().message()), HasSubstr("numbers"));
  EXPECT_THAT(std::string(number.status().message()), HasSubstr("\"13800000001\""));

  // Binary keys are named in hex: "13800000002" '\0' and sequence 1.
  ASSERT_TRUE(
      PutRawForTesting(*store, "events", std::string("13800000002\0\0\0\0\0\0\0\0\1", 20), garbage)
          .ok());
  auto history = store->ReadHistory("13800000002", 0, 10);
  EXPECT_EQ(history.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(history.status().message()), HasSubstr("events"));
  EXPECT_THAT(std::string(history.status().message()),
              HasSubstr("0x3133383030303030303032000000000000000001"));

  ASSERT_TRUE(PutRawForTesting(*store, "ports", "P01", garbage).ok());
  EXPECT_EQ(store->ListPorts(PortQuery()).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(store->GetPort("P01").status().code(), absl::StatusCode::kInternal);

  ASSERT_TRUE(PutRawForTesting(*store, "meta", "counters", garbage).ok());
  EXPECT_EQ(store->LoadCounters().status().code(), absl::StatusCode::kInternal);

  EXPECT_EQ(PutRawForTesting(*store, "nope", "k", "v").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RocksStoreTest, UnparsableRefundOrOutboxIsInternalNamingColumnFamily) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  const std::string garbage("\x0a\xff", 2);
  WriteSet ws;
  ws.ports.push_back(
      Port("P000000000001", "13800000001", "cmcc", "cucc", npd::v1::PORT_STATE_COMPLETED));
  ASSERT_TRUE(store->Commit(ws).ok());

  ASSERT_TRUE(PutRawForTesting(*store, "refunds", "R000000000001", garbage).ok());
  auto refund = store->GetRefund("R000000000001");
  EXPECT_EQ(refund.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(refund.status().message()), HasSubstr("refunds"));
  EXPECT_THAT(std::string(refund.status().message()), HasSubstr("\"R000000000001\""));
  EXPECT_EQ(store->ListRefunds(RefundQuery()).status().code(), absl::StatusCode::kInternal);
  RefundQuery by_number;
  by_number.msisdn = "13800000001";
  EXPECT_EQ(store->ListRefunds(by_number).status().code(), absl::StatusCode::kInternal);

  ASSERT_TRUE(PutRawForTesting(*store, "outbox", "R000000000001", garbage).ok());
  EXPECT_EQ(store->GetOutbox("R000000000001").status().code(), absl::StatusCode::kInternal);
  auto outbox = store->LoadOutbox();
  EXPECT_EQ(outbox.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(outbox.status().message()), HasSubstr("outbox"));
}

TEST_F(RocksStoreTest, RefundsAndOutboxSurviveReopen) {
  const auto paid =
      Refund("R000000000001", "13800000001", "cmcc", "GD", npd::v1::REFUND_STATE_CLOSED_PAID);
  const auto waiting =
      Refund("R000000000002", "13800000002", "ctcc", "BJ", npd::v1::REFUND_STATE_AWAIT_CLAIM);
  const auto close = Outbox("R000000000002", npd::v1::REFUND_STEP_CLOSE_ACCOUNT, 7);
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    WriteSet ws;
    ws.ports.push_back(
        Port("P000000000001", "13800000001", "cmcc", "cucc", npd::v1::PORT_STATE_COMPLETED));
    ws.ports.push_back(
        Port("P000000000002", "13800000002", "ctcc", "cucc", npd::v1::PORT_STATE_COMPLETED));
    ws.refunds = {paid, waiting};
    ws.outbox_put = {Outbox("R000000000001", npd::v1::REFUND_STEP_PAYOUT, 3), close};
    ASSERT_TRUE(store->Commit(ws).ok());
    WriteSet done;
    done.outbox_removed.push_back("R000000000001");
    ASSERT_TRUE(store->Commit(done).ok());
  }
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(store->GetRefund("R000000000001").value(), Optional(EqualsProto(paid)));
  RefundQuery by_number;
  by_number.msisdn = "13800000002";
  EXPECT_THAT(store->ListRefunds(by_number).value().refunds, ElementsAre(EqualsProto(waiting)));
  EXPECT_THAT(store->LoadOutbox().value(), ElementsAre(EqualsProto(close)));
  EXPECT_EQ(store->GetOutbox("R000000000001").value(), std::nullopt);
}

// The column families npd had before refund cases: a data dir written by that version.
constexpr const char* kColumnFamiliesBeforeRefunds[] = {"numbers",     "ports", "ports_by_msisdn",
                                                        "events",      "feed",  "timers",
                                                        "idempotency", "meta",  "awaiting"};

std::vector<std::string> ColumnFamiliesOnDisk(const std::string& path) {
  std::vector<std::string> names;
  rocksdb::Status status = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names);
  EXPECT_TRUE(status.ok()) << status.ToString();
  std::sort(names.begin(), names.end());
  return names;
}

TEST_F(RocksStoreTest, OpensADataDirWrittenBeforeRefundsAndAddsTheirColumnFamilies) {
  // Write the old layout with RocksDB itself: the old column families, one port (+ its index entry)
  // and the counters, as the older npd stored them.
  const auto port =
      Port("P000000000001", "13800000001", "cmcc", "cucc", npd::v1::PORT_STATE_COMPLETED);
  {
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()}};
    for (const char* name : kColumnFamiliesBeforeRefunds) {
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, options_.path, descriptors, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::WriteOptions sync;
    sync.sync = true;
    // handles follow descriptors: 0 default, 1 numbers, 2 ports, 3 ports_by_msisdn, ..., 8 meta.
    EXPECT_TRUE(db->Put(sync, handles[2], "P000000000001", port.SerializeAsString()).ok());
    EXPECT_TRUE(db->Put(sync, handles[3], std::string("13800000001\0P000000000001", 25), "").ok());
    EXPECT_TRUE(
        db->Put(sync, handles[8], "counters", MakeCounters(1, 0, 0).SerializeAsString()).ok());
    for (auto* handle : handles) EXPECT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    EXPECT_TRUE(db->Close().ok());
  }
  ASSERT_THAT(ColumnFamiliesOnDisk(options_.path), Not(Contains("refunds")));

  const auto refund =
      Refund("R000000000001", "13800000001", "cmcc", "GD", npd::v1::REFUND_STATE_OPENED);
  const auto freeze = Outbox("R000000000001", npd::v1::REFUND_STEP_FREEZE_ACCOUNT, 1);
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    // The old data reads as before; the new kinds start empty.
    EXPECT_THAT(store->GetPort("P000000000001").value(), Optional(EqualsProto(port)));
    EXPECT_THAT(store->LoadCounters().value(), EqualsProto(MakeCounters(1, 0, 0)));
    EXPECT_EQ(store->GetRefund("R000000000001").value(), std::nullopt);
    EXPECT_THAT(store->LoadOutbox().value(), IsEmpty());

    WriteSet ws;
    ws.refunds.push_back(refund);
    ws.outbox_put.push_back(freeze);
    ASSERT_TRUE(store->Commit(ws).ok());
  }
  const std::vector<std::string> on_disk = ColumnFamiliesOnDisk(options_.path);
  EXPECT_THAT(on_disk, Contains("refunds"));
  EXPECT_THAT(on_disk, Contains("outbox"));

  auto store = Open();
  ASSERT_NE(store, nullptr);
  RefundQuery by_number;  // through the index entry the old version wrote
  by_number.msisdn = "13800000001";
  EXPECT_THAT(store->ListRefunds(by_number).value().refunds, ElementsAre(EqualsProto(refund)));
  EXPECT_THAT(store->LoadOutbox().value(), ElementsAre(EqualsProto(freeze)));
}

}  // namespace
}  // namespace npd::storage
