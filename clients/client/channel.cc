#include "clients/client/channel.h"

namespace npd::client {

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

void PrepareCall(grpc::ClientContext& context, std::chrono::milliseconds timeout) {
  context.set_deadline(std::chrono::system_clock::now() + timeout);
}

}  // namespace npd::client
