#include "clients/npbench/confirmer.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "npd/v1/feed.grpc.pb.h"

namespace npd::bench {

std::optional<uint64_t> ConfirmFeed(npd::v1::RoutingFeedService::Stub& stub,
                                    const std::string& carrier, uint64_t sequence,
                                    const std::string& id_prefix, absl::Duration deadline) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  npd::v1::ConfirmRequest request;
  request.set_request_id(absl::StrCat(id_prefix, "-", carrier, "-", sequence));
  request.set_sequence(sequence);
  npd::v1::ConfirmResponse response;
  if (!stub.Confirm(&context, request, &response).ok()) return std::nullopt;
  return response.confirmed_sequence();
}

FeedConfirmer::FeedConfirmer(ChannelPool& channels, const NumberPool& pool) {
  std::set<std::string> carriers;
  for (const auto& b : pool.blocks) carriers.insert(b.carrier);
  for (const auto& carrier : carriers) {
    auto c = std::make_unique<Consumer>();
    c->carrier = carrier;
    c->channel = channels.One(carrier, 0);
    Consumer* raw = c.get();
    raw->reader = std::thread([raw] {
      auto stub = npd::v1::RoutingFeedService::NewStub(raw->channel);
      npd::v1::SubscribeRequest request;
      auto stream = stub->Subscribe(&raw->context, request);
      npd::v1::SubscribeResponse message;
      while (stream->Read(&message)) {
        if (message.has_change()) raw->seen = message.change().sequence();
      }
      stream->Finish();
    });
    raw->confirmer = std::thread([this, raw] {
      while (!stop_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        Confirm(*raw);
      }
    });
    consumers_.push_back(std::move(c));
  }
}

FeedConfirmer::~FeedConfirmer() { Stop(); }

void FeedConfirmer::Confirm(Consumer& c) {
  const uint64_t seen = c.seen;
  if (seen <= c.confirmed) return;
  auto stub = npd::v1::RoutingFeedService::NewStub(c.channel);
  if (auto confirmed = ConfirmFeed(*stub, c.carrier, seen, "confirm", absl::Seconds(10))) {
    c.confirmed = *confirmed;
  }
}

uint64_t FeedConfirmer::Stop() {
  if (stop_.exchange(true)) {
    uint64_t low = UINT64_MAX;
    for (auto& c : consumers_) low = std::min<uint64_t>(low, c->confirmed);
    return consumers_.empty() ? 0 : low;
  }
  for (auto& c : consumers_) {
    c->confirmer.join();
    c->context.TryCancel();
    c->reader.join();
    Confirm(*c);
  }
  uint64_t low = UINT64_MAX;
  for (auto& c : consumers_) low = std::min<uint64_t>(low, c->confirmed);
  return consumers_.empty() ? 0 : low;
}

}  // namespace npd::bench
