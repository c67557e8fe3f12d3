// npbench: npd's load generator. Drives one workload against a server over real gRPC (callback
// client) and prints throughput, latency percentiles, results by status code and, given the
// server's pid, its CPU seconds per 1,000 requests. See clients/README.md and BENCHMARKS.md.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include <grpcpp/grpcpp.h>
#include <CLI/CLI.hpp>

#include "absl/strings/str_format.h"
#include "clients/npbench/confirmer.h"
#include "clients/npbench/cutover_batch.h"
#include "clients/npbench/load.h"
#include "clients/npbench/workloads.h"

namespace {

// utime + stime of a process, in seconds, from /proc; -1 when unreadable.
double CpuSeconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// --workload cutover-batch: prints the batch's figures; exit 0 when every port of it completed.
int RunCutoverBatch(npd::bench::ChannelPool& chans, const std::string& plan_dir, int concurrency,
                    uint64_t first_number, uint64_t ports, bool json) {
  auto pool = npd::bench::LoadNumberPool(plan_dir);
  if (pool.blocks.empty()) {
    std::cerr << "npbench: no numbers in " << plan_dir << "\n";
    return 2;
  }
  npd::bench::CutoverBatchOptions options{.ports = ports > 0 ? ports : 100000,
                                          .concurrency = concurrency,
                                          .first_number = first_number};
  const auto r = npd::bench::RunCutoverBatch(chans, pool, options);
  const bool confirmed = r.all_confirmed != absl::InfiniteDuration();
  const double confirmed_s = confirmed ? absl::ToDoubleSeconds(r.all_confirmed) : -1;
  const auto time_text = [&](absl::Time t) {
    return r.approved > 0 ? absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone())
                          : std::string();
  };
  const double setup_s = absl::ToDoubleSeconds(r.setup.elapsed);
  const double received_s =
      r.all_received != absl::InfiniteDuration() ? absl::ToDoubleSeconds(r.all_received) : -1;
  if (json) {
    std::cout << absl::StrFormat(
                     R"({"workload":"cutover-batch","concurrency":%d,"ports":%d,"approved":%d,)"
                     R"("setup_s":%.3f,"setup_throughput":%.1f,"cutover_at":"%s",)"
                     R"("first_cutover_at":"%s","cutover_during_setup":%s,"all_received_s":%.3f,)"
                     R"("all_confirmed_s":%.3f,)"
                     R"("changes_seen_min":%d,"completed_ports":%d,"codes":"%s"})",
                     concurrency, options.ports, r.approved, setup_s, r.setup.Throughput(),
                     time_text(r.last_cutover), time_text(r.first_cutover),
                     r.cutover_during_setup ? "true" : "false", received_s, confirmed_s,
                     r.changes_seen_min, r.completed_ports, r.setup.CodesText())
              << "\n";
  } else if (r.approved == 0) {
    std::cout << absl::StrFormat(
        "workload cutover-batch  ports %d  concurrency %d\n"
        "setup: %d calls, no port approved (status: %s): nothing cut over\n",
        options.ports, concurrency, r.setup.completed, r.setup.CodesText());
  } else {
    std::cout << absl::StrFormat(
        "workload cutover-batch  ports %d  concurrency %d\n"
        "setup: %d calls in %.2fs = %.0f/s, %d ports approved  (status: %s)\n"
        "cutover at %s%s\n"
        "every carrier received every change %.3fs after the cutover, and confirmed it %s after; "
        "%d of %d ports COMPLETED\n",
        options.ports, concurrency, r.setup.completed, setup_s, r.setup.Throughput(), r.approved,
        r.setup.CodesText(), time_text(r.last_cutover),
        r.cutover_during_setup ? " (before the setup ended: timed from its end)" : "", received_s,
        confirmed ? absl::StrFormat("%.3fs", confirmed_s) : std::string("NOT (timed out)"),
        r.completed_ports, r.approved);
  }
  return confirmed && r.approved > 0 && r.completed_ports == r.approved ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"npbench: load generator for npd"};
  std::string server = "127.0.0.1:50051";
  std::string tls_dir;
  std::string workload = "lookup";
  std::string plan_dir = "./data";
  int concurrency = 64, channels = 4, server_pid = 0;
  double seconds = 10, rate = 0, hot = 0;
  uint64_t first_number = 0, count = 0, ports = 0, msisdn_first = 0, msisdn_count = 0;
  size_t payload = 64;
  bool json = false, confirm = false;
  app.add_option("--server", server, "host:port of npd (or npd-echo for --workload echo)");
  app.add_option("--tls-dir", tls_dir,
                 "directory with ca.pem and the client certificates of cmcc, cucc, ctcc and "
                 "operator-oncall (scripts/dev-pki); unset: plaintext with header identities "
                 "(npd's development mode)")
      ->envname("NPD_TLS_DIR");
  app.add_option("--workload", workload, "echo | lookup | port | cutover-batch")
      ->check(CLI::IsMember({"echo", "lookup", "port", "cutover-batch"}));
  app.add_option("--concurrency", concurrency, "calls in flight (closed loop) or outstanding cap");
  app.add_option("--channels", channels, "gRPC channels (HTTP/2 connections) to spread calls over");
  app.add_option("--seconds", seconds, "how long to start calls");
  app.add_option("--rate", rate, "paced calls per second (open loop); 0 = closed loop");
  app.add_option("--hot", hot, "lookup: share of calls going to 1% of the numbers");
  app.add_option("--plan-dir", plan_dir, "number plan directory (numbers to use)");
  app.add_option("--count", count, "stop after this many calls (0: run for --seconds)");
  app.add_option("--first-number", first_number,
                 "port, cutover-batch: offset into the number pool");
  app.add_option("--ports", ports,
                 "port: lifecycles to run (0: until the run ends); cutover-batch: ports in the "
                 "batch (default 100000)");
  app.add_option("--msisdn-first", msisdn_first,
                 "lookup: first number of a range to look up instead of the pool (a seeded store)");
  app.add_option("--msisdn-count", msisdn_count, "lookup: size of that range");
  app.add_option("--payload", payload, "echo: payload bytes");
  app.add_option("--server-pid", server_pid, "pid of the server, for CPU seconds per 1,000 calls");
  app.add_flag("--confirm", confirm,
               "port: act as every carrier and confirm the feed while running");
  app.add_flag("--json", json, "print one JSON object instead of a table");
  CLI11_PARSE(app, argc, argv);

  npd::bench::ChannelPool chans(server, tls_dir, channels);
  if (workload == "cutover-batch")
    return RunCutoverBatch(chans, plan_dir, concurrency, first_number, ports, json);
  std::unique_ptr<npd::bench::Workload> load;
  std::unique_ptr<npd::bench::FeedConfirmer> confirmer;
  if (workload == "echo") {
    load = npd::bench::MakeEchoWorkload(chans, payload);
  } else {
    auto pool = npd::bench::LoadNumberPool(plan_dir);
    if (pool.blocks.empty()) {
      std::cerr << "npbench: no numbers in " << plan_dir << "\n";
      return 2;
    }
    if (workload == "lookup") {
      load = npd::bench::MakeLookupWorkload(
          chans, pool,
          {.hot_fraction = hot, .msisdn_first = msisdn_first, .msisdn_count = msisdn_count});
    } else {
      if (confirm) confirmer = std::make_unique<npd::bench::FeedConfirmer>(chans, pool);
      load =
          npd::bench::MakePortWorkload(chans, pool, {.first_number = first_number, .ports = ports});
    }
  }
  const double cpu_before = server_pid > 0 ? CpuSeconds(server_pid) : -1;
  npd::bench::LoadOptions options{.concurrency = concurrency,
                                  .rate = rate,
                                  .duration = absl::Seconds(seconds),
                                  .max_calls = count};
  const auto report = npd::bench::RunLoad(*load, options);
  const double cpu = server_pid > 0 ? CpuSeconds(server_pid) - cpu_before : -1;
  uint64_t confirmed = 0;
  if (confirmer) confirmed = confirmer->Stop();
  const double cpu_per_k =
      report.completed > 0 && cpu >= 0 ? cpu * 1000.0 / static_cast<double>(report.completed) : -1;
  if (json) {
    std::cout
        << absl::StrFormat(
               R"({"workload":"%s","concurrency":%d,"channels":%d,"rate":%g,"seconds":%.3f,)"
               R"("completed":%d,"dropped":%d,"throughput":%.1f,"p50_us":%d,"p99_us":%d,)"
               R"("p999_us":%d,"max_us":%d,"server_cpu_s_per_1k":%.4f,"confirmed_to":%d,"codes":"%s"})",
               workload, concurrency, channels, rate, absl::ToDoubleSeconds(report.elapsed),
               report.completed, report.dropped, report.Throughput(), report.Percentile(0.5),
               report.Percentile(0.99), report.Percentile(0.999), report.Percentile(1.0), cpu_per_k,
               confirmed, report.CodesText())
        << "\n";
  } else {
    std::cout << absl::StrFormat(
        "workload %s  concurrency %d  channels %d  %s\n"
        "completed %d in %.2fs = %.0f/s  (dropped %d)\n"
        "latency us: p50 %d  p99 %d  p99.9 %d  max %d\n"
        "status: %s\n",
        workload, concurrency, channels,
        rate > 0 ? absl::StrFormat("paced %.0f/s", rate) : std::string("closed loop"),
        report.completed, absl::ToDoubleSeconds(report.elapsed), report.Throughput(),
        report.dropped, report.Percentile(0.5), report.Percentile(0.99), report.Percentile(0.999),
        report.Percentile(1.0), report.CodesText());
    if (cpu_per_k >= 0)
      std::cout << absl::StrFormat("server cpu: %.4f s per 1000 calls\n", cpu_per_k);
    if (confirmer) std::cout << "feed confirmed up to " << confirmed << "\n";
  }
  return report.completed > 0 ? 0 : 1;
}
