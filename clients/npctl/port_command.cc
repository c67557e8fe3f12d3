// `npctl port ...`: submit, answer, cancel, resend, read and list port transactions, and report a
// number return (disconnect).
#include <iostream>
#include <memory>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "clients/client/enum_names.h"
#include "clients/client/human_text.h"
#include "clients/npctl/commands.h"
#include "clients/npctl/paged_list.h"
#include "npd/v1/porting.grpc.pb.h"

namespace npd::npctl {
namespace {

using npd::v1::PortingService;

struct SubmitArgs {
  std::string msisdn;
  std::string code;
  IdentityArgs applicant;
  std::string local_network;
  std::string channel = "hall";
};

struct AnswerArgs {
  std::string port_id;
  bool approve = false;
  std::vector<std::string> reject;
  std::string note;
};

struct CancelArgs {
  std::string port_id;
  std::string reason;
};

struct DisconnectArgs {
  std::string msisdn;
  std::string effective_at;  // RFC 3339; empty: now
  std::string note;
};

struct ListArgs {
  std::string msisdn;
  std::string state;
  std::string carrier;
  int32_t page_size = 0;
  std::string page_token;
  bool all = false;
};

// Runs one PortingService call whose response carries a port, and prints the port.
template <typename Request, typename Response>
int CallForPort(Session& session, const Request& request,
                grpc::Status (PortingService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*)) {
  auto stub = PortingService::NewStub(session.channel());
  Response response;
  const grpc::Status status = session.Unary(
      [&](grpc::ClientContext* context) { return ((*stub).*method)(context, request, &response); });
  if (!status.ok()) return session.Fail(status);
  session.Print(response, [&] { return client::PortBlock(response.port()); });
  return kExitOk;
}

int Submit(Session& session, const SubmitArgs& args) {
  npd::v1::SubmitPortRequest request;
  request.set_msisdn(args.msisdn);
  request.set_auth_code(args.code);
  *request.mutable_applicant() = ToIdentity(args.applicant);
  request.set_local_network(args.local_network);
  request.set_channel(ToChannel(args.channel));
  request.set_request_id(session.RequestId());
  return CallForPort(session, request, &PortingService::Stub::SubmitPort);
}

int Answer(Session& session, const AnswerArgs& args) {
  npd::v1::AnswerPortRequest request;
  request.set_port_id(args.port_id);
  request.set_approve(args.approve);
  for (const std::string& reason : args.reject) request.add_reasons(ToReason(reason));
  request.set_note(args.note);
  request.set_request_id(session.RequestId());
  return CallForPort(session, request, &PortingService::Stub::AnswerPort);
}

int Cancel(Session& session, const CancelArgs& args) {
  npd::v1::CancelPortRequest request;
  request.set_port_id(args.port_id);
  request.set_reason(args.reason);
  request.set_request_id(session.RequestId());
  return CallForPort(session, request, &PortingService::Stub::CancelPort);
}

int Resend(Session& session, const CancelArgs& args) {
  npd::v1::ResendRoutingRequest request;
  request.set_port_id(args.port_id);
  request.set_reason(args.reason);
  request.set_request_id(session.RequestId());
  return CallForPort(session, request, &PortingService::Stub::ResendRouting);
}

int Disconnect(Session& session, const DisconnectArgs& args) {
  npd::v1::DisconnectNumberRequest request;
  request.set_msisdn(args.msisdn);
  request.set_note(args.note);
  if (!args.effective_at.empty()) {
    absl::Time at;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, args.effective_at, &at, &error)) {
      std::cerr << "error: --effective-at: " << error
                << " (expected e.g. 2026-12-01T00:00:00+08:00)\n";
      return kExitUsage;
    }
    const int64_t micros = absl::ToUnixMicros(at);
    request.mutable_effective_at()->set_seconds(micros / 1000000);
    request.mutable_effective_at()->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  }
  request.set_request_id(session.RequestId());
  return CallForPort(session, request, &PortingService::Stub::DisconnectNumber);
}

int Get(Session& session, const std::string& port_id) {
  npd::v1::GetPortRequest request;
  request.set_port_id(port_id);
  return CallForPort(session, request, &PortingService::Stub::GetPort);
}

int List(Session& session, const ListArgs& args) {
  npd::v1::ListPortsRequest request;
  request.set_msisdn(args.msisdn);
  request.set_carrier(args.carrier);
  if (!args.state.empty()) request.set_state(ToPortState(args.state));
  request.set_page_size(args.page_size);
  request.set_page_token(args.page_token);

  auto stub = PortingService::NewStub(session.channel());
  return ListPages<npd::v1::ListPortsRequest, npd::v1::ListPortsResponse>(
      session, request, args.all, "ports",
      [&](grpc::ClientContext* context, const npd::v1::ListPortsRequest& r,
          npd::v1::ListPortsResponse* out) { return stub->ListPorts(context, r, out); },
      [](const npd::v1::ListPortsResponse& r) -> const auto& { return r.ports(); },
      [](const auto& item) { return client::PortLine(item); });
}

