#include "tests/refund_soak/refund_soak.h"

#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/fakes/fake_outside.h"
#include "tests/refund_soak/claim_driver.h"
#include "tests/refund_soak/npd_calls.h"
#include "tests/refund_soak/port_driver.h"
#include "tests/refund_soak/run_env.h"
#include "tests/refund_soak/soak_checks.h"
#include "tests/refund_soak/soak_numbers.h"
#include "tests/refund_soak/soak_report.h"
#include "tests/support/npd_client.h"
#include "tests/support/npd_process.h"

namespace npd::refund_soak {
namespace {

void Log(const std::string& line) { std::cerr << "npd-refund-soak: " << line << std::endl; }

std::string Elapsed(absl::Time since) {
  return absl::FormatDuration(absl::Trunc(absl::Now() - since, absl::Seconds(1)));
}

// Valid claims the run will make: positive amount, no judicial hold, a claiming plan.
int64_t ExpectedClaims(const SoakNumbers& numbers, const fakes::FakeBilling& billing) {
  int64_t n = 0;
  for (const SoakNumber& number : numbers.all()) {
    const fakes::BillScenario s = billing.ScenarioFor(number.msisdn);
    if (number.claim_plan != ClaimPlan::kUnclaimed && !s.judicial_hold && s.refundable_fen() > 0) {
      ++n;
    }
  }
  return n;
}

std::map<std::string, std::string> NpdSettings(const SoakOptions& o, const std::string& address,
                                               const std::string& fake) {
  return {{"plan.dir", o.plan_dir},
          {"security.identity_secret", "refund-soak-secret"},
          {"server.listen", address},
          {"server.drain_timeout", "2s"},
          {"porting.cutover_mode", "immediate"},
          {"porting.blackout_last_days_of_month", "0"},
          {"refund.billing", "*=" + fake},
          {"refund.payment", fake},
          {"refund.settlement", fake},
          {"refund.sms", fake},
          {"refund.call_timeout", "300ms"},
          {"refund.retry_initial", "50ms"},
          {"refund.retry_max", "1s"},
          {"refund.poll_interval", "200ms"},
          {"refund.max_attempts", "10"},
          {"refund.claim_window", "744h"}};
}

}  // namespace

fakes::FaultPlan SoakFaultPlan() {
  fakes::FaultPlan plan;
  plan.error = 0.10;
  plan.timeout = 0.05;
  plan.slow = 0.05;
  plan.crash_after_effect = 0.05;
  plan.duplicate_callback = 0.05;
  plan.out_of_order_callback = 0.05;
  plan.timeout_delay = absl::Milliseconds(600);
  plan.slow_delay = absl::Milliseconds(200);
  return plan;
}

int RunRefundSoak(SoakOptions o) {
  if (o.seed == 0) o.seed = static_cast<uint64_t>(absl::ToUnixNanos(absl::Now()));
  const absl::Time started = absl::Now();
  const absl::Time hard_end = started + absl::Seconds(o.max_seconds);
  SoakRun run;
  run.seed = o.seed;
  std::mt19937_64 rng(o.seed);
  auto uniform = [&rng](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };

  absl::StatusOr<SoakNumbers> drawn = SoakNumbers::Draw(o.plan_dir, o.refunds, o.seed);
  if (!drawn.ok()) {
    Log(drawn.status().ToString());
    return 2;
  }
  const SoakNumbers& numbers = *drawn;
  const std::string dir = MakeRunDir();
  const int port = PickFreePort();
  if (dir.empty() || port <= 0) {
    Log("cannot make a run directory or find a free port");
    return 1;
  }
  const std::string address = absl::StrCat("127.0.0.1:", port);

  fakes::FakeOutsideOptions fake_options;
  fake_options.seed = o.seed;
  fake_options.SetAllFaults(SoakFaultPlan());
  fake_options.payment.pending_rate = 0.05;
  fake_options.billing.carrier_of = [&numbers](const std::string& msisdn) {
    return numbers.DonorOf(msisdn);
  };
  // Like real outside systems, over mutual TLS, calling npd back with their own identities.
  npd::testing::TestPki& pki = npd::testing::TestPki::Shared();
  for (const char* name : {"billing-cmcc", "billing-cucc", "billing-ctcc", "payment"}) {
    pki.Ensure(name);
  }
  fake_options.tls_dir = pki.dir();
  fakes::FakeOutside outside(fake_options);
  absl::StatusOr<std::string> fake = outside.Start();
  if (!fake.ok()) {
    Log("the fakes did not start: " + fake.status().ToString());
    return 1;
  }
  Log(absl::StrCat("seed ", o.seed, ", ", o.refunds, " refunds, ", o.kills, " kills; npd at ",
                   address, ", fakes at ", *fake, ", files in ", dir));

  npd::testing::NpdProcess npd(o.npd_binary, dir + "/npd", NpdSettings(o, address, *fake));
  Watchdog watchdog(hard_end + absl::Seconds(15), npd);
  npd::testing::NpdClient health(address, FastReconnectArgs());
  auto start_npd = [&](const std::string& when) {
    if (npd.Start(30) && health.WaitReady(30)) {
      outside.SetNpdAddress(address);  // the callback target, after every (re)start
      return true;
    }
    run.problems.push_back(absl::StrCat("npd did not come up ", when, "; see ", npd.log_path()));
    return false;
  };

  PortDriver ports(address, numbers, o.port_clients);
  ClaimDriver claims(address, numbers, o.claim_clients, o.seed);
  std::vector<npd::v1::Refund> cases;
  std::vector<npd::v1::Port> completed;
  absl::Time faults_off = started;
  if (start_npd("at the start")) {
    ports.Start();
    claims.Start();
    // Kills at random points of the load's progress (ports approved + valid claims accepted), so
    // they land while numbers port and while claims pay out.
    const double total =
        static_cast<double>(o.refunds + ExpectedClaims(numbers, outside.billing()));
    auto progress = [&] {
      return static_cast<double>(ports.approved() + claims.stats().claimed) / total;
    };
    // One point in each of `kills` equal slices of [0.05, 0.95]: spread over the whole load.
    std::vector<double> points;
    const double slice = 0.9 / std::max(o.kills, 1);
    for (int i = 0; i < o.kills; ++i) points.push_back(0.05 + slice * (i + uniform(0, 1)));
    const absl::Time load_end = started + absl::Seconds(o.max_seconds * 0.6);
    absl::Time ready_at = absl::Now();
    double last_progress = 0;
    absl::Time last_moved = absl::Now();
    for (double point : points) {
      while (absl::Now() < load_end) {
        const double p = progress();
        if (p > last_progress) last_progress = p, last_moved = absl::Now();
        const bool up_long_enough = absl::Now() - ready_at >= absl::Seconds(o.min_uptime);
        // A stalled load (every remaining case STUCK, say) must not hold the kills back.
        if (up_long_enough && (p >= point || absl::Now() - last_moved > absl::Seconds(20))) break;
        absl::SleepFor(absl::Milliseconds(50));
      }
      if (absl::Now() >= load_end) break;
      absl::SleepFor(absl::Milliseconds(uniform(0, 300)));
      npd.Stop(SIGKILL);
      ++run.kills;
      Log(absl::StrCat("kill ", run.kills, " at ", static_cast<int>(progress() * 100),
                       "% progress (", ports.approved(), " ports approved, ",
                       claims.stats().claimed, " claims), ", Elapsed(started)));
      absl::SleepFor(absl::Milliseconds(uniform(0, 500)));  // npd stays down a moment
      if (!start_npd("after a kill")) break;
      ready_at = absl::Now();
    }
    if (run.kills < o.kills) {
      run.problems.push_back(absl::StrCat("only ", run.kills, " of ", o.kills, " kills made"));
    }
    while (!ports.porting_done() && absl::Now() < load_end) absl::SleepFor(absl::Milliseconds(100));
    if (!ports.porting_done()) run.problems.push_back("the porting load did not finish in time");

    // Drain: faults off; wait until every number's case exists and is at rest.
    faults_off = absl::Now();
    run.load_time = faults_off - started;
    outside.SetFaultPlan(fakes::FaultPlan{});
    Log(absl::StrCat("load done (", ports.approved(), " ports approved), faults off, draining, ",
                     Elapsed(started)));
    RefundCalls reader(address);
    const absl::Time drain_end =
        std::min(faults_off + absl::Seconds(o.drain_timeout), hard_end - absl::Seconds(10));
    bool drained = false;
    int64_t not_at_rest = -1;
    while (!drained && absl::Now() < drain_end) {
      absl::SleepFor(absl::Seconds(1));
      auto all = reader.ListRefunds(npd::v1::REFUND_STATE_UNSPECIFIED);
      if (!all.ok()) continue;
      not_at_rest = std::count_if(all->begin(), all->end(), [&](const npd::v1::Refund& r) {
        return !CaseAtRest(r, numbers);
      });
      drained = not_at_rest == 0 && static_cast<int64_t>(all->size()) == ports.approved();
    }
    run.drain_time = absl::Now() - faults_off;
    if (!drained) {
      run.problems.push_back(absl::StrCat("the drain did not end within ", o.drain_timeout,
                                          " s: ", not_at_rest, " cases not at rest"));
    }
    ports.Stop();
    claims.Stop();

    // What the checks read must survive a kill too.
    npd.Stop(SIGKILL);
    run.final_kills = 1;
    if (start_npd("for the final read")) {
      for (int attempt = 0; attempt < 50; ++attempt) {
        auto all = reader.ListRefunds(npd::v1::REFUND_STATE_UNSPECIFIED);
        auto done = reader.ListPorts(npd::v1::PORT_STATE_COMPLETED);
        if (all.ok() && done.ok()) {
          cases = *std::move(all);
          completed = *std::move(done);
          break;
        }
        absl::SleepFor(absl::Milliseconds(200));
      }
    }
  }
  ports.Stop();
  claims.Stop();
  npd.Stop(SIGTERM);
  outside.Stop();

  run.client_retries = ports.retries() + claims.stats().retries;
  for (const std::string& e : ports.errors()) run.problems.push_back("port driver: " + e);
  for (const std::string& e : claims.errors()) run.problems.push_back("claim driver: " + e);
  const std::map<std::string, std::string> approved = ports.port_ids();
  const std::map<std::string, ClaimRecord> records = claims.records();
  SoakChecks checks({&cases, &completed, &numbers, &approved, &records, &outside});
  std::vector<CheckResult> results = checks.Run();
  results.push_back(ReplayCheck(dir + "/npd"));
  run.pass = run.problems.empty() && !cases.empty() &&
             std::all_of(results.begin(), results.end(),
                         [](const CheckResult& c) { return c.failures.empty(); });
  run.wall_time = absl::Now() - started;
  PrintReport(std::cout, run, checks.figures(), claims.stats(), outside, results);

  if (run.pass && !o.keep_dir) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  } else {
    Log("run directory kept: " + dir + " (npd log: " + npd.log_path() + ")");
  }
  return run.pass ? 0 : 1;
}

}  // namespace npd::refund_soak
