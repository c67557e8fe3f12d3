#include "daemon/application.h"

#include <filesystem>
#include <fstream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "daemon/engine/clock.h"
#include "daemon/server.h"
#include "spdlog/spdlog.h"

namespace npd {

absl::Status RunDaemon(const Config& config) {
  spdlog::info("npd starting with configuration:\n{}", DescribeConfig(config));
  // Signals are taken before start-up so that a SIGTERM during start-up still stops cleanly.
  boost::asio::io_context signals_io;
  boost::asio::signal_set signals(signals_io, SIGINT, SIGTERM);

  engine::SystemClock clock;
  NpdServer server(config, clock);
  if (auto s = server.Start(); !s.ok()) return s;
  if (!config.port_file.empty()) {
    const std::string tmp = config.port_file + ".tmp";
    std::ofstream(tmp) << server.address() << "\n";
    std::error_code ec;
    std::filesystem::rename(tmp, config.port_file, ec);
  }

  signals.async_wait([](const boost::system::error_code&, int signal) {
    spdlog::info("signal {} received: draining", signal);
  });
  signals_io.run();
  server.Stop();
  return absl::OkStatus();
}

}  // namespace npd
