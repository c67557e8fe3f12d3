// What only the RocksDB store does: data on disk across close, reopen and SIGKILL; the directory
// lock; records that do not parse.
#include "storage/rocks_store.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/rocks_store_testing.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace npd::storage {
namespace {

using ::npd::storage::testing::ChildWriteSet;
using ::npd::storage::testing::EqualsProto;
using ::npd::storage::testing::ExpectSampleWriteSet;
using ::npd::storage::testing::SampleWriteSet;
using ::npd::storage::testing::ScratchDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
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
  EXPECT_THAT(store->ReadHistory("13900000009", 10).value(),
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
  auto history = store->ReadHistory("13800000002", 10);
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

}  // namespace
}  // namespace npd::storage
