// Options of the refund soak (npd-refund-soak). See README.md.
#ifndef NPD_TESTS_REFUND_SOAK_SOAK_OPTIONS_H_
#define NPD_TESTS_REFUND_SOAK_SOAK_OPTIONS_H_

#include <cstdint>
#include <string>

namespace npd::refund_soak {

struct SoakOptions {
  // Numbers ported, hence refund cases opened. Default: 10000.
  int refunds = 10000;
  // SIGKILLs of npd during the load (at random points of its progress). Default: 5.
  int kills = 5;
  // Hard limit of the whole run; a watchdog kills npd and exits 4 shortly after it. Default: 3600.
  double max_seconds = 3600;
  // How long the drain (faults off) may take to bring every case to rest. Default: 300.
  double drain_timeout = 300;
  // Seed of every random choice (numbers, carriers, claims, kill points, the fakes' faults);
  // 0 picks one from the clock. Default: 0.
  uint64_t seed = 0;
  // Client threads porting numbers. Default: 4.
  int port_clients = 4;
  // Client threads sending claims. Default: 3.
  int claim_clients = 3;
  // Seconds npd runs at least between a (re)start and the next kill. Default: 2.
  double min_uptime = 2;
  // Keep the run directory (npd's data and log); it is always kept when the run fails.
  // Default: false.
  bool keep_dir = false;
  std::string npd_binary;
  std::string plan_dir;
};

}  // namespace npd::refund_soak

#endif  // NPD_TESTS_REFUND_SOAK_SOAK_OPTIONS_H_
