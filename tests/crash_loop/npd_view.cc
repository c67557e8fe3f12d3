#include "tests/crash_loop/npd_view.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "absl/synchronization/mutex.h"

#include "absl/strings/str_cat.h"
#include "tests/support/npd_client.h"
#include "tests/support/test_pki.h"

namespace npd::crash_loop {
namespace {

constexpr char kOperator[] = "operator-crash-loop";
constexpr auto kCallTimeout = std::chrono::seconds(10);

void AsOperator(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
}

absl::Status FromGrpc(const grpc::Status& status, const std::string& what) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      what + ": " + status.error_message());
}

}  // namespace

NpdView::NpdView(const std::string& address)
    : NpdView(testing::NewTestChannel(address, kOperator, testing::FastReconnectArgs())) {}

NpdView::NpdView(std::shared_ptr<grpc::Channel> channel)
    : porting_(npd::v1::PortingService::NewStub(channel)),
      numbers_(npd::v1::NumberService::NewStub(channel)),
      feed_(npd::v1::RoutingFeedService::NewStub(channel)) {}

absl::StatusOr<std::vector<npd::v1::Port>> NpdView::ListPorts(npd::v1::PortState state,
                                                              const std::string& msisdn) {
  std::vector<npd::v1::Port> ports;
  npd::v1::ListPortsRequest request;
  request.set_state(state);
  request.set_msisdn(msisdn);
  request.set_page_size(1000);
  do {
    grpc::ClientContext context;
    AsOperator(context);
    npd::v1::ListPortsResponse response;
    grpc::Status status = porting_->ListPorts(&context, request, &response);
    if (!status.ok()) return FromGrpc(status, "ListPorts");
    for (npd::v1::Port& port : *response.mutable_ports()) ports.push_back(std::move(port));
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return ports;
}

absl::StatusOr<std::map<std::string, npd::v1::NumberInfo>> NpdView::Lookup(
    const std::vector<std::string>& msisdns) {
  std::map<std::string, npd::v1::NumberInfo> infos;
  for (size_t begin = 0; begin < msisdns.size(); begin += 1000) {
    npd::v1::BatchLookupRequest request;
    for (size_t i = begin; i < std::min(msisdns.size(), begin + 1000); ++i) {
      request.add_msisdns(msisdns[i]);
    }
    grpc::ClientContext context;
    AsOperator(context);
    npd::v1::BatchLookupResponse response;
    grpc::Status status = numbers_->BatchLookup(&context, request, &response);
    if (!status.ok()) return FromGrpc(status, "BatchLookup");
    for (const npd::v1::BatchLookupResult& result : response.results()) {
      if (!result.error().empty()) {
        return absl::InternalError(
            absl::StrCat("BatchLookup of ", result.msisdn(), ": ", result.error()));
      }
      infos[result.msisdn()] = result.number();
    }
  }
  return infos;
}

absl::StatusOr<npd::v1::Port> NpdView::Resend(const std::string& port_id,
                                              const std::string& request_id) {
  npd::v1::ResendRoutingRequest request;
  request.set_request_id(request_id);
  request.set_port_id(port_id);
  request.set_reason("crash loop: operator resend of a PARTIAL_FAILURE transaction");
  grpc::ClientContext context;
  AsOperator(context);
  npd::v1::ResendRoutingResponse response;
  grpc::Status status = porting_->ResendRouting(&context, request, &response);
  if (!status.ok()) return FromGrpc(status, "ResendRouting " + port_id);
  return response.port();
}

absl::StatusOr<FeedRead> NpdView::ReadFeed(uint64_t at_least, absl::Duration limit) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + limit));
  npd::v1::SubscribeRequest request;
  request.set_from_sequence(1);
  auto reader = feed_->Subscribe(&context, request);

  // The idle cut: once `at_least` changes arrived, a stream quiet for kIdleCut is cancelled.
  constexpr absl::Duration kIdleCut = absl::Seconds(1);
  absl::Mutex mu;
  absl::Time last_message = absl::Now();
  bool reached = at_least == 0;
  bool finished = false;
  bool cut = false;
  std::thread watcher([&] {
    absl::MutexLock lock(&mu);
    while (!finished) {
      mu.AwaitWithTimeout(absl::Condition(&finished), absl::Milliseconds(100));
      if (!finished && reached && absl::Now() - last_message > kIdleCut) {
        cut = true;
        context.TryCancel();
        return;
      }
    }
  });

  FeedRead read;
  npd::v1::SubscribeResponse message;
  bool done = false;
  while (!done && reader->Read(&message)) {
    if (message.has_change()) {
      read.changes.push_back(message.change());
    } else if (message.has_heartbeat()) {
      // npd sends a heartbeat only to a stream that has delivered everything up to the head (and
      // today fills only head_sequence, not delivered_sequence).
      read.head = message.heartbeat().head_sequence();
      read.ended_by_heartbeat = true;
      done = read.changes.size() >= at_least;
    }
    absl::MutexLock lock(&mu);
    last_message = absl::Now();
    reached = read.changes.size() >= at_least;
  }
  {
    absl::MutexLock lock(&mu);
    finished = true;
    if (done) context.TryCancel();
  }
  watcher.join();
  grpc::Status status = reader->Finish();
  if (done) return read;
  if (cut) {
    read.ended_by_heartbeat = false;
    read.head = read.changes.empty() ? 0 : read.changes.back().sequence();
    return read;
  }
  if (status.ok()) return absl::InternalError("the feed stream ended by itself");
  return FromGrpc(status, absl::StrCat("Subscribe (", read.changes.size(), " changes read, ",
                                       at_least, " expected)"));
}

}  // namespace npd::crash_loop
