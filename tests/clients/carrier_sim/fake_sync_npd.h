// An in-process stand-in for the parts of npd that carrier sync needs, with faults on demand:
// ExportSnapshot (also one that ends early), CompareBlocks and DiffBlock, plus a Subscribe with a
// retention limit set by the test and a recording Confirm. Answers from fixed data given at
// construction.
#ifndef NPD_TESTS_CLIENTS_CARRIER_SIM_FAKE_SYNC_NPD_H_
#define NPD_TESTS_CLIENTS_CARRIER_SIM_FAKE_SYNC_NPD_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/server.h>

#include "absl/synchronization/mutex.h"
#include "npd/v1/audit.grpc.pb.h"
#include "npd/v1/feed.grpc.pb.h"

namespace npd::testing {

// What the fake holds.
struct SyncData {
  // npd's routing entries (serving carrier != range holder), ascending: what the snapshot streams
  // and what the audit compares against.
  std::vector<npd::v1::RoutingEntry> entries;
  // Position of the snapshot and of the audit answers.
  uint64_t feed_sequence = 0;
  // The feed history kept, ascending and gap-free, ending at the head. Subscribe from below the
  // first one fails FAILED_PRECONDITION ("re-sync from ExportSnapshot").
  std::vector<npd::v1::RoutingChange> history;
  // Head when history is empty.
  uint64_t head = 0;
  // When set, the snapshot trailer claims this many entries instead of the true count.
  int64_t trailer_count_override = -1;
  // The confirmed position every heartbeat reports (npd's view of the subscriber).
  uint64_t heartbeat_confirmed = 0;
};

class FakeSyncNpd {
 public:
  // Starts serving `data` on 127.0.0.1 at a free port.
  explicit FakeSyncNpd(SyncData data);
  ~FakeSyncNpd();

  const std::string& address() const { return address_; }

  // Received so far, in order. Thread-safe.
  std::vector<npd::v1::ConfirmRequest> confirms() const;
  std::vector<uint64_t> subscribe_froms() const;
  std::vector<std::string> callers() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace npd::testing

#endif  // NPD_TESTS_CLIENTS_CARRIER_SIM_FAKE_SYNC_NPD_H_
