// The load driver of npbench: closed loop (N calls in flight) or paced open loop (a fixed arrival
// rate, latency measured from each call's intended send time, so a slow server cannot hide queueing
// delay: no coordinated omission). Calls use the gRPC callback client API.
#ifndef NPD_CLIENTS_NPBENCH_LOAD_H_
#define NPD_CLIENTS_NPBENCH_LOAD_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <grpcpp/support/status.h>

#include "absl/time/time.h"

namespace npd::bench {

struct LoadOptions {
  // Calls in flight (closed loop), or the most outstanding before a paced call counts as dropped.
  // Default: 64.
  int concurrency = 64;
  // Paced arrival rate in calls per second; 0 runs closed loop. Default: 0.
  double rate = 0;
  // How long calls are started. Default: 10 s.
  absl::Duration duration = absl::Seconds(10);
  // Most calls started; 0 = no limit. The run ends at `duration` or after this many, whichever is
  // first. Default: 0.
  uint64_t max_calls = 0;
};

// One workload: how to make the next call. `Issue` must not block; it calls `done` exactly once,
// from any thread, when the call finished. `slot` identifies the caller's lane (0..concurrency-1).
// It returns false, without calling `done`, when the workload has no call left to make (a workload
// of a fixed size); that lane then stops.
class Workload {
 public:
  virtual ~Workload() = default;
  virtual bool Issue(int slot, std::function<void(const grpc::Status&)> done) = 0;
};

struct LoadReport {
  uint64_t completed = 0;
  uint64_t dropped = 0;  // paced calls not started: too many outstanding
  std::map<grpc::StatusCode, uint64_t> by_code;
  std::vector<int64_t> latencies_us;  // sorted ascending, one per completed call
  absl::Duration elapsed;

  double Throughput() const;
  // Latency at quantile q in [0, 1], in microseconds; 0 when nothing completed.
  int64_t Percentile(double q) const;
  // "OK=123 UNAVAILABLE=4".
  std::string CodesText() const;
};

LoadReport RunLoad(Workload& workload, const LoadOptions& options);

}  // namespace npd::bench

#endif  // NPD_CLIENTS_NPBENCH_LOAD_H_
