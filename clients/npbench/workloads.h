// The workloads npbench drives (issue "Performance"): the echo ceiling, routing lookups, and full
// port lifecycles with the generator acting as all three carriers.
#ifndef NPD_CLIENTS_NPBENCH_WORKLOADS_H_
#define NPD_CLIENTS_NPBENCH_WORKLOADS_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/channel.h>

#include "clients/npbench/load.h"

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

// Round-robins calls over `channels`.
std::unique_ptr<Workload> MakeEchoWorkload(std::vector<std::shared_ptr<grpc::Channel>> channels,
                                           size_t payload_bytes);
// Lookup of pool numbers; `hot_fraction` > 0 sends that share of calls to 1% of the numbers.
std::unique_ptr<Workload> MakeLookupWorkload(std::vector<std::shared_ptr<grpc::Channel>> channels,
                                             NumberPool pool, double hot_fraction);
// Each call is one durable transition of a port lifecycle on a distinct number: IssueAuthCode
// (donor), SubmitPort (recipient), AnswerPort approve (donor); the cutover follows from npd's timer
// and carriers confirm through ConfirmFeed below. `first_number` offsets into the pool so runs on
// one store do not collide.
std::unique_ptr<Workload> MakePortWorkload(std::vector<std::shared_ptr<grpc::Channel>> channels,
                                           NumberPool pool, uint64_t first_number);

}  // namespace npd::bench

#endif  // NPD_CLIENTS_NPBENCH_WORKLOADS_H_
