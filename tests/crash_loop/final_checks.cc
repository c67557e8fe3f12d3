// InvariantChecker::Drain and CheckFinal: the end of a run, once the load stopped.
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/crash_loop/invariants.h"
#include "tests/crash_loop/port_states.h"

namespace npd::crash_loop {
namespace {

using carrier_sim::LocalEntry;
using npd::v1::Port;

// A transaction that stays in PARTIAL_FAILURE this long gets the operator's resend.
constexpr absl::Duration kResendAfter = absl::Seconds(5);

std::string Describe(const Port& p) {
  return absl::StrCat(p.port_id(), " ", p.msisdn(), " ", npd::v1::PortState_Name(p.state()),
                      " pending [", absl::StrJoin(p.pending_confirmations(), ","), "]");
}

}  // namespace

bool InvariantChecker::Drain(absl::Time deadline) {
  std::map<std::string, absl::Time> partial_since;
  std::vector<std::string> last_live;
  std::string last_positions;
  while (absl::Now() < deadline) {
    absl::StatusOr<std::vector<Port>> ports = npd_.ListPorts();
    if (!ports.ok()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    last_live.clear();
    uint64_t head = 0;
    for (const Port& p : *ports) {
      head = std::max({head, p.routing_sequence(), p.last_resend_sequence()});
      if (!IsLive(p.state())) continue;
      last_live.push_back(Describe(p));
      if (p.state() != npd::v1::PORT_STATE_PARTIAL_FAILURE) continue;
      auto [it, first] = partial_since.try_emplace(p.port_id(), absl::Now());
      if (first || absl::Now() - it->second < kResendAfter) continue;
      // One request id per resend round, so a retry of this very resend is idempotent.
      absl::StatusOr<Port> resent =
          npd_.Resend(p.port_id(), absl::StrCat("crash-loop-resend-", p.port_id(), "-",
                                                p.resend_count()));
      if (resent.ok()) {
        ledger_.Record("ResendRouting", *resent);
        partial_since.erase(p.port_id());
      }
    }
    if (last_live.empty()) {
      bool caught_up = true;
      std::vector<std::string> positions;
      for (const SimDbSnapshot& db : ReadSims()) {
        caught_up = caught_up && db.position >= head;
        positions.push_back(absl::StrCat(db.position));
      }
      last_positions = absl::StrCat("head #", head, ", simulators at ",
                                    absl::StrJoin(positions, "/"));
      if (caught_up) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  last_live.resize(std::min<size_t>(last_live.size(), 10));
  tally_.Violation("final-drain", absl::StrCat("did not settle in time: live transactions [",
                                               absl::StrJoin(last_live, "; "), "] ",
                                               last_positions));
  return false;
}

void InvariantChecker::CheckFinal() {
  const uint64_t head = CheckState();
  const std::vector<std::string> touched = TouchedNumbers();
  absl::StatusOr<std::map<std::string, npd::v1::NumberInfo>> numbers = npd_.Lookup(touched);
  absl::StatusOr<std::vector<Port>> ports = npd_.ListPorts();
  if (!numbers.ok() || !ports.ok()) {
    tally_.Violation("read", "npd did not answer the final reads");
    return;
  }
  for (const Port& p : *ports) {
    tally_.Count("final-completed");
    if (IsLive(p.state())) tally_.Violation("final-completed", Describe(p) + " is still live");
  }

  // Each database against npd's routing of every number the run touched.
  const std::vector<SimDbSnapshot> dbs = ReadSims();
  const std::set<std::string> touched_set(touched.begin(), touched.end());
  for (size_t i = 0; i < dbs.size(); ++i) {
    const std::string& carrier = sims_.carrier(i);
    if (dbs[i].position != head) {
      tally_.Violation("final-routing", absl::StrCat(carrier, " ends at position ",
                                                     dbs[i].position, ", the feed at #", head));
    }
    std::map<std::string, const LocalEntry*> local;
    for (const LocalEntry& e : dbs[i].entries) {
      local[e.msisdn] = &e;
      if (!touched_set.contains(e.msisdn)) {
        tally_.Violation("final-routing", carrier + " holds an entry for untouched " + e.msisdn);
      }
    }
    for (const auto& [msisdn, info] : *numbers) {
      tally_.Count("final-routing");
      auto it = local.find(msisdn);
      const bool ported = info.serving_carrier() != info.range_holder();
      const std::string npd_says =
          absl::StrCat("npd: ", info.serving_carrier(), " (holder ", info.range_holder(), ")");
      if (ported != (it != local.end())) {
        tally_.Violation("final-routing",
                         absl::StrCat(carrier, " has ", ported ? "no entry" : "an entry",
                                      " for ", msisdn, ", ", npd_says));
      } else if (ported && (it->second->serving_carrier != info.serving_carrier() ||
                            it->second->range_holder != info.range_holder())) {
        tally_.Violation("final-routing", absl::StrCat(carrier, " routes ", msisdn, " to ",
                                                       it->second->serving_carrier, ", ",
                                                       npd_says));
      }
    }
  }

  // The three databases entry for entry (port id and the sequence that set it included).
  for (size_t i = 1; i < dbs.size(); ++i) {
    tally_.Count("final-identical", static_cast<int64_t>(dbs[0].entries.size()));
    if (dbs[i].entries == dbs[0].entries) continue;
    size_t k = 0;
    while (k < dbs[0].entries.size() && k < dbs[i].entries.size() &&
           dbs[0].entries[k] == dbs[i].entries[k]) {
      ++k;
    }
    tally_.Violation("final-identical",
                     absl::StrCat(sims_.carrier(0), " (", dbs[0].entries.size(), " entries) and ",
                                  sims_.carrier(i), " (", dbs[i].entries.size(),
                                  " entries) first differ at entry ", k));
  }
}

}  // namespace npd::crash_loop
