// `npctl report`: the service-quality report of a window (ReportService.GetReport) as an aligned
// table, CSV or JSON.
#include <iostream>
#include <memory>

#include "clients/client/json_text.h"
#include "clients/client/report_text.h"
#include "clients/npctl/commands.h"
#include "npd/v1/report.grpc.pb.h"

namespace npd::npctl {
namespace {

constexpr char kTimeExpected[] =
    "' is not a date (YYYY-MM-DD, the start of that day in China, UTC+8) or an RFC 3339 time "
    "(2026-11-01T08:30:00+08:00)";

struct ReportArgs {
  std::string from;
  std::string to;
  std::string carrier;
  std::string format = "table";
};

CLI::Validator ReportTimeCheck() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        return client::ParseReportTime(value) ? std::string() : "'" + value + kTimeExpected;
      },
      "", "time");
}

google::protobuf::Timestamp ToReportTime(const std::string& text) {
  auto time = client::ParseReportTime(text);
  if (!time) throw UsageError("'" + text + kTimeExpected);
  return *time;
}

bool Before(const google::protobuf::Timestamp& a, const google::protobuf::Timestamp& b) {
  return a.seconds() < b.seconds() || (a.seconds() == b.seconds() && a.nanos() < b.nanos());
}

int Report(Session& session, const ReportArgs& args) {
  npd::v1::GetReportRequest request;
  *request.mutable_from() = ToReportTime(args.from);
  *request.mutable_to() = ToReportTime(args.to);
  if (!Before(request.from(), request.to())) {
    throw UsageError("--to must be after --from (the window is [from, to))");
  }
  request.set_carrier(args.carrier);
  auto stub = npd::v1::ReportService::NewStub(session.channel());
  npd::v1::GetReportResponse response;
  const grpc::Status status = session.Unary(
      [&](grpc::ClientContext* context) { return stub->GetReport(context, request, &response); });
  if (!status.ok()) return session.Fail(status);
  if (args.format == "json" || session.json()) {
    std::cout << client::ToJsonLine(response) << '\n' << std::flush;
  } else if (args.format == "csv") {
    std::cout << client::ReportCsv(response.report()) << std::flush;
  } else {
    std::cout << client::ReportTable(response.report()) << std::flush;
  }
  return kExitOk;
}

}  // namespace

void AddReportCommand(CLI::App& app, Session& session, Action& action) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* report = app.add_subcommand(
      "report", "Porting and refund figures per carrier over a window (carriers: their own)");
  report
      ->add_option("--from", args->from,
                   "Start of the window, inclusive: YYYY-MM-DD (00:00 China time) or RFC 3339")
      ->required()
      ->type_name("DATE")
      ->check(ReportTimeCheck());
  report
      ->add_option("--to", args->to,
                   "End of the window, exclusive: YYYY-MM-DD (00:00 China time) or RFC 3339")
      ->required()
      ->type_name("DATE")
      ->check(ReportTimeCheck());
  report->add_option("--carrier", args->carrier, "Only this carrier's row (operator)")
      ->type_name("CARRIER");
  report->add_option("--format", args->format, "table (aligned text), csv (header row) or json")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  Explain(*report,
          "Per carrier, from npd's event history in [from, to): ports in and out, requests,\n"
          "refusals by reason code, submit-to-completion time, the donor's answer time and the\n"
          "share answered within the deadline, refund cases opened and their state at the end,\n"
          "refunds paid, port-to-payout time and paid claims from another province. Medians and\n"
          "p95 are nearest-rank; proto/npd/v1/report.proto defines every figure. The operator\n"
          "sees every carrier, a carrier only itself. --json is the same as --format json. The\n"
          "report scans the whole history: give a long history a larger --timeout.\n"
          "Example: npctl --as operator report --from 2026-11-01 --to 2026-12-01 --format csv");
  report->callback(
      [&session, &action, args] { action = [&session, args] { return Report(session, *args); }; });
}

}  // namespace npd::npctl
