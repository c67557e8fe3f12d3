// The workloads npbench drives (issue "Performance"): the echo ceiling, routing lookups, and full
// port lifecycles with the generator acting as all three carriers.
#ifndef NPD_CLIENTS_NPBENCH_WORKLOADS_H_
#define NPD_CLIENTS_NPBENCH_WORKLOADS_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/channel.h>

#include "clients/npbench/channel_pool.h"
#include "clients/npbench/load.h"
#include "npd/v1/porting.pb.h"

namespace npd::bench {

// Numbers of the shipped sample plan whose local network is known: 7-digit block + 4 digits.
struct NumberPool {
  struct Block {
    std::string prefix;         // 7 digits
    std::string carrier;        // range holder
    std::string local_network;  // area code
  };
  std::vector<Block> blocks;
  // The i-th number of the pool (wraps around after blocks.size() * 10000).
  std::string Number(uint64_t i, const Block** block = nullptr) const;
  uint64_t size() const { return blocks.size() * 10000; }
};

// Reads local_networks.csv and number_blocks.csv from `plan_dir` (3-digit and 4-digit block
// holders).
NumberPool LoadNumberPool(const std::string& plan_dir);

// Round-robins calls over the channels of carrier cmcc.
std::unique_ptr<Workload> MakeEchoWorkload(ChannelPool& channels, size_t payload_bytes);
struct LookupOptions {
  // > 0: that share of calls goes to 1% of the numbers (a hot spot). Default: 0 (uniform).
  double hot_fraction = 0;
  // > 0: look up the numbers msisdn_first .. msisdn_first + msisdn_count - 1 (e.g. a seeded store)
  // instead of the pool's. Default: 0 (the pool).
  uint64_t msisdn_first = 0;
  uint64_t msisdn_count = 0;
};
// Lookups as carrier cmcc.
std::unique_ptr<Workload> MakeLookupWorkload(ChannelPool& channels, NumberPool pool,
                                             LookupOptions options);

struct PortOptions {
  // Offset into the pool, so runs on one store do not collide. Default: 0.
  uint64_t first_number = 0;
  // Lifecycles to run (numbers first_number .. + ports - 1); 0 = until the run ends. Default: 0.
  uint64_t ports = 0;
  // Called (from a completion thread, concurrently) with every port the donor's approval scheduled.
  std::function<void(const npd::v1::Port&)> on_approved;
};
// Each call is one durable transition of a port lifecycle on a distinct number: IssueAuthCode
// (donor), SubmitPort (recipient), AnswerPort approve (donor); the cutover follows from npd's timer
// and carriers confirm through ConfirmFeed (FeedConfirmer). A refused step starts a new number.
// Each carrier calls over its own channels (its certificate).
std::unique_ptr<Workload> MakePortWorkload(ChannelPool& channels, NumberPool pool,
                                           PortOptions options);

}  // namespace npd::bench

#endif  // NPD_CLIENTS_NPBENCH_WORKLOADS_H_