void AddSubmit(CLI::App& port, Session& session, Action& action) {
  auto args = std::make_shared<SubmitArgs>();
  CLI::App* submit =
      port.add_subcommand("submit", "Submit a port with the subscriber's code (recipient)");
  submit->add_option("MSISDN", args->msisdn, "11-digit mobile number to port in")->required();
  submit->add_option("--code", args->code, "The 6-digit authorisation code from the donor")
      ->required()
      ->type_name("CODE");
  AddIdentityOptions(*submit, args->applicant, "the applicant (must be the code's holder)");
  submit
      ->add_option("--local-network", args->local_network,
                   "Area code where the new subscription is made, e.g. 010;\nmust be the number's")
      ->required()
      ->type_name("AREA");
  submit->add_option("--channel", args->channel, "Where the subscriber asked: hall, online or app")
      ->type_name("CHANNEL")
      ->capture_default_str()
      ->check(ChannelCheck());
  Explain(
      *submit,
      "As the recipient, after your own real-name checks of the applicant: submit the port.\n"
      "Prints the port: PENDING_DONOR, or REJECTED with every reason npd found (a normal\n"
      "answer, exit 0).\n"
      "Example: npctl --as cucc port submit 13800138000 --code 493028 --name 张三 \\\n"
      "           --id-type resident --id 11010519491231002X --local-network 010 --channel online");
  submit->callback(
      [&session, &action, args] { action = [&session, args] { return Submit(session, *args); }; });
}

void AddAnswer(CLI::App& port, Session& session, Action& action) {
  auto args = std::make_shared<AnswerArgs>();
  CLI::App* answer = port.add_subcommand("answer", "Approve or reject a pending port (donor)");
  answer->add_option("PORT", args->port_id, "Port id, e.g. P000000000001")->required();
  CLI::Option* approve = answer->add_flag("--approve", args->approve, "Approve the port");
  CLI::Option* reject =
      answer
          ->add_option("--reject", args->reject,
                       "Reject with these reasons, comma-separated: the donor's codes\n"
                       "R01-R05 and R99, each as R03, R03_ARREARS_BILLED or\n"
                       "REASON_CODE_R03_ARREARS_BILLED, any case")
          ->type_name("REASONS")
          ->delimiter(',')
          ->allow_extra_args(false)
          ->check(ReasonCheck());
  approve->excludes(reject);
  answer
      ->add_option("--note", args->note,
                   "Text for the subscriber (required with R99);\nat most 500 bytes (UTF-8)")
      ->type_name("TEXT");
  Explain(*answer,
          "As the donor: answer a PENDING_DONOR port with exactly one of --approve and --reject.\n"
          "An approved port is SCHEDULED for the next cutover window. Prints the port.\n"
          "Example: npctl --as cmcc port answer P000000000002 --reject R03,R05 \\\n"
          "           --note \"contract ends 2027-03\"");
  answer->callback([&session, &action, args] {
    if (!args->approve && args->reject.empty()) {
      throw UsageError("port answer needs --approve or --reject REASONS");
    }
    action = [&session, args] { return Answer(session, *args); };
  });
}

void AddCancel(CLI::App& port, Session& session, Action& action) {
  auto args = std::make_shared<CancelArgs>();
  CLI::App* cancel = port.add_subcommand("cancel", "Cancel a port before cutover (recipient)");
  cancel->add_option("PORT", args->port_id, "Port id, e.g. P000000000001")->required();
  cancel
      ->add_option("--reason", args->reason, "Why, for the audit trail; at most 500 bytes (UTF-8)")
      ->type_name("TEXT");
  Explain(*cancel,
          "As the recipient, before cutover (PENDING_DONOR or SCHEDULED): cancel the port on the\n"
          "subscriber's request. Prints the port, now CANCELLED.");
  cancel->callback(
      [&session, &action, args] { action = [&session, args] { return Cancel(session, *args); }; });
}

