#include "clients/npctl/app.h"

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "clients/npctl/commands.h"
#include "clients/npctl/options.h"
#include "clients/npctl/replay_command.h"
#include "clients/npctl/session.h"

namespace npd::npctl {
namespace {

constexpr char kDescription[] =
    "npctl: command-line client of npd, the number-portability transaction daemon.\n"
    "Plays a carrier (--as cmcc|cucc|ctcc|<carrier id>) or the operator (--as operator):\n"
    "issue authorisation codes, submit, answer and cancel ports, look numbers up, watch\n"
    "and confirm the routing change feed, download a snapshot, audit routing data,\n"
    "read, claim and re-drive balance refunds, show the history of any of them, report figures\n"
    "per carrier, and back up npd.";

constexpr char kFooter[] =
    "Exit status: 0 success (a refusal by rule is a normal answer), 1 rpc error or npd\n"
    "unreachable (\"error: <STATUS>: <message>\" on stderr), 2 usage error, 3 audit or replay\n"
    "found differences.\n"
    "Example: npctl --as cmcc code issue 13800138000 --name 张三 --id-type resident --id "
    "11010519491231002X";

void AddGlobalOptions(CLI::App& app, GlobalOptions& options) {
  const std::string group = "Global options (before or after the command)";
  app.add_option("--server", options.server, "npd address HOST:PORT")
      ->envname("NPD_SERVER")
      ->type_name("HOST:PORT")
      ->capture_default_str()
      ->group(group);
  app.add_option("--as", options.role,
                 "Who to act as: a carrier id (cmcc, cucc, ctcc, ...), <carrier>-selfservice, "
                 "operator, payment or billing-<carrier>. Required")
      ->envname("NPD_AS")
      ->type_name("ROLE")
      ->group(group);
  if (const char* user = std::getenv("USER"); user != nullptr) options.operator_name = user;
  app.add_option("--operator", options.operator_name,
                 "With --as operator: the person acting; npctl presents operator-NAME.pem and npd "
                 "records the person with every change made. Default: $USER")
      ->envname("NPD_OPERATOR")
      ->type_name("NAME")
      ->group(group);
  app.add_option("--tls-dir", options.tls_dir,
                 "Directory with ca.pem and client certificates: npctl presents DIR/<--as>.pem "
                 "(DIR/operator-<--operator>.pem for the operator). scripts/dev-pki DIR makes a "
                 "development set. Unset: plaintext with a header identity, accepted only by an "
                 "npd in development mode")
      ->envname("NPD_TLS_DIR")
      ->type_name("DIR")
      ->group(group);
  app.add_flag("--json", options.json,
               "Print responses as protobuf JSON (proto field names), one document per line")
      ->group(group);
  app.add_option("--request-id", options.request_id,
                 "Idempotency key of a mutating command; retry with the same id to get the stored "
                 "answer. Default: a random id, printed to stderr as 'request-id: <id>'")
      ->type_name("ID")
      ->group(group);
  app.add_option("--timeout", options.timeout_seconds,
                 "Deadline in seconds for connecting and for each rpc")
      ->type_name("SECONDS")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group(group);
}

constexpr char kHelpHint[] = "Run with --help for more information.";

void PrintUsageError(const std::string& message) {
  std::cerr << "npctl: " << message << '\n' << kHelpHint << std::endl;
}

// CLI11's parse errors, worded like PrintUsageError's.
std::string ParseFailure(const CLI::App* /*app*/, const CLI::Error& error) {
  return std::string("npctl: ") + error.what() + '\n' + kHelpHint + '\n';
}

}  // namespace

int Run(int argc, char** argv) {
  Session session;
  Action action;

  CLI::App app(kDescription, "npctl");
  // Set before adding commands, which inherit them: global options may follow the command.
  app.fallthrough();
  app.failure_message(ParseFailure);
  app.require_subcommand(1);
  app.footer(kFooter);
  app.set_help_all_flag("--help-all", "Print help for every command and exit");
  AddGlobalOptions(app, session.options());

  AddCodeCommands(app, session, action);
  AddPortCommands(app, session, action);
  AddNumberCommands(app, session, action);
  AddFeedCommands(app, session, action);
  AddAuditCommand(app, session, action);
  AddRefundCommands(app, session, action);
  AddOpsCommands(app, session, action);
  AddReplayCommand(app, session, action);
  AddHistoryCommand(app, session, action);
  AddReportCommand(app, session, action);
  AddAdminCommands(app, session, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, or the error with a hint
    return code == 0 ? kExitOk : kExitUsage;
  } catch (const UsageError& e) {
    PrintUsageError(e.what());
    return kExitUsage;
  }
  if (!action) {
    PrintUsageError("name a command");
    return kExitUsage;
  }
  if (session.role().empty() && !session.offline()) {
    PrintUsageError(
        "--as ROLE is required (or set NPD_AS): the carrier id (cmcc, cucc, ctcc, ...) or "
        "'operator' the calls are made as");
    return kExitUsage;
  }
  try {
    return action();
  } catch (const UsageError& e) {
    PrintUsageError(e.what());
    return kExitUsage;
  }
}

}  // namespace npd::npctl
