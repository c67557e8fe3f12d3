// Shared by the re-sync and audit tests: ports drive to cutover, and snapshots read over gRPC.
#ifndef NPD_TESTS_SERVICE_SYNC_FIXTURE_H_
#define NPD_TESTS_SERVICE_SYNC_FIXTURE_H_

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "tests/service/npd_fixture.h"

namespace npd::testing {

// What ExportSnapshot returned.
struct Snapshot {
  grpc::Status status;
  bool header = false;
  bool trailer = false;
  uint64_t feed_sequence = 0;
  uint64_t trailer_count = 0;
  size_t chunks = 0;
  std::vector<npd::v1::RoutingEntry> entries;
};

class SyncTest : public NpdTest {
 protected:
  // A Beijing cmcc number: 1380013 followed by `n` in four digits.
  static std::string CmccNumber(int n) { return absl::StrFormat("1380013%04d", n); }

  // Ports each number from cmcc to `recipient`, through cutover.
  void CutOver(const std::vector<std::string>& msisdns, const std::string& recipient = "cucc") {
    std::vector<std::string> ids;
    for (const auto& msisdn : msisdns) {
      auto port = client().StartPort("cmcc", recipient, msisdn, kBeijing);
      ASSERT_TRUE(client().Approve("cmcc", port.port_id()).ok());
      ids.push_back(port.port_id());
    }
    for (const auto& id : ids) {
      ASSERT_TRUE(client().WaitForState(id, npd::v1::PORT_STATE_CUTOVER, 10));
    }
  }

  Snapshot Export(const std::string& as) {
    Snapshot out;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto stub = npd::v1::RoutingFeedService::NewStub(ChannelAs(as));
    auto reader = stub->ExportSnapshot(&context, npd::v1::ExportSnapshotRequest());
    npd::v1::ExportSnapshotResponse message;
    while (reader->Read(&message)) {
      if (message.has_header()) {
        EXPECT_FALSE(out.header) << "two headers";
        EXPECT_TRUE(out.entries.empty()) << "header after entries";
        out.header = true;
        out.feed_sequence = message.header().feed_sequence();
        EXPECT_GT(message.header().taken_at().seconds(), 0);
      } else if (message.has_chunk()) {
        ++out.chunks;
        for (const auto& e : message.chunk().entries()) out.entries.push_back(e);
      } else if (message.has_trailer()) {
        out.trailer = true;
        out.trailer_count = message.trailer().entry_count();
      }
    }
    out.status = reader->Finish();
    return out;
  }

  // Opens Subscribe as `as` from `from` and returns the first message (or the status if none).
  grpc::Status FirstMessage(const std::string& as, uint64_t from,
                            npd::v1::SubscribeResponse* first) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    npd::v1::SubscribeRequest request;
    request.set_from_sequence(from);
    auto stub = npd::v1::RoutingFeedService::NewStub(ChannelAs(as));
    auto reader = stub->Subscribe(&context, request);
    if (reader->Read(first)) {
      context.TryCancel();
      reader->Finish();
      return grpc::Status::OK;
    }
    return reader->Finish();
  }
};

}  // namespace npd::testing

#endif  // NPD_TESTS_SERVICE_SYNC_FIXTURE_H_
