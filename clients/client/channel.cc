#include "clients/client/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "clients/client/caller.h"

namespace npd::client {

std::shared_ptr<grpc::Channel> CreateNpdChannel(const std::string& target) {
  return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
}

grpc::Status AwaitConnected(grpc::Channel& channel, std::string_view target,
                            std::chrono::system_clock::time_point deadline) {
  grpc_connectivity_state state = channel.GetState(/*try_to_connect=*/true);
  while (state != GRPC_CHANNEL_READY) {
    if (state == GRPC_CHANNEL_TRANSIENT_FAILURE || state == GRPC_CHANNEL_SHUTDOWN) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "cannot connect to npd at " + std::string(target));
    }
    if (!channel.WaitForStateChange(state, deadline)) {
      return grpc::Status(
          grpc::StatusCode::UNAVAILABLE,
          "no connection to npd at " + std::string(target) + " before the deadline");
    }
    state = channel.GetState(/*try_to_connect=*/true);
  }
  return grpc::Status::OK;
}

void PrepareCall(grpc::ClientContext& context, std::string_view role,
                 std::chrono::milliseconds timeout) {
  SetCaller(context, role);
  context.set_deadline(std::chrono::system_clock::now() + timeout);
}

}  // namespace npd::client
