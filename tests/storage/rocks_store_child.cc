// A separate process for rocks_store_test.cc, started with fork + exec so that it begins with no
// threads (RocksDB starts its own, which a fork of a threaded process, e.g. under ThreadSanitizer,
// cannot).
//
//   rocks_store_child hold <path>            opens the store, writes "1" to stdout, waits to be
//   killed rocks_store_child commit-and-die <path>  opens the store, commits ChildWriteSet(), then
//   SIGKILLs
//                                            itself the moment Commit returns: no close, no flush
// Exit codes: 2 usage, 3 open failed, 4 commit failed.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "storage/rocks_store.h"
#include "tests/storage/store_test_records.h"

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  const std::string mode = argv[1];
  npd::storage::RocksOptions options;
  options.path = argv[2];
  auto store = npd::storage::OpenRocksStore(options);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 3;
  }
  if (mode == "hold") {
    if (write(STDOUT_FILENO, "1", 1) != 1) return 3;
    while (true) pause();
  }
  if (mode == "commit-and-die") {
    if (!(*store)->Commit(npd::storage::testing::ChildWriteSet()).ok()) return 4;
    kill(getpid(), SIGKILL);
  }
  return 2;
}
