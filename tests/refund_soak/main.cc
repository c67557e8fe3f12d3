// npd-refund-soak: thousands of balance refunds through the real npd against the fake outside
// systems with ~30% injected faults, npd SIGKILLed several times midway; checks every case and
// the ledgers afterwards and prints the figures. See README.md.
#include <iostream>

#include <CLI/CLI.hpp>

#include "tests/refund_soak/refund_soak.h"

int main(int argc, char** argv) {
  npd::refund_soak::SoakOptions options;
  options.npd_binary = NPD_BINARY;
  options.plan_dir = NPD_DATA_DIR;

  CLI::App app{"npd-refund-soak: refunds under faults and SIGKILLs; every case and ledger checked"};
  app.add_option("--refunds", options.refunds, "numbers ported, hence refund cases")
      ->capture_default_str()
      ->check(CLI::Range(1, 200000));
  app.add_option("--kills", options.kills, "SIGKILLs of npd during the load")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-seconds", options.max_seconds,
                 "hard limit of the whole run (a watchdog kills npd and exits 4 after it)")
      ->capture_default_str();
  app.add_option("--drain-timeout", options.drain_timeout,
                 "seconds the drain (faults off) may take to bring every case to rest")
      ->capture_default_str();
  app.add_option("--seed", options.seed, "seed of every random choice (0: from the clock)")
      ->capture_default_str();
  app.add_option("--port-clients", options.port_clients, "client threads porting numbers")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--claim-clients", options.claim_clients, "client threads sending claims")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--min-uptime", options.min_uptime, "seconds npd runs at least before a kill")
      ->capture_default_str();
  app.add_flag("--keep-dir", options.keep_dir,
               "keep npd's data and log (always kept when the run fails)");
  app.add_option("--npd", options.npd_binary, "npd binary")->capture_default_str();
  app.add_option("--plan-dir", options.plan_dir, "number plan directory (data/)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (options.max_seconds <= 0 || options.drain_timeout <= 0 || options.min_uptime < 0) {
    std::cerr
        << "npd-refund-soak: need --max-seconds > 0, --drain-timeout > 0, --min-uptime >= 0\n";
    return 2;
  }
  return npd::refund_soak::RunRefundSoak(options);
}
