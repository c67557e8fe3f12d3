#include "clients/carrier_sim/app.h"

#include <iostream>

#include <CLI/CLI.hpp>

#include "clients/carrier_sim/sim_log.h"
#include "clients/client/identity.h"

namespace npd::carrier_sim {
namespace {

constexpr char kDescription[] =
    "npd-carrier-sim: plays one carrier's BSS against npd. Keeps a local NP database (SQLite)\n"
    "in step with the routing change feed (apply, confirm, reconnect, re-sync), answers the\n"
    "ports this carrier is the donor of by configurable rules, and audits the database.";

constexpr char kFooter[] =
    "Exit status: 0 success, 1 rpc or database error, 2 usage error, 3 audit found\n"
    "differences, 4 npd no longer keeps the feed after the database's position (resync).\n"
    "Example: npd-carrier-sim --carrier cmcc --db cmcc.db run --duration 60";

void AddGlobalOptions(CLI::App& app, GlobalOptions& options) {
  const std::string group = "Global options (before or after the command)";
  app.add_option("--server", options.server, "npd address HOST:PORT")
      ->envname("NPD_SERVER")
      ->type_name("HOST:PORT")
      ->capture_default_str()
      ->group(group);
  app.add_option("--carrier", options.carrier, "Carrier id to play (cmcc, cucc, ctcc, ...)")
      ->envname("NPD_CARRIER")
      ->type_name("ID")
      ->group(group);
  app.add_option("--tls-dir", options.tls_dir,
                 "Directory with ca.pem and the carrier's <id>.pem/.key client certificate "
                 "(scripts/dev-pki makes one). Unset: plaintext with a header identity, accepted "
                 "only by an npd in development mode")
      ->envname("NPD_TLS_DIR")
      ->type_name("DIR")
      ->group(group);
  app.add_option("--db", options.db, "Local NP database file (SQLite; created if missing)")
      ->type_name("PATH")
      ->group(group);
  app.add_option("--timeout", options.timeout_seconds, "Deadline of each rpc in seconds")
      ->type_name("SECONDS")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group(group);
  app.add_flag("--verbose", options.verbose, "Log every change applied and port answered")
      ->group(group);
}

void PrintUsageError(const std::string& message) {
  std::cerr << "npd-carrier-sim: " << message << "\nRun with --help for more information."
            << std::endl;
}

std::string ParseFailure(const CLI::App* /*app*/, const CLI::Error& error) {
  return std::string("npd-carrier-sim: ") + error.what() +
         "\nRun with --help for more information.\n";
}

}  // namespace

std::chrono::milliseconds GlobalOptions::timeout() const {
  return std::chrono::milliseconds(static_cast<int64_t>(timeout_seconds * 1000));
}

std::unique_ptr<LocalNpDb> Session::OpenDb() const {
  absl::StatusOr<std::unique_ptr<LocalNpDb>> db = LocalNpDb::Open(options_.db);
  if (!db.ok()) {
    Fail(db.status());
    return nullptr;
  }
  return std::move(*db);
}

bool Session::Connect() {
  auto channel = client::CreateIdentityChannel(
      options_.server, {.tls_dir = options_.tls_dir, .name = options_.carrier});
  if (!channel.ok()) {
    Fail(channel.status());
    return false;
  }
  channel_ = *std::move(channel);
  return true;
}

int Session::Fail(const absl::Status& status) const {
  std::cerr << "npd-carrier-sim: error: " << status.message() << std::endl;
  return kExitError;
}

int Run(int argc, char** argv) {
  Session session;
  Action action;
  bool needs_carrier = true;

  CLI::App app(kDescription, "npd-carrier-sim");
  app.fallthrough();
  app.failure_message(ParseFailure);
  app.require_subcommand(1);
  app.footer(kFooter);
  AddGlobalOptions(app, session.options());
  AddRunCommand(app, session, action);
  AddResyncCommand(app, session, action);
  AddAuditCommand(app, session, action);
  AddDumpCommand(app, session, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (!action) {
    PrintUsageError("name a command: run, resync, audit or dump");
    return kExitUsage;
  }
  if (app.got_subcommand("dump")) needs_carrier = false;
  if (session.options().db.empty()) {
    PrintUsageError("--db PATH is required: the local NP database file");
    return kExitUsage;
  }
  if (needs_carrier && session.options().carrier.empty()) {
    PrintUsageError("--carrier ID is required (or set NPD_CARRIER): the carrier to play");
    return kExitUsage;
  }
  if (needs_carrier && !session.Connect()) return kExitUsage;
  if (!session.options().carrier.empty()) SetLogCarrier(session.options().carrier);
  SetLogVerbose(session.options().verbose);
  return action();
}

}  // namespace npd::carrier_sim
