// The cutover-batch workload: N ports approved for one cutover instant, then the time from that
// instant until every carrier confirmed every routing change of the batch (domain.md: the number
// cuts over at the next whole hour, so an hour's approvals cut over together).
//
// npd must be started so the batch's cutover lies after the setup: cutover_mode "window" with a
// window starting a minute or two ahead stands in for the whole hour (same timer, same burst). When
// the cutover came before the setup ended (cutover_mode "immediate", or too short a lead), the
// report says so and the time is counted from the end of the setup instead.
#ifndef NPD_CLIENTS_NPBENCH_CUTOVER_BATCH_H_
#define NPD_CLIENTS_NPBENCH_CUTOVER_BATCH_H_

#include <cstdint>
#include <memory>
#include <vector>

#include <grpcpp/channel.h>

#include "absl/time/time.h"
#include "clients/npbench/load.h"
#include "clients/npbench/workloads.h"

namespace npd::bench {

struct CutoverBatchOptions {
  // Ports in the batch (each one lifecycle: code, submit, approve). Default: 100,000.
  uint64_t ports = 100000;
  // Setup calls in flight. Default: 64.
  int concurrency = 64;
  // Offset into the number pool. Default: 0.
  uint64_t first_number = 0;
  // Longest wait for the confirmations after the cutover. Default: 10 minutes.
  absl::Duration timeout = absl::Minutes(10);
};

struct CutoverBatchReport {
  LoadReport setup;          // the setup's calls
  uint64_t approved = 0;     // ports scheduled by the donor's approval
  absl::Time setup_end;      // when the last setup call finished
  absl::Time first_cutover;  // earliest and latest scheduled cutover of the batch
  absl::Time last_cutover;
  bool cutover_during_setup = false;
  // From max(last_cutover, setup_end) until the slowest carrier had received every change of the
  // batch on its feed stream; absl::InfiniteDuration() when that did not happen.
  absl::Duration all_received = absl::InfiniteDuration();
  // From max(last_cutover, setup_end) until the last carrier's confirmation of the batch's last
  // change was answered; absl::InfiniteDuration() when that did not happen before the timeout.
  absl::Duration all_confirmed = absl::InfiniteDuration();
  uint64_t changes_seen_min = 0;  // batch changes the slowest carrier received
  uint64_t completed_ports = 0;   // batch ports COMPLETED at the end (ListPorts as operator)
};

// Runs the batch against npd over `channels` as every carrier of `pool` and the operator.
CutoverBatchReport RunCutoverBatch(ChannelPool& channels, const NumberPool& pool,
                                   const CutoverBatchOptions& options);

}  // namespace npd::bench

#endif  // NPD_CLIENTS_NPBENCH_CUTOVER_BATCH_H_
