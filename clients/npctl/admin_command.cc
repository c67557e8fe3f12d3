// `npctl admin checkpoint`: a consistent backup of a running npd (AdminService.Checkpoint).
#include <memory>

#include "absl/strings/str_cat.h"
#include "clients/npctl/commands.h"
#include "npd/v1/admin.grpc.pb.h"

namespace npd::npctl {
namespace {

int Checkpoint(Session& session, const std::string& directory) {
  npd::v1::CheckpointRequest request;
  request.set_directory(directory);
  auto stub = npd::v1::AdminService::NewStub(session.channel());
  npd::v1::CheckpointResponse response;
  const grpc::Status status = session.Unary(
      [&](grpc::ClientContext* context) { return stub->Checkpoint(context, request, &response); });
  if (!status.ok()) return session.Fail(status);
  session.Print(response, [&] {
    return absl::StrCat(
        "checkpoint written to ", response.directory(), ": events up to #",
        response.last_event_sequence(), ", feed head #", response.feed_head(), "\n",
        response.identity_secret_included()
            ? "identity secret included (identity.secret, mode 0600)"
            : "identity secret NOT included: it comes from npd's configuration; restore with the "
              "same security.identity_secret");
  });
  return kExitOk;
}

}  // namespace

void AddAdminCommands(CLI::App& app, Session& session, Action& action) {
  CLI::App* admin = app.add_subcommand("admin", "Operations on npd itself (operator)");
  admin->require_subcommand(1);

  auto directory = std::make_shared<std::string>();
  CLI::App* checkpoint = admin->add_subcommand(
      "checkpoint", "Write a consistent backup of the running npd into a new directory");
  checkpoint
      ->add_option("DIR", *directory,
                   "Absolute path on npd's host; must not exist yet, its parent must")
      ->required();
  Explain(*checkpoint,
          "As the operator: npd writes a RocksDB checkpoint of its store, consistent across\n"
          "column families, into DIR/db while it keeps serving, and copies its identity secret\n"
          "to DIR/identity.secret when it keeps it in its data dir. Prints the last event\n"
          "sequence and the feed head the checkpoint holds. To restore: stop npd, start it with\n"
          "storage.data_dir = DIR (see the README, Operations).\n"
          "Example: npctl --as operator admin checkpoint /var/backups/npd/2026-11-29");
  checkpoint->callback([&session, &action, directory] {
    action = [&session, directory] { return Checkpoint(session, *directory); };
  });
}

}  // namespace npd::npctl
