// npd-fake-outside: the four outside systems npd calls for refunds (billing, payment, settlement,
// SMS) as one process, with seeded faults and callbacks into npd. Runs until SIGTERM/SIGINT, then
// prints the ledger summary to stdout. See README.md.
#include <csignal>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "tests/fakes/fake_outside.h"

int main(int argc, char** argv) {
  CLI::App app{"npd-fake-outside: fake billing, payment, settlement and SMS for npd's refunds"};
  npd::fakes::FakeOutsideOptions options;
  npd::fakes::FaultPlan plan;
  int timeout_delay_ms = 3000;
  int slow_delay_ms = 200;
  int pending_delay_ms = 500;
  std::string port_file;
  app.add_option("--listen", options.listen, "address to listen on (port 0 picks one)")
      ->capture_default_str();
  app.add_option("--port-file", port_file, "write the bound host:port here once serving");
  app.add_option("--npd", options.npd_address, "npd's host:port for callbacks (none if empty)");
  app.add_option(
         "--tls-dir", options.tls_dir,
         "scripts/dev-pki directory: serve mutual TLS with outside.pem/.key (clients need a "
         "certificate of ca.pem) and call npd back as billing-<carrier> and payment; "
         "unset: plaintext (npd's development mode)")
      ->envname("NPD_TLS_DIR");
  app.add_option("--seed", options.seed, "seed of the fault generators")->capture_default_str();
  app.add_option("--error", plan.error, "rate: answer UNAVAILABLE, do nothing")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--timeout", plan.timeout, "rate: do it, answer after --timeout-delay-ms")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--slow", plan.slow, "rate: sleep --slow-delay-ms, then answer normally")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--crash-after-effect", plan.crash_after_effect,
                 "rate: do it, then answer UNAVAILABLE")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--duplicate-callback", plan.duplicate_callback, "rate: send a callback twice")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--out-of-order-callback", plan.out_of_order_callback,
                 "rate: send the callback before answering the rpc")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--timeout-delay-ms", timeout_delay_ms, "sleep of a timeout fault")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--slow-delay-ms", slow_delay_ms, "sleep of a slow fault")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--pending-rate", options.payment.pending_rate,
                 "share of payouts answered PENDING first")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--pending-delay-ms", pending_delay_ms, "time until a PENDING payout succeeds")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--carrier", options.billing.carrier, "donor carrier of the billing's pushes")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  plan.timeout_delay = absl::Milliseconds(timeout_delay_ms);
  plan.slow_delay = absl::Milliseconds(slow_delay_ms);
  options.payment.pending_delay = absl::Milliseconds(pending_delay_ms);
  options.SetAllFaults(plan);

  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  npd::fakes::FakeOutside outside(options);
  absl::StatusOr<std::string> address = outside.Start();
  if (!address.ok()) {
    std::cerr << "npd-fake-outside: " << address.status() << "\n";
    return 1;
  }
  if (!port_file.empty()) std::ofstream(port_file) << *address << "\n";
  std::cerr << "npd-fake-outside serving on " << *address << "\n";
  signals.async_wait([](const boost::system::error_code&, int) {});
  io.run();
  outside.Stop();
  std::cout << outside.Summary() << std::flush;
  return 0;
}
