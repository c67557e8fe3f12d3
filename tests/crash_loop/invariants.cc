#include "tests/crash_loop/invariants.h"

#include <algorithm>
#include <set>
#include <thread>

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/crash_loop/port_states.h"

namespace npd::crash_loop {
namespace {

using carrier_sim::LocalEntry;
using carrier_sim::LogKind;
using npd::v1::Port;
using npd::v1::RoutingChange;

std::string Name(npd::v1::PortState state) { return npd::v1::PortState_Name(state); }

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

std::string Show(const RoutingChange& c) {
  return absl::StrCat("#", c.sequence(), " ", c.msisdn(), "->", c.serving_carrier(), " (",
                      c.port_id(), c.resend_of() != 0 ? absl::StrCat(" resend of #", c.resend_of())
                                                      : std::string(),
                      ")");
}

std::string Show(const LocalEntry& e) {
  return absl::StrCat(e.msisdn, " ", e.serving_carrier, " (holder ", e.range_holder, ", ",
                      e.port_id, ", #", e.sequence, ")");
}

// The entries a carrier's database holds after applying `feed` up to `position` (LocalNpDb::Apply's
// rule: a return, or a change to the range holder, removes the entry).
std::map<std::string, LocalEntry> Replay(const std::vector<RoutingChange>& feed,
                                         uint64_t position) {
  std::map<std::string, LocalEntry> entries;
  for (uint64_t i = 0; i < position && i < feed.size(); ++i) {
    const RoutingChange& c = feed[i];
    if (c.kind() == npd::v1::ROUTING_CHANGE_KIND_RETURNED ||
        c.serving_carrier() == c.range_holder()) {
      entries.erase(c.msisdn());
    } else {
      entries[c.msisdn()] = {c.msisdn(),  c.serving_carrier(), c.range_holder(),
                             c.routing_number(), c.port_id(), c.sequence()};
    }
  }
  return entries;
}

}  // namespace

InvariantChecker::InvariantChecker(NpdView& npd, AckLedger& ledger, const NumberPool& pool,
                                   const SimFleet& sims, CheckTally& tally)
    : npd_(npd), ledger_(ledger), pool_(pool), sims_(sims), tally_(tally) {}

std::vector<std::string> InvariantChecker::TouchedNumbers() const {
  std::vector<std::string> numbers;
  for (const PoolNumber& n : pool_.HandedOut()) numbers.push_back(n.msisdn);
  return numbers;
}

std::vector<SimDbSnapshot> InvariantChecker::ReadSims() {
  std::vector<SimDbSnapshot> dbs(sims_.size());
  for (size_t i = 0; i < sims_.size(); ++i) {
    absl::StatusOr<SimDbSnapshot> db = ReadSimDb(sims_.db_path(i));
    if (db.ok()) {
      dbs[i] = *std::move(db);
    } else if (!absl::IsNotFound(db.status())) {
      tally_.Violation("read", std::string(db.status().message()));
    }
  }
  return dbs;
}

uint64_t InvariantChecker::CheckState() {
  // NumberInfo first, ports second: with the load paused no transaction can start in between, so
  // a transaction live in the scan was already live (and named) in the lookup.
  absl::StatusOr<std::map<std::string, npd::v1::NumberInfo>> numbers =
      npd_.Lookup(TouchedNumbers());
  absl::StatusOr<std::vector<Port>> ports = npd_.ListPorts();
  if (!numbers.ok() || !ports.ok()) {
    tally_.Violation("read", absl::StrCat("npd is up but did not answer: ",
                                          numbers.status().ToString(), "; ",
                                          ports.status().ToString()));
    return 0;
  }
  CheckPorts(*ports);
  CheckLive(*ports, *numbers);
  uint64_t at_least = 0;
  for (const Port& p : *ports) {
    at_least = std::max({at_least, p.routing_sequence(), p.last_resend_sequence()});
  }
  if (!CheckFeed(*ports, at_least)) return 0;
  // The databases after the scan: whatever a simulator confirmed before it, it had applied.
  std::vector<SimDbSnapshot> dbs = ReadSims();
  for (size_t i = 0; i < dbs.size(); ++i) CheckSim(i, dbs[i]);
  CheckCompleted(*ports, dbs);
  return feed_.size();
}

void InvariantChecker::CheckPorts(const std::vector<Port>& ports) {
  std::map<std::string, const Port*> by_id;
  for (const Port& port : ports) {
    by_id[port.port_id()] = &port;
    if (port.state() == npd::v1::PORT_STATE_PARTIAL_FAILURE) partial_failures_.insert(port.port_id());
    tally_.Count("monotonic");
    Seen& seen = seen_[port.port_id()];
    if (port.version() < seen.version ||
        (port.version() == seen.version && port.state() != seen.state)) {
      tally_.Violation("monotonic",
                       absl::StrCat(port.port_id(), " (", port.msisdn(), ") was read at version ",
                                    seen.version, " ", Name(seen.state), " before a kill, now ",
                                    port.version(), " ", Name(port.state())));
    }
    if (port.version() >= seen.version) seen = {port.version(), port.state()};
  }
  for (const auto& [id, seen] : seen_) {
    if (!by_id.contains(id)) {
      tally_.Violation("monotonic", absl::StrCat(id, " was read at version ", seen.version, " ",
                                                 Name(seen.state), " and is gone"));
    }
  }
  for (const AckedTransition& ack : ledger_.All()) {
    tally_.Count("acked");
    const std::string what = absl::StrCat(ack.rpc, " acknowledged ", ack.port_id, " (",
                                          ack.msisdn, ") ", Name(ack.state), " v", ack.version);
    auto it = by_id.find(ack.port_id);
    if (it == by_id.end()) {
      tally_.Violation("acked", what + ", but npd does not list the port");
      continue;
    }
    const Port& port = *it->second;
    const std::string now = absl::StrCat(", npd now has ", Name(port.state()), " v", port.version());
    if (port.version() < ack.version) {
      tally_.Violation("acked", what + now + ": the acknowledged transition is lost");
    } else if (port.version() == ack.version && port.state() != ack.state) {
      tally_.Violation("acked", what + now + ": another state at the same version");
    } else if (IsTerminal(ack.state) && port.state() != ack.state) {
      tally_.Violation("acked", what + now + ": a terminal state changed");
    }
  }
}

void InvariantChecker::CheckLive(const std::vector<Port>& ports,
                                 const std::map<std::string, npd::v1::NumberInfo>& numbers) {
  std::map<std::string, std::vector<const Port*>> live;
  std::map<std::string, const Port*> by_id;
  for (const Port& port : ports) {
    by_id[port.port_id()] = &port;
    if (IsLive(port.state())) live[port.msisdn()].push_back(&port);
  }
  for (const auto& [msisdn, info] : numbers) {
    tally_.Count("one-live");
    tally_.Count("live-port-id");
    const std::vector<const Port*>& list = live[msisdn];
    if (list.size() > 1) {
      std::vector<std::string> names;
      for (const Port* p : list) names.push_back(p->port_id() + " " + Name(p->state()));
      tally_.Violation("one-live", absl::StrCat(msisdn, " has ", list.size(),
                                                " live transactions: ", absl::StrJoin(names, ", ")));
    }
    for (const Port* p : list) {
      if (p->port_id() != info.live_port_id()) {
        tally_.Violation("live-port-id",
                         absl::StrCat(msisdn, ": ListPorts shows ", p->port_id(), " ",
                                      Name(p->state()), " live, Lookup (read just before) says '",
                                      info.live_port_id(), "'"));
      }
    }
    if (!info.live_port_id().empty()) {
      auto it = by_id.find(info.live_port_id());
      if (it == by_id.end() || it->second->msisdn() != msisdn) {
        tally_.Violation("live-port-id", absl::StrCat(msisdn, ": Lookup names live port ",
                                                      info.live_port_id(),
                                                      ", which ListPorts does not show for it"));
      }
    }
  }
}

bool InvariantChecker::CheckFeed(const std::vector<Port>& ports, uint64_t at_least) {
  absl::StatusOr<FeedRead> read = npd_.ReadFeed(at_least, absl::Seconds(20));
  if (!read.ok()) {
    tally_.Violation("feed", absl::StrCat("cannot read the feed up to #", at_least,
                                          " (the highest sequence a port names): ",
                                          read.status().message()));
    return false;
  }
  const std::vector<RoutingChange>& changes = read->changes;
  for (size_t i = 0; i < changes.size(); ++i) {
    tally_.Count("feed");
    if (changes[i].sequence() != i + 1) {
      tally_.Violation("feed", absl::StrCat(changes[i].sequence() <= i ? "duplicate" : "gap",
                                            ": change ", i + 1, " of the stream is ",
                                            Show(changes[i])));
      return false;
    }
  }
  // A read that ended without a heartbeat is counted: npd owes idle streams one (see README).
  tally_.Count(read->ended_by_heartbeat ? "feed-reads" : "feed-reads-without-heartbeat");
  if (read->ended_by_heartbeat && read->head != changes.size()) {
    tally_.Violation("feed", absl::StrCat("a heartbeat says head #", read->head, " after ",
                                          changes.size(), " changes were delivered"));
  }
  if (changes.size() < feed_.size()) {
    tally_.Violation("feed", absl::StrCat("the feed shrank from ", feed_.size(), " to ",
                                          changes.size(), " changes: delivered changes were lost"));
  }
  for (size_t i = 0; i < std::min(feed_.size(), changes.size()); ++i) {
    if (!google::protobuf::util::MessageDifferencer::Equals(feed_[i], changes[i])) {
      tally_.Violation("feed", absl::StrCat("change #", i + 1, " was ", Show(feed_[i]),
                                            " before a kill, now ", Show(changes[i])));
      break;
    }
  }
  for (const Port& port : ports) {
    const uint64_t original = port.routing_sequence();
    if (original == 0) continue;
    tally_.Count("feed");
    if (original > changes.size() || changes[original - 1].port_id() != port.port_id() ||
        changes[original - 1].msisdn() != port.msisdn() ||
        changes[original - 1].resend_of() != 0) {
      tally_.Violation("feed", absl::StrCat(port.port_id(), " names routing change #", original,
                                            ", the feed holds ",
                                            original > changes.size() ? "nothing there"
                                                                      : Show(changes[original - 1])));
    }
    const uint64_t resend = port.last_resend_sequence();
    if (resend == 0) continue;
    tally_.Count("feed");
    if (resend > changes.size() || changes[resend - 1].port_id() != port.port_id() ||
        changes[resend - 1].resend_of() != original) {
      tally_.Violation("feed", absl::StrCat(port.port_id(), " names resend #", resend,
                                            ", the feed holds ",
                                            resend > changes.size() ? "nothing there"
                                                                    : Show(changes[resend - 1])));
    }
  }
  feed_ = changes;
  return true;
}

void InvariantChecker::CheckSim(size_t index, const SimDbSnapshot& db) {
  const std::string& carrier = sims_.carrier(index);
  tally_.Count("sim-log");
  if (absl::Status gap_free = carrier_sim::VerifyAppliedLog(db.log); !gap_free.ok()) {
    tally_.Violation("sim-log", carrier + ": " + std::string(gap_free.message()));
  }
  uint64_t last = 0;
  for (const carrier_sim::AppliedLogRow& row : db.log) {
    if (row.kind != LogKind::kPorted && row.kind != LogKind::kReturned) continue;
    last = row.sequence;
    if (row.sequence == 0 || row.sequence > feed_.size()) continue;  // applied after the read
    tally_.Count("sim-log");
    const RoutingChange& c = feed_[row.sequence - 1];
    const bool returned = c.kind() == npd::v1::ROUTING_CHANGE_KIND_RETURNED ||
                          c.serving_carrier() == c.range_holder();
    if (c.msisdn() != row.msisdn || c.serving_carrier() != row.serving_carrier ||
        c.resend_of() != row.resend_of || returned != (row.kind == LogKind::kReturned)) {
      tally_.Violation("sim-log", absl::StrCat(carrier, " applied #", row.sequence, " as ",
                                               row.msisdn, "->", row.serving_carrier,
                                               ", the feed holds ", Show(c)));
    }
  }
  if (last != db.position) {
    tally_.Violation("sim-log", absl::StrCat(carrier, "'s position is ", db.position,
                                             " but its last applied change is #", last));
  }
  if (db.position > feed_.size()) return;  // it applied changes the checker has not read yet
  const std::map<std::string, LocalEntry> expected = Replay(feed_, db.position);
  tally_.Count("sim-entries", static_cast<int64_t>(std::max(expected.size(), db.entries.size())));
  std::map<std::string, LocalEntry> actual;
  for (const LocalEntry& e : db.entries) actual[e.msisdn] = e;
  for (const auto& [msisdn, want] : expected) {
    auto it = actual.find(msisdn);
    if (it == actual.end() || !(it->second == want)) {
      tally_.Violation("sim-entries",
                       absl::StrCat(carrier, " at position ", db.position, " holds ",
                                    it == actual.end() ? "no entry" : Show(it->second), " for ",
                                    msisdn, ", the feed replayed gives ", Show(want)));
    }
  }
  for (const auto& [msisdn, have] : actual) {
    if (!expected.contains(msisdn)) {
      tally_.Violation("sim-entries", absl::StrCat(carrier, " at position ", db.position,
                                                   " holds ", Show(have),
                                                   ", the feed replayed gives no entry"));
    }
  }
}

void InvariantChecker::CheckCompleted(const std::vector<Port>& ports,
                                      const std::vector<SimDbSnapshot>& dbs) {
  const std::vector<std::string>& all = Carriers();
  for (const Port& port : ports) {
    if (port.state() != npd::v1::PORT_STATE_COMPLETED &&
        port.state() != npd::v1::PORT_STATE_RETURNED) {
      continue;
    }
    tally_.Count("completed");
    const std::vector<std::string> confirmed(port.confirmed_by().begin(),
                                             port.confirmed_by().end());
    if (confirmed != all || !port.pending_confirmations().empty()) {
      tally_.Violation("completed",
                       absl::StrCat(port.port_id(), " is ", Name(port.state()), " confirmed by [",
                                    absl::StrJoin(confirmed, ","), "], pending [",
                                    absl::StrJoin(port.pending_confirmations(), ","), "]"));
    }
    for (size_t i = 0; i < dbs.size(); ++i) {
      if (dbs[i].position < port.routing_sequence()) {
        tally_.Violation("completed",
                         absl::StrCat(port.port_id(), " is ", Name(port.state()),
                                      " (change #", port.routing_sequence(), ") but ",
                                      sims_.carrier(i), "'s database is at position ",
                                      dbs[i].position));
      }
    }
  }
}

void InvariantChecker::CheckTimers(absl::Time ready_at, absl::Duration grace) {
  const absl::Time now = absl::Now();
  for (npd::v1::PortState state :
       {npd::v1::PORT_STATE_PENDING_DONOR, npd::v1::PORT_STATE_SCHEDULED,
        npd::v1::PORT_STATE_CUTOVER, npd::v1::PORT_STATE_DISCONNECT_PENDING}) {
    absl::StatusOr<std::vector<Port>> ports = npd_.ListPorts(state);
    if (!ports.ok()) {
      tally_.Violation("read", "npd is up but did not answer: " + ports.status().ToString());
      return;
    }
    for (const Port& port : *ports) {
      absl::Time due;
      std::string timer;
      switch (port.state()) {
        case npd::v1::PORT_STATE_PENDING_DONOR:
          if (port.donor_deadline_passed()) continue;  // fired: escalated, still waiting
          due = ToTime(port.donor_deadline_at());
          timer = "donor deadline";
          break;
        case npd::v1::PORT_STATE_SCHEDULED:
          due = ToTime(port.cutover_at());
          timer = "cutover";
          break;
        case npd::v1::PORT_STATE_CUTOVER:
          due = ToTime(port.ack_deadline_at());
          timer = "confirmation deadline (T_ack)";
          break;
        case npd::v1::PORT_STATE_DISCONNECT_PENDING:
          due = ToTime(port.cutover_at());
          timer = "return effective time";
          break;
        default:
          continue;  // moved on between the filter and the read
      }
      tally_.Count("timers");
      if (std::max(due, ready_at) + grace < now) {
        tally_.Violation(
            "timers",
            absl::StrCat(port.port_id(), " (", port.msisdn(), ") is still ", Name(port.state()),
                         " at ", absl::FormatTime(now), ": its ", timer, " was due at ",
                         absl::FormatTime(due), ", npd was ready at ",
                         absl::FormatTime(ready_at), ", grace ", absl::FormatDuration(grace)));
      }
    }
  }
  if (now - ready_at > grace) tally_.Count("timer-sweeps-past-grace");
}

}  // namespace npd::crash_loop
