// `npctl ops ...`: the operator's worklist and cancel (OperationsService). The other repairs are
// `port resend` and `refund redrive`, next to the records they act on.
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_join.h"
#include "clients/client/enum_names.h"
#include "clients/client/human_text.h"
#include "clients/npctl/commands.h"
#include "clients/npctl/paged_list.h"
#include "npd/v1/operations.grpc.pb.h"

namespace npd::npctl {
namespace {

using npd::v1::OperationsService;

struct AttentionArgs {
  std::string kind;
  int32_t page_size = 0;
  std::string page_token;
  bool all = false;
};

struct CancelArgs {
  std::string port_id;
  std::string reason;
};

int Attention(Session& session, const AttentionArgs& args) {
  npd::v1::ListAttentionRequest request;
  if (!args.kind.empty()) request.set_kind(ToAttentionKind(args.kind));
  request.set_page_size(args.page_size);
  request.set_page_token(args.page_token);
  auto stub = OperationsService::NewStub(session.channel());
  return ListPages<npd::v1::ListAttentionRequest, npd::v1::ListAttentionResponse>(
      session, request, args.all, "items needing attention",
      [&](grpc::ClientContext* context, const npd::v1::ListAttentionRequest& r,
          npd::v1::ListAttentionResponse* out) { return stub->ListAttention(context, r, out); },
      [](const npd::v1::ListAttentionResponse& r) -> const auto& { return r.items(); },
      [](const auto& item) { return client::AttentionLine(item); });
}

int Cancel(Session& session, const CancelArgs& args) {
  npd::v1::CancelStalePortRequest request;
  request.set_port_id(args.port_id);
  request.set_reason(args.reason);
  request.set_request_id(session.RequestId());
  auto stub = OperationsService::NewStub(session.channel());
  npd::v1::CancelStalePortResponse response;
  const grpc::Status status = session.Unary([&](grpc::ClientContext* context) {
    return stub->CancelStalePort(context, request, &response);
  });
  if (!status.ok()) return session.Fail(status);
  session.Print(response, [&] { return client::PortBlock(response.port()); });
  return kExitOk;
}

void AddAttention(CLI::App& ops, Session& session, Action& action) {
  auto args = std::make_shared<AttentionArgs>();
  CLI::App* attention =
      ops.add_subcommand("attention", "List what needs an operator's attention (operator)");
  attention
      ->add_option("--kind", args->kind,
                   "Only items of this kind, any case:\n" +
                       absl::StrJoin(client::AttentionKindNames(), ", "))
      ->type_name("KIND")
      ->check(AttentionKindCheck());
  attention->add_option("--page-size", args->page_size, "Items per page; 0 means the server's 100")
      ->type_name("N")
      ->check(CLI::Range(0, 1000));
  attention
      ->add_option("--page-token", args->page_token,
                   "Continue a listing from the token printed after the previous page")
      ->type_name("TOKEN");
  attention->add_flag("--all", args->all, "Follow every page to the end");
  Explain(*attention,
          "One line per item: kind, number, port (and refund case), state, since when, detail.\n"
          "PARTIAL_FAILURE: resend with 'port resend'; STUCK_REFUND: 'refund redrive';\n"
          "DONOR_OVERDUE and STALE before cutover: 'ops cancel'. A page may be short while more\n"
          "follow (npd examines a bounded number of records per call).\n"
          "Example: npctl --as operator ops attention --kind stuck_refund --all");
  attention->callback([&session, &action, args] {
    action = [&session, args] { return Attention(session, *args); };
  });
}

void AddCancel(CLI::App& ops, Session& session, Action& action) {
  auto args = std::make_shared<CancelArgs>();
  CLI::App* cancel =
      ops.add_subcommand("cancel", "Cancel a live port before cutover, with a reason (operator)");
  cancel->add_option("PORT", args->port_id, "Port id, e.g. P000000000001")->required();
  cancel
      ->add_option("--reason", args->reason, "Why, kept in the history; at most 500 bytes (UTF-8)")
      ->required()
      ->type_name("TEXT");
  Explain(*cancel,
          "As the operator: cancel a transaction in PENDING_DONOR, SCHEDULED or (a number\n"
          "return) DISCONNECT_PENDING. The number is free for a new port. Prints the port, now\n"
          "CANCELLED. Example: npctl --as operator ops cancel P000000000042 \\\n"
          "                      --reason \"donor silent for 31 days\"");
  cancel->callback(
      [&session, &action, args] { action = [&session, args] { return Cancel(session, *args); }; });
}

}  // namespace

void AddOpsCommands(CLI::App& app, Session& session, Action& action) {
  CLI::App* ops = app.add_subcommand("ops", "Operations: what needs attention, and repairs");
  ops->require_subcommand(1);
  AddAttention(*ops, session, action);
  AddCancel(*ops, session, action);
}

}  // namespace npd::npctl