void AddResend(CLI::App& port, Session& session, Action& action) {
  auto args = std::make_shared<CancelArgs>();  // a port and a reason, as for cancel
  CLI::App* resend = port.add_subcommand(
      "resend", "Resend the routing change of a PARTIAL_FAILURE port (operator)");
  resend->add_option("PORT", args->port_id, "Port id, e.g. P000000000001")->required();
  resend
      ->add_option("--reason", args->reason, "Why, kept in the history; at most 500 bytes (UTF-8)")
      ->required()
      ->type_name("TEXT");
  Explain(
      *resend,
      "As the operator: broadcast the routing change of a PARTIAL_FAILURE transaction again and\n"
      "give the carriers still missing (see 'pending confirmations') another T_ack. Prints the\n"
      "port, back in CUTOVER.\n"
      "Example: npctl --as operator port resend P000000000042 --reason \"ctcc back online\"");
  resend->callback(
      [&session, &action, args] { action = [&session, args] { return Resend(session, *args); }; });
}

void AddDisconnect(CLI::App& port, Session& session, Action& action) {
  auto args = std::make_shared<DisconnectArgs>();
  CLI::App* disconnect = port.add_subcommand(
      "disconnect", "Report that a ported subscriber left: return the number (serving carrier)");
  disconnect->add_option("MSISDN", args->msisdn, "The 11-digit number you serve")->required();
  disconnect
      ->add_option("--effective-at", args->effective_at,
                   "When the route returns to the range holder (RFC 3339, e.g.\n"
                   "2026-12-01T00:00:00+08:00); default now; at most 180 days ahead")
      ->type_name("TIME");
  disconnect
      ->add_option("--note", args->note, "Why, for the audit trail; at most 500 bytes (UTF-8)")
      ->type_name("TEXT");
  Explain(
      *disconnect,
      "As the carrier serving a ported number: the subscriber left. npd creates a number-return\n"
      "transaction in DISCONNECT_PENDING; at the effective time the route goes back to the range\n"
      "holder, broadcast and confirmed like a port, ending RETURNED. Cancel it with 'port cancel'\n"
      "before then. Prints the transaction.\n"
      "Example: npctl --as cucc port disconnect 13800138000 --effective-at "
      "2026-12-01T00:00:00+08:00");
  disconnect->callback([&session, &action, args] {
    action = [&session, args] { return Disconnect(session, *args); };
  });
}

void AddGet(CLI::App& port, Session& session, Action& action) {
  auto port_id = std::make_shared<std::string>();
  CLI::App* get = port.add_subcommand("get", "Show one port (donor, recipient or operator)");
  get->add_option("PORT", *port_id, "Port id, e.g. P000000000001")->required();
  Explain(*get,
          "Prints the port: parties, state, times in Asia/Shanghai, refusal reasons, and which\n"
          "carriers have confirmed its routing change.");
  get->callback([&session, &action, port_id] {
    action = [&session, port_id] { return Get(session, *port_id); };
  });
}

void AddList(CLI::App& port, Session& session, Action& action) {
  auto args = std::make_shared<ListArgs>();
  CLI::App* list = port.add_subcommand("list", "List ports, oldest first");
  list->add_option("--msisdn", args->msisdn, "Only ports of this number")->type_name("MSISDN");
  list->add_option(
          "--state", args->state,
          "Only ports in this state, any case:\n" + absl::StrJoin(client::PortStateNames(), ", "))
      ->type_name("STATE")
      ->check(PortStateCheck());
  list->add_option("--carrier", args->carrier,
                   "Only ports where this carrier is donor or recipient")
      ->type_name("CARRIER");
  list->add_option("--page-size", args->page_size, "Ports per page; 0 means the server's 100")
      ->type_name("N")
      ->check(CLI::Range(0, 1000));
  list->add_option("--page-token", args->page_token,
                   "Continue a listing from the token printed after the previous page")
      ->type_name("TOKEN");
  list->add_flag("--all", args->all, "Follow every page to the end");
  Explain(
      *list,
      "One line per port: id, number, state, donor -> recipient, submitted. A carrier sees the\n"
      "ports it is donor or recipient of; the operator sees all. Without --all, a further page\n"
      "is announced on stderr with its --page-token. With --json, one document per page.\n"
      "Example: npctl --as operator port list --state pending_donor --all");
  list->callback(
      [&session, &action, args] { action = [&session, args] { return List(session, *args); }; });
}

}  // namespace

void AddPortCommands(CLI::App& app, Session& session, Action& action) {
  CLI::App* port = app.add_subcommand("port", "Port transactions (携号转网)");
  port->require_subcommand(1);
  AddSubmit(*port, session, action);
  AddAnswer(*port, session, action);
  AddCancel(*port, session, action);
  AddResend(*port, session, action);
  AddDisconnect(*port, session, action);
  AddGet(*port, session, action);
  AddList(*port, session, action);
}

}  // namespace npd::npctl
