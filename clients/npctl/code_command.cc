// `npctl code issue`: the donor asks npd for a subscriber's authorisation code.
#include <memory>

#include "clients/client/human_text.h"
#include "clients/npctl/commands.h"
#include "npd/v1/porting.grpc.pb.h"

namespace npd::npctl {
namespace {

struct IssueArgs {
  std::string msisdn;
  IdentityArgs holder;
};

int Issue(Session& session, const IssueArgs& args) {
  npd::v1::IssueAuthCodeRequest request;
  request.set_msisdn(args.msisdn);
  *request.mutable_holder() = ToIdentity(args.holder);
  request.set_request_id(session.RequestId());

  auto stub = npd::v1::PortingService::NewStub(session.channel());
  npd::v1::IssueAuthCodeResponse response;
  const grpc::Status status = session.Unary([&](grpc::ClientContext* context) {
    return stub->IssueAuthCode(context, request, &response);
  });
  if (!status.ok()) return session.Fail(status);
  session.Print(response, [&] { return client::AuthCodeText(response, args.msisdn); });
  return kExitOk;
}

}  // namespace

void AddCodeCommands(CLI::App& app, Session& session, Action& action) {
  CLI::App* code = app.add_subcommand("code", "Authorisation codes (授权码)");
  code->require_subcommand(1);

  auto args = std::make_shared<IssueArgs>();
  CLI::App* issue =
      code->add_subcommand("issue", "Issue a subscriber's authorisation code (donor)");
  issue->add_option("MSISDN", args->msisdn, "11-digit mobile number")->required();
  AddIdentityOptions(*issue, args->holder, "the registered holder");
  Explain(
      *issue,
      "As the donor (the number's serving carrier), after your own eligibility checks: ask npd\n"
      "for a 6-digit code bound to the holder's identity, valid 60 minutes by default. A new\n"
      "code revokes the previous one. Prints the code and its expiry, or the reason codes npd\n"
      "refused it with (R06, R07, R13), which is a normal answer (exit 0).\n"
      "Example: npctl --as cmcc code issue 13800138000 --name 张三 --id-type resident \\\n"
      "           --id 11010519491231002X");
  issue->callback(
      [&session, &action, args] { action = [&session, args] { return Issue(session, *args); }; });
}

}  // namespace npd::npctl
