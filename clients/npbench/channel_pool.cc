#include "clients/npbench/channel_pool.h"

#include <cstdlib>
#include <iostream>
#include <utility>

#include "clients/client/identity.h"

namespace npd::bench {

ChannelPool::ChannelPool(std::string server, std::string tls_dir, int per_identity)
    : server_(std::move(server)), tls_dir_(std::move(tls_dir)), per_identity_(per_identity) {}

const std::vector<std::shared_ptr<grpc::Channel>>& ChannelPool::For(const std::string& name) {
  std::lock_guard lock(mu_);
  auto& channels = channels_[name];
  for (int i = static_cast<int>(channels.size()); i < per_identity_; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("npbench.channel", i);  // distinct arguments: distinct connections
    auto channel =
        client::CreateIdentityChannel(server_, {.tls_dir = tls_dir_, .name = name}, args);
    if (!channel.ok()) {
      std::cerr << "npbench: " << channel.status().message() << std::endl;
      std::exit(2);
    }
    channels.push_back(*std::move(channel));
  }
  return channels;
}

}  // namespace npd::bench
