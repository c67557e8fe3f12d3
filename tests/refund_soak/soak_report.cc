#include "tests/refund_soak/soak_report.h"

#include "absl/strings/str_format.h"
#include "tests/fakes/fault_injector.h"

namespace npd::refund_soak {
namespace {

// "12345.67 CNY" from fen (integer arithmetic).
std::string Cny(int64_t fen) {
  const int64_t a = fen < 0 ? -fen : fen;
  return absl::StrFormat("%s%d.%02d CNY", fen < 0 ? "-" : "", a / 100, a % 100);
}

std::string Seconds(absl::Duration d) {
  return absl::StrFormat("%.1f s", absl::ToDoubleSeconds(d));
}

void Row(std::ostream& out, const std::string& name, const std::string& value) {
  out << absl::StrFormat("  %-44s %s\n", name, value);
}

}  // namespace

void PrintReport(std::ostream& out, const SoakRun& run, const SoakFigures& f,
                 const ClaimStats& claims, const fakes::FakeOutside& outside,
                 const std::vector<CheckResult>& checks) {
  const fakes::PaymentStats pay = outside.payment().stats();
  const fakes::SettlementStats settle = outside.settlement().stats();
  out << "npd-refund-soak: " << (run.pass ? "PASS" : "FAIL") << " (seed " << run.seed << ")\n";
  Row(out, "numbers ported / ports COMPLETED",
      absl::StrFormat("%d / %d", f.numbers, f.completed_ports));
  Row(out, "refunds opened", absl::StrCat(f.opened));
  Row(out, "kills of npd (SIGKILL, restart on same data)",
      absl::StrFormat("%d during the load + %d before the final read", run.kills, run.final_kills));
  Row(out, "wall time",
      absl::StrFormat("%s (load %s, drain %s)", Seconds(run.wall_time), Seconds(run.load_time),
                      Seconds(run.drain_time)));
  out << "final state of the cases:\n";
  for (const auto& [state, n] : f.by_state) {
    std::string note;
    if (state == "AWAIT_CLAIM") {
      note = absl::StrFormat("(unclaimed by design: %d)", f.unclaimed_by_design);
    } else if (state == "STUCK") {
      note = absl::StrFormat("(F08 judicial hold: %d, out of attempts: %d)", f.stuck_judicial,
                             f.stuck_other);
    } else if (state == "CLOSED_NO_REFUND") {
      note = absl::StrFormat("(zero: %d, arrears: %d)", f.no_refund_zero, f.no_refund_arrears);
    }
    Row(out, "  " + state, absl::StrFormat("%6d %s", n, note));
  }
  for (const std::string& line : f.stuck_details) out << "    STUCK " << line << "\n";
  out << "money:\n";
  Row(out, "claimed (valid claim accepted)", absl::StrCat(f.claimed));
  Row(out, "sum refundable of claimed cases", Cny(f.claimed_fen));
  Row(out, "  of which claimed, not paid (STUCK)",
      absl::StrFormat("%d cases, %s", f.claimed_unpaid, Cny(f.claimed_unpaid_fen)));
  Row(out, "sum refundable of CLOSED_PAID cases", Cny(f.closed_paid_fen));
  Row(out, "sum paid (payment ledger)", Cny(pay.total_paid_fen));
  Row(out, "payouts: keys / succeeded / payee refused",
      absl::StrFormat("%d / %d / %d", pay.payouts, pay.succeeded, pay.failed_payee_invalid));
  Row(out, "refunds paid more than once (violations)",
      absl::StrCat(outside.payment().violations().size()));
  Row(out, "duplicates prevented: Pay / settlement",
      absl::StrFormat("%d / %d", pay.duplicates_prevented, settle.duplicates));
  Row(out, "payout queries / settlement entries",
      absl::StrFormat("%d / %d (%s)", pay.queries, settle.entries, Cny(settle.total_fen)));
  Row(out, "claims: F05 wrong identity refused", absl::StrCat(claims.f05_refusals));
  Row(out, "claims: invalid wallet sent / back with F06",
      absl::StrFormat("%d / %d", claims.invalid_payee_sent, claims.f06_returns));
  out << "faults injected (all four services):\n";
  const fakes::FaultCounts faults = outside.faults();
  uint64_t total = 0;
  for (int k = 0; k < fakes::kFaultKindCount; ++k) {
    total += faults[k];
    Row(out, "  " + std::string(fakes::FaultKindName(static_cast<fakes::FaultKind>(k))),
        absl::StrCat(faults[k]));
  }
  Row(out, "  total", absl::StrCat(total));
  Row(out, "client calls repeated while npd was down", absl::StrCat(run.client_retries));
  out << "checks:\n";
  for (const CheckResult& c : checks) {
    out << "  " << (c.failures.empty() ? "ok  " : "FAIL") << " " << c.name << " [" << c.checked
        << " checked]\n";
    for (const std::string& line : c.failures) out << "         " << line << "\n";
  }
  for (const std::string& p : run.problems) out << "  PROBLEM " << p << "\n";
  out.flush();
}

}  // namespace npd::refund_soak
