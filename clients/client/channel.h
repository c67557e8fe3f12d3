// Waiting for a channel to npd, and the per-call settings every client applies. Channels are made
// with an identity (clients/client/identity.h).
#ifndef NPD_CLIENTS_CLIENT_CHANNEL_H_
#define NPD_CLIENTS_CLIENT_CHANNEL_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

namespace npd::client {

// Connects `channel` if it is not connected yet. Returns OK once it is ready; UNAVAILABLE as soon
// as a connection attempt fails (like a fail-fast call would) or when `deadline` passes first.
// `target` is only used in the error message.
grpc::Status AwaitConnected(grpc::Channel& channel, std::string_view target,
                            std::chrono::system_clock::time_point deadline);

// Prepares `context` for one call that must finish within `timeout` from now.
void PrepareCall(grpc::ClientContext& context, std::chrono::milliseconds timeout);

}  // namespace npd::client

#endif  // NPD_CLIENTS_CLIENT_CHANNEL_H_
