// The crash loop's invariants, checked from the outside: npd through its public API as the operator
// (NpdView) and the simulators' databases read-only (ReadSimDb).
//
// After every restart, with the load paused (so no new port can appear while the checker reads):
//   acked         every acknowledged transition is present: the port's version >= the acked one,
//                 the same state at the same version, a terminal ack still in that state;
//   monotonic     no port's version goes back below one the checker saw before a kill;
//   one-live      at most one live transaction per number;
//   live-port-id  NumberInfo.live_port_id agrees with the live transaction ListPorts shows;
//   feed          the feed read from 1 is 1..head, no gap, no duplicate, never rewritten, and each
//                 port's routing_sequence is that port's change;
//   sim-log       each simulator's applied_log is gap- and duplicate-free (VerifyAppliedLog) and
//                 every row is what the feed holds at that sequence;
//   sim-entries   each simulator's entries are the feed replayed up to its position;
//   completed     a COMPLETED or RETURNED transaction was confirmed by every carrier, and every
//                 simulator's database holds its routing change.
// Before each kill: timers — no port is still SCHEDULED past cutover_at, CUTOVER past
// ack_deadline_at, DISCONNECT_PENDING past effective_at, or PENDING_DONOR past an unmarked donor
// deadline, more than a grace after max(due time, npd's last ready time).
// At the end, after draining (final-*): see CheckFinal.
#ifndef NPD_TESTS_CRASH_LOOP_INVARIANTS_H_
#define NPD_TESTS_CRASH_LOOP_INVARIANTS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "tests/crash_loop/ack_ledger.h"
#include "tests/crash_loop/check_tally.h"
#include "tests/crash_loop/npd_view.h"
#include "tests/crash_loop/number_pool.h"
#include "tests/crash_loop/sim_db_reader.h"
#include "tests/crash_loop/sim_fleet.h"

namespace npd::crash_loop {

class InvariantChecker {
 public:
  // Everything referenced outlives the checker.
  InvariantChecker(NpdView& npd, AckLedger& ledger, const NumberPool& pool, const SimFleet& sims,
                   CheckTally& tally);

  // The invariants that hold at any moment. Call with the load paused. Returns the feed head read.
  uint64_t CheckState();
  // The timer invariant at the current time, for a npd that became ready at `ready_at`.
  void CheckTimers(absl::Time ready_at, absl::Duration grace);
  // Waits (until `deadline`) for every transaction to end and every simulator to reach the feed's
  // head, resending (as the operator, acknowledged like any transition) a transaction that stays in
  // PARTIAL_FAILURE. A violation when it does not drain. Call with the load stopped.
  bool Drain(absl::Time deadline);
  // After Drain: every COMPLETED port confirmed by all (final-completed); each simulator's entries
  // equal npd's routing of every number the run touched (final-routing); the three databases are
  // identical (final-identical).
  void CheckFinal();
  // Transactions the checker saw in PARTIAL_FAILURE at least once (the T_ack path ran).
  size_t partial_failures_seen() const { return partial_failures_.size(); }

 private:
  struct Seen {
    int64_t version = 0;
    npd::v1::PortState state = npd::v1::PORT_STATE_UNSPECIFIED;
  };

  void CheckPorts(const std::vector<npd::v1::Port>& ports);
  void CheckLive(const std::vector<npd::v1::Port>& ports,
                 const std::map<std::string, npd::v1::NumberInfo>& numbers);
  // Returns false when the feed could not be read.
  bool CheckFeed(const std::vector<npd::v1::Port>& ports, uint64_t at_least);
  void CheckSim(size_t index, const SimDbSnapshot& db);
  void CheckCompleted(const std::vector<npd::v1::Port>& ports,
                      const std::vector<SimDbSnapshot>& dbs);
  std::vector<SimDbSnapshot> ReadSims();
  std::vector<std::string> TouchedNumbers() const;

  NpdView& npd_;
  AckLedger& ledger_;
  const NumberPool& pool_;
  const SimFleet& sims_;
  CheckTally& tally_;
  std::map<std::string, Seen> seen_;                // port id -> highest version read so far
  std::vector<npd::v1::RoutingChange> feed_;        // the feed as last read
  std::set<std::string> partial_failures_;          // port ids seen in PARTIAL_FAILURE
};

}  // namespace npd::crash_loop

#endif  // NPD_TESTS_CRASH_LOOP_INVARIANTS_H_
