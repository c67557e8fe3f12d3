#include "tests/refund_soak/soak_checks.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "tests/support/replay_check.h"

namespace npd::refund_soak {
namespace {

using npd::v1::Refund;
using npd::v1::RefundState;

constexpr size_t kMaxFailuresListed = 20;

void Fail(CheckResult& result, std::string line) {
  if (result.failures.size() < kMaxFailuresListed) {
    result.failures.push_back(std::move(line));
  } else if (result.failures.size() == kMaxFailuresListed) {
    result.failures.push_back("... (more)");
  }
}

bool IsClosedState(RefundState s) {
  return s == npd::v1::REFUND_STATE_CLOSED_PAID || s == npd::v1::REFUND_STATE_CLOSED_NO_REFUND ||
         s == npd::v1::REFUND_STATE_CLOSED_EXPIRED;
}

bool HasReason(const Refund& r, npd::v1::RefundReason reason) {
  return std::find(r.reasons().begin(), r.reasons().end(), reason) != r.reasons().end();
}

// A STUCK case that stopped after the payout may have reached the channel, so one payout (and,
// from PAID on, one settlement entry) may exist.
bool StuckAfterPayout(const Refund& r) {
  if (r.state() != npd::v1::REFUND_STATE_STUCK) return false;
  const RefundState from = r.stuck().from_state();
  return from == npd::v1::REFUND_STATE_PAYOUT_REQUESTED || from == npd::v1::REFUND_STATE_PAID ||
         from == npd::v1::REFUND_STATE_SETTLED;
}

bool StuckAfterPaid(const Refund& r) {
  return StuckAfterPayout(r) && r.stuck().from_state() != npd::v1::REFUND_STATE_PAYOUT_REQUESTED;
}

std::string StateName(RefundState s) {
  return npd::v1::RefundState_Name(s).substr(sizeof("REFUND_STATE_") - 1);
}

std::string Brief(const Refund& r) {
  return absl::StrCat(r.refund_id(), " ", r.msisdn(), " ", StateName(r.state()));
}

}  // namespace

// ", payout <key> in the ledger: <status>" for a case with a payout key; empty otherwise.
std::string SoakChecks::PayoutInLedger(const Refund& r) const {
  if (r.payout_key().empty()) return "";
  auto payout = in_.outside->payment().Payout(r.payout_key());
  return absl::StrCat("; payout ", r.payout_key(), " in the ledger: ",
                      payout ? npd::v1::PayoutStatus_Name(payout->status) : "no record");
}

bool CaseAtRest(const Refund& r, const SoakNumbers& numbers) {
  if (IsClosedState(r.state()) || r.state() == npd::v1::REFUND_STATE_STUCK) return true;
  const SoakNumber* number = numbers.Find(r.msisdn());
  return r.state() == npd::v1::REFUND_STATE_AWAIT_CLAIM && number != nullptr &&
         number->claim_plan == ClaimPlan::kUnclaimed;
}

std::vector<CheckResult> SoakChecks::Run() {
  Count();
  return {AtRest(), OneCasePerPort(), PaymentLedger(), Money(), SettlementAndClose(),
          Bills(),  Outcomes()};
}

void SoakChecks::Count() {
  SoakFigures& f = figures_;
  f.numbers = static_cast<int64_t>(in_.numbers->all().size());
  f.completed_ports = static_cast<int64_t>(in_.completed_ports->size());
  f.opened = static_cast<int64_t>(in_.cases->size());
  for (const Refund& r : *in_.cases) {
    ++f.by_state[StateName(r.state())];
    if (r.state() == npd::v1::REFUND_STATE_STUCK) {
      if (HasReason(r, npd::v1::REFUND_REASON_F08_ACCOUNT_FROZEN_JUDICIAL)) {
        ++f.stuck_judicial;
      } else {
        ++f.stuck_other;
        f.stuck_details.push_back(absl::StrCat(
            Brief(r), " from ", StateName(r.stuck().from_state()), " step ",
            npd::v1::RefundStep_Name(r.stuck().step()), " after ", r.stuck().attempts(),
            " attempts, last error: ", r.stuck().last_error(), PayoutInLedger(r)));
      }
    }
    const SoakNumber* number = in_.numbers->Find(r.msisdn());
    if (r.state() == npd::v1::REFUND_STATE_AWAIT_CLAIM && number != nullptr &&
        number->claim_plan == ClaimPlan::kUnclaimed) {
      ++f.unclaimed_by_design;
    }
    if (r.state() == npd::v1::REFUND_STATE_CLOSED_PAID) f.closed_paid_fen += r.refundable_fen();
    if (r.state() == npd::v1::REFUND_STATE_CLOSED_NO_REFUND) {
      ++(r.refundable_fen() == 0 ? f.no_refund_zero : f.no_refund_arrears);
    }
    auto claim = in_.claims->find(r.refund_id());
    if (claim != in_.claims->end() && claim->second.claimed) {
      ++f.claimed;
      f.claimed_fen += r.refundable_fen();
      if (r.state() != npd::v1::REFUND_STATE_CLOSED_PAID &&
          in_.outside->payment().SucceededPayouts(r.refund_id()) == 0) {
        ++f.claimed_unpaid;
        f.claimed_unpaid_fen += r.refundable_fen();
      }
    }
  }
}

// (a) Every case is CLOSED_*, STUCK with a reason, or AWAIT_CLAIM because the soak never claims it.
CheckResult SoakChecks::AtRest() {
  CheckResult result{"(a) every case CLOSED_*, STUCK with a reason, or unclaimed by design"};
  for (const Refund& r : *in_.cases) {
    ++result.checked;
    const SoakNumber* number = in_.numbers->Find(r.msisdn());
    if (IsClosedState(r.state())) continue;
    if (r.state() == npd::v1::REFUND_STATE_STUCK) {
      if (r.stuck().last_error().empty()) Fail(result, Brief(r) + ": STUCK without last_error");
      continue;
    }
    if (r.state() == npd::v1::REFUND_STATE_AWAIT_CLAIM && number != nullptr &&
        number->claim_plan == ClaimPlan::kUnclaimed) {
      continue;
    }
    Fail(result, absl::StrCat(Brief(r), ": not at rest; ", r.ShortDebugString()));
  }
  return result;
}

// (b) Exactly one case per completed port, and every number the soak ported completed.
CheckResult SoakChecks::OneCasePerPort() {
  CheckResult result{"(b) exactly one case per completed port"};
  std::map<std::string, const npd::v1::Port*> completed;  // port_id -> port
  for (const npd::v1::Port& p : *in_.completed_ports) completed[p.port_id()] = &p;
  std::map<std::string, int> cases_of_port;
  for (const Refund& r : *in_.cases) {
    ++result.checked;
    ++cases_of_port[r.port_id()];
    auto port = completed.find(r.port_id());
    if (port == completed.end()) {
      Fail(result, Brief(r) + ": its port " + r.port_id() + " is not COMPLETED");
      continue;
    }
    if (r.refund_id() != "R" + r.port_id().substr(1) || r.msisdn() != port->second->msisdn()) {
      Fail(result, Brief(r) + ": refund_id or msisdn does not match port " + r.port_id());
    }
  }
  for (const auto& [port_id, port] : completed) {
    const int n = cases_of_port[port_id];
    if (n != 1)
      Fail(result, absl::StrCat("port ", port_id, " ", port->msisdn(), ": ", n, " cases"));
  }
  for (const auto& [msisdn, port_id] : *in_.approved_ports) {
    if (completed.count(port_id) == 0) {
      Fail(result, absl::StrCat("port ", port_id, " of ", msisdn, " approved but not COMPLETED"));
    }
  }
  if (static_cast<int64_t>(in_.approved_ports->size()) != figures_.numbers) {
    Fail(result, absl::StrCat(in_.approved_ports->size(), " ports approved of ", figures_.numbers,
                              " numbers"));
  }
  return result;
}

// (c) At most one successful payout per refund, and none for a case that did not get that far.
CheckResult SoakChecks::PaymentLedger() {
  CheckResult result{"(c) payment ledger: at most one payout per refund, none unearned"};
  const fakes::FakePayment& payment = in_.outside->payment();
  for (const std::string& id : payment.violations()) Fail(result, id + ": paid more than once");
  const fakes::PaymentStats stats = payment.stats();
  if (stats.key_conflicts != 0) {
    Fail(result, absl::StrCat(stats.key_conflicts, " Pay calls reused a key with other contents"));
  }
  uint64_t succeeded = 0;
  for (const Refund& r : *in_.cases) {
    ++result.checked;
    const int n = payment.SucceededPayouts(r.refund_id());
    succeeded += static_cast<uint64_t>(n);
    const bool paid = r.state() == npd::v1::REFUND_STATE_CLOSED_PAID;
    if (paid && n != 1) Fail(result, absl::StrCat(Brief(r), ": ", n, " successful payouts"));
    if (!paid && n > (StuckAfterPayout(r) ? 1 : 0)) {
      Fail(result, absl::StrCat(Brief(r), ": ", n, " successful payouts for a case not paid"));
    }
  }
  if (succeeded != stats.succeeded) {
    Fail(result, absl::StrCat("the ledger holds ", stats.succeeded,
                              " successful payouts, npd's cases account for ", succeeded));
  }
  return result;
}

// (d) The money: what the channel paid is what the CLOSED_PAID cases say is refundable, case by
// case; and equals the refundable sum of the claimed cases (less claimed cases STUCK unpaid).
CheckResult SoakChecks::Money() {
  CheckResult result{"(d) sum paid == sum refundable of claimed cases (less claimed STUCK unpaid)"};
  const fakes::FakePayment& payment = in_.outside->payment();
  const int64_t ledger_fen = payment.stats().total_paid_fen;
  for (const Refund& r : *in_.cases) {
    if (r.state() != npd::v1::REFUND_STATE_CLOSED_PAID) continue;
    ++result.checked;
    if (r.paid_fen() != r.refundable_fen()) {
      Fail(result, absl::StrCat(Brief(r), ": paid_fen ", r.paid_fen(), " != refundable_fen ",
                                r.refundable_fen()));
    }
    auto payout = payment.Payout(r.payout_key());
    if (!payout || payout->status != npd::v1::PAYOUT_STATUS_SUCCEEDED ||
        payout->amount_fen != r.paid_fen() || payout->refund_id != r.refund_id()) {
      Fail(result, absl::StrCat(Brief(r), ": the ledger's payout ", r.payout_key(),
                                " is not a success of ", r.paid_fen(), " fen"));
    }
    auto claim = in_.claims->find(r.refund_id());
    if (claim == in_.claims->end() || !claim->second.claimed) {
      Fail(result, Brief(r) + ": paid although the soak made no valid claim");
    }
  }
  if (ledger_fen != figures_.closed_paid_fen) {
    Fail(result, absl::StrCat("ledger paid ", ledger_fen, " fen; CLOSED_PAID cases sum to ",
                              figures_.closed_paid_fen));
  }
  if (ledger_fen != figures_.claimed_fen - figures_.claimed_unpaid_fen) {
    Fail(result, absl::StrCat("ledger paid ", ledger_fen, " fen; claimed cases sum to ",
                              figures_.claimed_fen, " (", figures_.claimed_unpaid_fen,
                              " of them not paid)"));
  }
  return result;
}

// (e) One settlement entry per paid case with the paid amount; the donor account closed once.
CheckResult SoakChecks::SettlementAndClose() {
  CheckResult result{
      "(e) settlement: one entry per CLOSED_PAID case, amounts match; accounts closed"};
  const fakes::FakeSettlement& settlement = in_.outside->settlement();
  const fakes::FakeBilling& billing = in_.outside->billing();
  int64_t entries = 0;
  int64_t entries_fen = 0;
  for (const Refund& r : *in_.cases) {
    ++result.checked;
    const int n = settlement.EntriesFor(r.refund_id());
    entries += n;
    if (r.state() == npd::v1::REFUND_STATE_CLOSED_PAID) {
      auto entry = settlement.Entry(r.refund_id() + ":settle");
      if (n != 1 || !entry || entry->request.amount_fen() != r.paid_fen()) {
        Fail(result,
             absl::StrCat(Brief(r), ": ", n, " settlement entries, amount ",
                          entry ? entry->request.amount_fen() : -1, " for paid ", r.paid_fen()));
      }
    } else if (n > (StuckAfterPaid(r) ? 1 : 0)) {
      Fail(result, absl::StrCat(Brief(r), ": ", n, " settlement entries for a case not paid"));
    }
    if (n > 0) {
      if (auto entry = settlement.Entry(r.refund_id() + ":settle")) {
        entries_fen += entry->request.amount_fen();
      }
    }
    if ((r.state() == npd::v1::REFUND_STATE_CLOSED_PAID ||
         r.state() == npd::v1::REFUND_STATE_CLOSED_NO_REFUND) &&
        !billing.Close(r.refund_id())) {
      Fail(result, Brief(r) + ": closed without a CloseAccount in billing");
    }
  }
  const fakes::SettlementStats stats = settlement.stats();
  if (stats.conflicts != 0) Fail(result, absl::StrCat(stats.conflicts, " entry key conflicts"));
  if (static_cast<int64_t>(stats.entries) != entries || stats.total_fen != entries_fen) {
    Fail(result, absl::StrCat("the ledger holds ", stats.entries, " entries / ", stats.total_fen,
                              " fen; npd's cases account for ", entries, " / ", entries_fen));
  }
  if (billing.stats().close_conflicts != 0) {
    Fail(result, absl::StrCat(billing.stats().close_conflicts, " CloseAccount conflicts"));
  }
  return result;
}

// (f) Every computed amount is what the bill scenario makes it.
CheckResult SoakChecks::Bills() {
  CheckResult result{"(f) refundable_fen == FakeBilling::ExpectedRefundable for every billed case"};
  for (const Refund& r : *in_.cases) {
    if (!r.has_final_bill()) continue;
    ++result.checked;
    const int64_t expected = in_.outside->billing().ExpectedRefundable(r.msisdn());
    if (r.refundable_fen() != expected) {
      Fail(result,
           absl::StrCat(Brief(r), ": refundable ", r.refundable_fen(), ", expected ", expected));
    }
  }
  return result;
}

// (g) Each case ended where its scenario and claim plan lead (STUCK is always allowed, (a) checks
// its reason): a judicial hold STUCK with F08; nothing to refund CLOSED_NO_REFUND; a positive
// amount claimed CLOSED_PAID, unclaimed AWAIT_CLAIM; never CLOSED_EXPIRED (the window is long).
CheckResult SoakChecks::Outcomes() {
  CheckResult result{"(g) every case ended where its bill and claim plan lead"};
  const fakes::FakeBilling& billing = in_.outside->billing();
  for (const Refund& r : *in_.cases) {
    ++result.checked;
    const SoakNumber* number = in_.numbers->Find(r.msisdn());
    if (number == nullptr) {
      Fail(result, Brief(r) + ": a number the soak never ported");
      continue;
    }
    const fakes::BillScenario scenario = billing.ScenarioFor(r.msisdn());
    const RefundState s = r.state();
    if (scenario.judicial_hold) {
      if (s != npd::v1::REFUND_STATE_STUCK ||
          !HasReason(r, npd::v1::REFUND_REASON_F08_ACCOUNT_FROZEN_JUDICIAL)) {
        Fail(result, Brief(r) + ": judicial hold, expected STUCK with F08");
      }
      continue;
    }
    if (s == npd::v1::REFUND_STATE_STUCK) continue;
    const bool positive = scenario.refundable_fen() > 0;
    const bool claims = number->claim_plan != ClaimPlan::kUnclaimed;
    RefundState expected = npd::v1::REFUND_STATE_CLOSED_NO_REFUND;
    if (positive) {
      expected = claims ? npd::v1::REFUND_STATE_CLOSED_PAID : npd::v1::REFUND_STATE_AWAIT_CLAIM;
    }
    if (s != expected) {
      Fail(result, absl::StrCat(Brief(r), ": expected ", StateName(expected), " (claim plan ",
                                ClaimPlanName(number->claim_plan), ")"));
    }
  }
  return result;
}

CheckResult ReplayCheck(const std::string& data_dir) {
  CheckResult result{.name = "(h) the journal replays to exactly the stored state"};
  uint64_t steps = 0;
  result.failures = npd::testing::ReplayMismatches(data_dir, &steps);
  result.checked = static_cast<int64_t>(steps);
  return result;
}

}  // namespace npd::refund_soak
