// npd: the number-portability transaction daemon. Parses flags and hands over to RunDaemon.
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include <CLI/CLI.hpp>

#include "daemon/application.h"
#include "daemon/config.h"
#include "daemon/logging.h"
#include "spdlog/spdlog.h"

extern char** environ;

int main(int argc, char** argv) {
  CLI::App app{"npd: number-portability transaction daemon (携号转网)"};
  npd::ConfigSources sources;
  std::string listen, data_dir, cutover_mode;
  std::vector<std::string> overrides;
  app.add_option("--config", sources.file, "TOML configuration file (see deploy/npd.toml)");
  app.add_option("--listen", listen, "gRPC address, e.g. 127.0.0.1:50051 (server.listen)");
  app.add_option("--data-dir", data_dir, "RocksDB data directory (storage.data_dir)");
  app.add_option("--cutover-mode", cutover_mode,
                 "next_hour | immediate | window (porting.cutover_mode)");
  app.add_option("--set", overrides, "any configuration key: --set porting.auth_code_ttl=10m");
  CLI11_PARSE(app, argc, argv);

  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos) sources.env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& o : overrides) {
    auto eq = o.find('=');
    if (eq == std::string::npos) {
      std::cerr << "npd: --set needs key=value, got '" << o << "'\n";
      return 2;
    }
    sources.flags[o.substr(0, eq)] = o.substr(eq + 1);
  }
  if (!listen.empty()) sources.flags["server.listen"] = listen;
  if (!data_dir.empty()) sources.flags["storage.data_dir"] = data_dir;
  if (!cutover_mode.empty()) sources.flags["porting.cutover_mode"] = cutover_mode;

  auto config = npd::LoadConfig(sources);
  if (!config.ok()) {
    std::cerr << "npd: configuration: " << config.status().message() << "\n";
    return 2;
  }
  if (auto s = npd::SetUpLogging(config->log_level, config->log_format); !s.ok()) {
    std::cerr << "npd: " << s.message() << "\n";
    return 2;
  }
  npd::RouteLibraryLogs();
  if (auto s = npd::RunDaemon(*config); !s.ok()) {
    spdlog::critical("npd stopped: {}", s.ToString());
    return 1;
  }
  spdlog::info("npd stopped cleanly");
  return 0;
}
