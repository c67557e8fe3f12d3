// Helpers for the storage tests: a temp dir, a protobuf equality matcher and a sample WriteSet.
#ifndef NPD_TESTS_STORAGE_STORE_TEST_UTIL_H_
#define NPD_TESTS_STORAGE_STORE_TEST_UTIL_H_

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "storage/rocks_store.h"
#include "storage/store.h"
#include "tests/storage/store_test_records.h"

namespace npd::storage::testing {

// A fresh directory from mkdtemp, removed with everything in it when the object goes away.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "npd-storage-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // Empty when mkdtemp failed.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Matches a protobuf message equal (field by field) to `expected`.
MATCHER_P(EqualsProto, expected, "equals " + expected.ShortDebugString()) {
  *result_listener << "which is " << arg.ShortDebugString();
  return google::protobuf::util::MessageDifferencer::Equals(arg, expected);
}

// For ::testing::Pointwise: the two messages of the tuple are equal.
MATCHER(ProtoEq, "") {
  const auto& [actual, expected] = arg;
  *result_listener << actual.ShortDebugString() << " vs " << expected.ShortDebugString();
  return google::protobuf::util::MessageDifferencer::Equals(actual, expected);
}

// The two Store implementations, for typed tests that run one suite against both: Open() gives a
// new, empty store (nullptr, with a test failure, when RocksDB cannot open).
struct MemoryBackend {
  std::unique_ptr<Store> Open() { return NewMemoryStore(); }
};

struct RocksBackend {
  ScratchDir dir;
  std::unique_ptr<Store> Open() {
    RocksOptions options;
    options.path = dir.path() + "/db";
    auto store = OpenRocksStore(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }
};

using Backends = ::testing::Types<MemoryBackend, RocksBackend>;

// Names the typed-test instances "Memory" and "Rocks".
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, MemoryBackend> ? "Memory" : "Rocks";
  }
};

// A WriteSet with one record of every kind; ExpectSampleWriteSet checks that all of it is stored.
WriteSet SampleWriteSet();
void ExpectSampleWriteSet(Store& store);
// Checks that nothing of SampleWriteSet is visible.
void ExpectNothingOfSampleWriteSet(Store& store);

}  // namespace npd::storage::testing

#endif  // NPD_TESTS_STORAGE_STORE_TEST_UTIL_H_
