// FeedConfirmer: plays every carrier's feed consumer during a port benchmark, so ports reach
// COMPLETED. One thread per carrier reads the feed and confirms the highest sequence seen every 100
// ms.
#ifndef NPD_CLIENTS_NPBENCH_CONFIRMER_H_
#define NPD_CLIENTS_NPBENCH_CONFIRMER_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include "absl/time/time.h"
#include "clients/npbench/channel_pool.h"
#include "clients/npbench/workloads.h"
#include "npd/v1/feed.grpc.pb.h"

namespace npd::bench {

// One ConfirmFeed call as `carrier`: every change up to `sequence` applied. Its request id is
// "<id_prefix>-<carrier>-<sequence>", so a repeat is an idempotent retry. Returns the confirmed
// position npd answered, or nullopt when the call failed.
std::optional<uint64_t> ConfirmFeed(npd::v1::RoutingFeedService::Stub& stub,
                                    const std::string& carrier, uint64_t sequence,
                                    const std::string& id_prefix, absl::Duration deadline);

class FeedConfirmer {
 public:
  // Each carrier of `pool` reads and confirms over its own channel from `channels`.
  FeedConfirmer(ChannelPool& channels, const NumberPool& pool);
  ~FeedConfirmer();
  // Stops reading, confirms what was read, and returns the lowest position confirmed by any
  // carrier.
  uint64_t Stop();

 private:
  struct Consumer {
    std::string carrier;
    std::shared_ptr<grpc::Channel> channel;
    std::atomic<uint64_t> seen{0};
    std::atomic<uint64_t> confirmed{0};
    grpc::ClientContext context;
    std::thread reader;
    std::thread confirmer;
  };
  void Confirm(Consumer& c);

  std::atomic<bool> stop_{false};
  std::vector<std::unique_ptr<Consumer>> consumers_;
};

}  // namespace npd::bench

#endif  // NPD_CLIENTS_NPBENCH_CONFIRMER_H_
