// npd as the operator reads it, through the public API only: every port (paged ListPorts), the
// routing facts of many numbers (BatchLookup), the whole routing feed from sequence 1 (Subscribe).
// The checker builds every invariant on these reads and on the simulators' databases.
#ifndef NPD_TESTS_CRASH_LOOP_NPD_VIEW_H_
#define NPD_TESTS_CRASH_LOOP_NPD_VIEW_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "npd/v1/feed.grpc.pb.h"
#include "npd/v1/number.grpc.pb.h"
#include "npd/v1/porting.grpc.pb.h"

namespace npd::crash_loop {

// The feed as one Subscribe stream from sequence 1 delivered it.
struct FeedRead {
  std::vector<npd::v1::RoutingChange> changes;  // in delivery order
  // head_sequence of the heartbeat that ended the read; after an idle cut, the last sequence read.
  uint64_t head = 0;
  // False when the read ended by the idle cut instead (no heartbeat came).
  bool ended_by_heartbeat = false;
};

// Thread-compatible. Every method returns the gRPC failure as a Status (code and message kept).
class NpdView {
 public:
  // Reads as operator "crash-loop" over a mutual-TLS channel (the shared test PKI) that reconnects
  // quickly to `address` after each restart.
  explicit NpdView(const std::string& address);

  // Every port, oldest first, optionally only those in `state`. Pages are separate reads: a port
  // may move between them.
  absl::StatusOr<std::vector<npd::v1::Port>> ListPorts(
      npd::v1::PortState state = npd::v1::PORT_STATE_UNSPECIFIED, const std::string& msisdn = "");
  // NumberInfo by msisdn; INTERNAL when npd reports an error for one of them.
  absl::StatusOr<std::map<std::string, npd::v1::NumberInfo>> Lookup(
      const std::vector<std::string>& msisdns);
  // Reads the feed from sequence 1 until, after at least `at_least` changes, an idle-stream
  // heartbeat comes (npd sends one once everything up to the head is delivered), or the stream
  // stays quiet for a second (the idle cut). DEADLINE_EXCEEDED when `at_least` changes do not
  // arrive within `limit`.
  absl::StatusOr<FeedRead> ReadFeed(uint64_t at_least, absl::Duration limit);
  // ResendRouting as the operator; the port after it.
  absl::StatusOr<npd::v1::Port> Resend(const std::string& port_id, const std::string& request_id);

 private:
  explicit NpdView(std::shared_ptr<grpc::Channel> channel);

  std::unique_ptr<npd::v1::PortingService::Stub> porting_;
  std::unique_ptr<npd::v1::NumberService::Stub> numbers_;
  std::unique_ptr<npd::v1::RoutingFeedService::Stub> feed_;
};

}  // namespace npd::crash_loop

#endif  // NPD_TESTS_CRASH_LOOP_NPD_VIEW_H_
