// npd-bench-seed: writes N ported numbers straight into a fresh npd store, for the restart
// benchmark (BENCHMARKS.md: "restart to serving with 10 million numbers"). Offline only: it opens
// the RocksDB store itself, so npd must not be running on the data directory.
//
// Number i is first_msisdn + i (default 13700000000). Each gets a NumberRecord as a completed port
// would leave it: served by a carrier other than its range holder (alternating between two), last
// port completed 200 days ago. Nothing else is written: no port records, events or journal for
// them, so the store is not replayable; it exists to measure what start-up and reads cost as the
// number table grows. Writes are unsynced WriteBatches of --batch numbers; the store is closed
// (flushed) at the end.
#include <sys/stat.h>

#include <iostream>

#include <CLI/CLI.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "daemon/core/time_convert.h"
#include "storage/rocks_store.h"

int main(int argc, char** argv) {
  CLI::App app{"npd-bench-seed: ported numbers written straight into a fresh npd store"};
  std::string data_dir;
  uint64_t numbers = 10'000'000, first = 13'700'000'000ULL, batch = 20'000;
  std::string carrier_a = "cucc", carrier_b = "ctcc";
  bool json = false;
  app.add_option("--data-dir", data_dir, "npd data directory (the store is <dir>/db)")->required();
  app.add_option("--numbers", numbers, "numbers to write")->check(CLI::Range(1ULL, 100'000'000ULL));
  app.add_option("--first-msisdn", first,
                 "first number; the default 13700000000 lies in cmcc's 137 block, which the sample "
                 "plan's number pool (npbench) does not use");
  app.add_option("--serving", carrier_a, "carrier serving even-indexed numbers");
  app.add_option("--serving-odd", carrier_b, "carrier serving odd-indexed numbers");
  app.add_option("--batch", batch, "numbers per write batch")
      ->check(CLI::Range(1ULL, 1'000'000ULL));
  app.add_flag("--json", json, "print one JSON object");
  CLI11_PARSE(app, argc, argv);
  if (std::to_string(first + numbers - 1).size() != 11) {
    std::cerr << "npd-bench-seed: the numbers must stay 11 digits\n";
    return 2;
  }

  const absl::Time start = absl::Now();
  umask(077);  // a data directory for npd, which refuses one others may read
  auto store = npd::storage::OpenRocksStore(
      {.path = npd::storage::DatabaseDirOf(data_dir), .sync_writes = false});
  if (!store.ok()) {
    std::cerr << "npd-bench-seed: " << store.status().ToString() << "\n";
    return 1;
  }
  const auto completed = npd::core::ToProto(start - absl::Hours(24 * 200));
  for (uint64_t done = 0; done < numbers;) {
    npd::storage::WriteSet set;
    const uint64_t end = std::min(numbers, done + batch);
    set.numbers.reserve(end - done);
    for (uint64_t i = done; i < end; ++i) {
      auto& n = set.numbers.emplace_back();
      n.set_msisdn(absl::StrCat(first + i));
      n.set_serving_carrier(i % 2 == 0 ? carrier_a : carrier_b);
      *n.mutable_last_port_completed_at() = completed;
    }
    if (absl::Status s = (*store)->Commit(set); !s.ok()) {
      std::cerr << "npd-bench-seed: " << s.ToString() << "\n";
      return 1;
    }
    done = end;
  }
  store->reset();  // closes the database
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (json) {
    std::cout << absl::StrFormat(
                     R"({"step":"seed","numbers":%d,"first_msisdn":"%d","seconds":%.3f})", numbers,
                     first, seconds)
              << "\n";
  } else {
    std::cout << absl::StrFormat("wrote %d numbers from %d in %.1fs\n", numbers, first, seconds);
  }
  return 0;
}
