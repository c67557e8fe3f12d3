// `npctl number lookup`: which carrier serves a number now.
#include <iostream>
#include <memory>
#include <vector>

#include "clients/client/human_text.h"
#include "clients/npctl/commands.h"
#include "npd/v1/number.grpc.pb.h"

namespace npd::npctl {
namespace {

using npd::v1::NumberService;

int LookupOne(Session& session, const std::string& msisdn) {
  npd::v1::LookupRequest request;
  request.set_msisdn(msisdn);
  auto stub = NumberService::NewStub(session.channel());
  npd::v1::LookupResponse response;
  const grpc::Status status = session.Unary(
      [&](grpc::ClientContext* context) { return stub->Lookup(context, request, &response); });
  if (!status.ok()) return session.Fail(status);
  session.Print(response, [&] { return client::NumberBlock(response.number()); });
  return kExitOk;
}

// One BatchLookup. Exits kExitRpcError when any number was refused, after printing every result.
int LookupMany(Session& session, const std::vector<std::string>& msisdns) {
  npd::v1::BatchLookupRequest request;
  for (const std::string& msisdn : msisdns) request.add_msisdns(msisdn);
  auto stub = NumberService::NewStub(session.channel());
  npd::v1::BatchLookupResponse response;
  const grpc::Status status = session.Unary(
      [&](grpc::ClientContext* context) { return stub->BatchLookup(context, request, &response); });
  if (!status.ok()) return session.Fail(status);

  bool all_valid = true;
  std::string text;
  for (const npd::v1::BatchLookupResult& result : response.results()) {
    if (!text.empty()) text += '\n';
    if (!result.error().empty()) {
      all_valid = false;
      text += "number " + result.msisdn() + "\n  error: " + result.error() + "\n";
    } else {
      text += client::NumberBlock(result.number());
    }
  }
  session.Print(response, [&] { return text; });
  return all_valid ? kExitOk : kExitRpcError;
}

}  // namespace

void AddNumberCommands(CLI::App& app, Session& session, Action& action) {
  CLI::App* number = app.add_subcommand("number", "Routing facts of numbers");
  number->require_subcommand(1);

  auto msisdns = std::make_shared<std::vector<std::string>>();
  CLI::App* lookup = number->add_subcommand("lookup", "Show which carrier serves numbers now");
  lookup->add_option("MSISDN", *msisdns, "11-digit mobile numbers (1 to 1000)")->required();
  Explain(
      *lookup,
      "Prints, per number: serving carrier, range holder, local network, ported, portable and\n"
      "the live port. Several numbers go in one batch (BatchLookup); the exit status is then 1\n"
      "when any of them was invalid, after printing every result.\n"
      "Example: npctl --as ctcc number lookup 13800138000 18612345678");
  lookup->callback([&session, &action, msisdns] {
    action = [&session, msisdns] {
      return msisdns->size() == 1 ? LookupOne(session, msisdns->front())
                                  : LookupMany(session, *msisdns);
    };
  });
}

}  // namespace npd::npctl
