// npbench's connections: `per_identity` channels (HTTP/2 connections) for each identity it acts
// as, made on first use with the client library's identities (mutual TLS from --tls-dir, or the
// development header without it). npbench plays every carrier and the operator
// (operator-oncall), so it needs their certificates in the TLS directory. Thread-safe.
#ifndef NPD_CLIENTS_NPBENCH_CHANNEL_POOL_H_
#define NPD_CLIENTS_NPBENCH_CHANNEL_POOL_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/channel.h>

namespace npd::bench {

// The operator identity npbench uses (scripts/dev-pki makes it).
inline constexpr char kBenchOperator[] = "operator-oncall";

class ChannelPool {
 public:
  ChannelPool(std::string server, std::string tls_dir, int per_identity);

  // The channels of identity `name`; exits the process with a message when its certificate files
  // cannot be read.
  const std::vector<std::shared_ptr<grpc::Channel>>& For(const std::string& name);
  // The channel of `name` for lane `slot` (round robin).
  std::shared_ptr<grpc::Channel> One(const std::string& name, int slot) {
    const auto& channels = For(name);
    return channels[static_cast<size_t>(slot) % channels.size()];
  }

 private:
  const std::string server_;
  const std::string tls_dir_;
  const int per_identity_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::shared_ptr<grpc::Channel>>> channels_;  // by mu_
};

}  // namespace npd::bench

#endif  // NPD_CLIENTS_NPBENCH_CHANNEL_POOL_H_
