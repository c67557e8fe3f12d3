#include "daemon/service/admin_service.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/service/status.h"
#include "spdlog/spdlog.h"
#include "storage/rocks_store.h"

namespace npd::service {
namespace {

// Name of the secret inside a data dir (as NpdServer lays it out).
constexpr char kSecretFile[] = "identity.secret";

// mkdir(2) of exactly `directory`, mode 0700: ALREADY_EXISTS when something is there,
// FAILED_PRECONDITION when the parent is missing or not a directory.
absl::Status MakeDirectory(const std::string& directory) {
  if (::mkdir(directory.c_str(), 0700) == 0) return absl::OkStatus();
  const int error = errno;
  const std::string why = std::strerror(error);
  switch (error) {
    case EEXIST:
      return absl::AlreadyExistsError(absl::StrCat(directory, " already exists"));
    case ENOENT:
    case ENOTDIR:
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create ", directory, ": its parent does not exist (", why, ")"));
    default:
      return absl::UnavailableError(absl::StrCat("cannot create ", directory, ": ", why));
  }
}

}  // namespace

absl::Status ValidateCheckpointDirectory(const std::string& directory) {
  if (directory.empty()) return absl::InvalidArgumentError("directory is required");
  if (!std::filesystem::path(directory).is_absolute()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "directory '", directory, "' is not absolute: give a full path on npd's host"));
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* AdminService::Checkpoint(grpc::CallbackServerContext* context,
                                                   const npd::v1::CheckpointRequest* request,
                                                   npd::v1::CheckpointResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto admitted = gatekeeper_.Admit(*context, "/npd.v1.AdminService/Checkpoint", *request);
  if (!admitted.ok()) {
    gatekeeper_.Refuse(admitted.status(), [reactor](grpc::Status s) { reactor->Finish(s); });
    return reactor;
  }
  if (absl::Status checked = ValidateCheckpointDirectory(request->directory()); !checked.ok()) {
    reactor->Finish(ToGrpcStatus(checked));
    return reactor;
  }
  FinishOnWorker(
      worker_, reactor,
      [this, request, response, slot = std::move(admitted->slot)] {
        return WriteCheckpoint(request->directory(), *response);
      },
      absl::StrCat(kMaxQueuedCheckpoints, " checkpoints"));
  return reactor;
}

absl::Status AdminService::WriteCheckpoint(const std::string& directory,
                                           npd::v1::CheckpointResponse& response) {
  if (auto s = MakeDirectory(directory); !s.ok()) return s;
  // From here on the directory is ours: anything that fails removes it again.
  const std::filesystem::path root(directory);
  absl::Status status = [&]() -> absl::Status {
    auto counters = store_.CreateCheckpoint(storage::DatabaseDirOf(root.string()));
    if (!counters.ok()) return counters.status();
    response.set_directory(directory);
    response.set_last_event_sequence(counters->last_event_sequence());
    response.set_feed_head(counters->last_feed_sequence());
    if (identity_secret_file_.empty()) return absl::OkStatus();
    std::error_code error;
    const std::filesystem::path secret = root / kSecretFile;
    std::filesystem::copy_file(identity_secret_file_, secret, error);
    if (!error) {
      std::filesystem::permissions(
          secret, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, error);
    }
    if (error) {
      return absl::UnavailableError(absl::StrCat("cannot copy ", identity_secret_file_, " to ",
                                                 secret.string(), ": ", error.message()));
    }
    response.set_identity_secret_included(true);
    return absl::OkStatus();
  }();
  if (!status.ok()) {
    std::error_code ignored;
    std::filesystem::remove_all(root, ignored);
    return status;
  }
  spdlog::info("checkpoint written to {}: events up to {}, feed head {}{}", directory,
               response.last_event_sequence(), response.feed_head(),
               response.identity_secret_included() ? ", identity secret included" : "");
  return absl::OkStatus();
}

}  // namespace npd::service
