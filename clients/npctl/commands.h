// The command groups of npctl. Each adds its commands to the root app; the command that is named on
// the command line stores its work in `action` while parsing, and Run() calls it afterwards.
#ifndef NPD_CLIENTS_NPCTL_COMMANDS_H_
#define NPD_CLIENTS_NPCTL_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "clients/npctl/options.h"
#include "clients/npctl/session.h"

namespace npd::npctl {

// `code issue`: authorisation codes (PortingService.IssueAuthCode).
void AddCodeCommands(CLI::App& app, Session& session, Action& action);
// `port submit|answer|cancel|resend|disconnect|get|list`: port transactions (PortingService).
void AddPortCommands(CLI::App& app, Session& session, Action& action);
// `number lookup`: routing facts (NumberService).
void AddNumberCommands(CLI::App& app, Session& session, Action& action);
// `feed watch`: the routing change feed (RoutingFeedService).
void AddFeedCommands(CLI::App& app, Session& session, Action& action);
// `feed snapshot`: a consistent snapshot of the routing entries (ExportSnapshot), under `feed`.
void AddFeedSnapshotCommand(CLI::App& feed, Session& session, Action& action);
// `audit`: compare a carrier's routing entries with npd's (AuditService).
void AddAuditCommand(CLI::App& app, Session& session, Action& action);
// `refund get|list|claim|redrive|report-bill`: balance refund cases (RefundService).
void AddRefundCommands(CLI::App& app, Session& session, Action& action);
// `ops attention|cancel`: the operator's worklist and cancel (OperationsService).
void AddOpsCommands(CLI::App& app, Session& session, Action& action);

// `history`: the timeline of a number, port or refund case (HistoryService).
void AddHistoryCommand(CLI::App& app, Session& session, Action& action);
// `report`: figures per carrier over a window (ReportService).
void AddReportCommand(CLI::App& app, Session& session, Action& action);
// `admin checkpoint`: a consistent backup of a running npd (AdminService).
void AddAdminCommands(CLI::App& app, Session& session, Action& action);

}  // namespace npd::npctl

#endif  // NPD_CLIENTS_NPCTL_COMMANDS_H_
