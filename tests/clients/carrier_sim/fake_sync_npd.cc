#include "tests/clients/carrier_sim/fake_sync_npd.h"

#include <chrono>
#include <map>
#include <thread>

#include <grpcpp/server_builder.h>

#include "clients/carrier_sim/block_digest.h"

namespace npd::testing {

struct FakeSyncNpd::State {
  explicit State(SyncData d) : data(std::move(d)) {}
  const SyncData data;
  mutable absl::Mutex mu;
  std::vector<npd::v1::ConfirmRequest> confirms ABSL_GUARDED_BY(mu);
  std::vector<uint64_t> froms ABSL_GUARDED_BY(mu);
  std::vector<std::string> callers ABSL_GUARDED_BY(mu);

  void Record(const grpc::ServerContext& context) {
    const auto& metadata = context.client_metadata();
    const auto it = metadata.find("x-npd-caller");
    absl::MutexLock lock(&mu);
    callers.push_back(it == metadata.end() ? "<none>"
                                           : std::string(it->second.data(), it->second.size()));
  }

  // npd's side of the audit: its entries grouped by block.
  std::map<std::string, carrier_sim::Block> Blocks() const {
    std::vector<carrier_sim::LocalEntry> local;
    for (const auto& e : data.entries) {
      local.push_back(
          {e.msisdn(), e.serving_carrier(), e.range_holder(), e.routing_number(), e.port_id(), 0});
    }
    return carrier_sim::GroupByBlock(local);
  }
};

namespace {

using grpc::ServerContext;
using grpc::Status;
using grpc::StatusCode;

class Feed final : public npd::v1::RoutingFeedService::Service {
 public:
  explicit Feed(std::shared_ptr<FakeSyncNpd::State> state) : state_(std::move(state)) {}

  Status Subscribe(ServerContext* context, const npd::v1::SubscribeRequest* request,
                   grpc::ServerWriter<npd::v1::SubscribeResponse>* writer) override {
    state_->Record(*context);
    const SyncData& data = state_->data;
    const uint64_t from = request->from_sequence() == 0 ? 1 : request->from_sequence();
    {
      absl::MutexLock lock(&state_->mu);
      state_->froms.push_back(from);
    }
    const uint64_t head = data.history.empty() ? data.head : data.history.back().sequence();
    const uint64_t first = data.history.empty() ? head + 1 : data.history.front().sequence();
    if (from > head + 1) return Status(StatusCode::INVALID_ARGUMENT, "beyond the head");
    if (from < first) {
      return Status(StatusCode::FAILED_PRECONDITION,
                    "position older than the history kept; re-sync from ExportSnapshot");
    }
    for (const auto& change : data.history) {
      if (change.sequence() < from) continue;
      npd::v1::SubscribeResponse message;
      *message.mutable_change() = change;
      if (!writer->Write(message)) return Status::OK;
    }
    while (!context->IsCancelled()) {
      npd::v1::SubscribeResponse message;
      message.mutable_heartbeat()->set_head_sequence(head);
      message.mutable_heartbeat()->set_confirmed_sequence(data.heartbeat_confirmed);
      if (!writer->Write(message)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return Status::OK;
  }

  Status Confirm(ServerContext* context, const npd::v1::ConfirmRequest* request,
                 npd::v1::ConfirmResponse* response) override {
    state_->Record(*context);
    absl::MutexLock lock(&state_->mu);
    state_->confirms.push_back(*request);
    response->set_confirmed_sequence(request->sequence());
    return Status::OK;
  }

  Status ExportSnapshot(ServerContext* context, const npd::v1::ExportSnapshotRequest*,
                        grpc::ServerWriter<npd::v1::ExportSnapshotResponse>* writer) override {
    state_->Record(*context);
    const SyncData& data = state_->data;
    npd::v1::ExportSnapshotResponse header;
    header.mutable_header()->set_feed_sequence(data.feed_sequence);
    writer->Write(header);
    // Two entries per chunk, so that a loader must gather several chunks.
    for (size_t i = 0; i < data.entries.size(); i += 2) {
      npd::v1::ExportSnapshotResponse chunk;
      for (size_t j = i; j < std::min(i + 2, data.entries.size()); ++j) {
        *chunk.mutable_chunk()->add_entries() = data.entries[j];
      }
      writer->Write(chunk);
    }
    npd::v1::ExportSnapshotResponse trailer;
    trailer.mutable_trailer()->set_entry_count(
        data.trailer_count_override >= 0 ? static_cast<uint64_t>(data.trailer_count_override)
                                         : static_cast<uint64_t>(data.entries.size()));
    writer->Write(trailer);
    return Status::OK;
  }

 private:
  std::shared_ptr<FakeSyncNpd::State> state_;
};

class Audit final : public npd::v1::AuditService::Service {
 public:
  explicit Audit(std::shared_ptr<FakeSyncNpd::State> state) : state_(std::move(state)) {}

  Status CompareBlocks(ServerContext* context, const npd::v1::CompareBlocksRequest* request,
                       npd::v1::CompareBlocksResponse* response) override {
    state_->Record(*context);
    std::map<std::string, std::pair<uint64_t, uint64_t>> carrier;  // block -> count, digest
    for (const auto& block : request->blocks()) {
      if (!block.block().starts_with(request->scope_prefix())) {
        return Status(StatusCode::INVALID_ARGUMENT, "block outside the scope");
      }
      carrier[block.block()] = {block.count(), block.digest()};
    }
    std::map<std::string, std::pair<uint64_t, uint64_t>> central;
    for (const auto& [name, block] : state_->Blocks()) {
      if (name.starts_with(request->scope_prefix())) central[name] = {block.count, block.digest};
    }
    std::map<std::string, bool> all;
    for (const auto& [name, v] : carrier) all[name] = true;
    for (const auto& [name, v] : central) all[name] = true;
    for (const auto& [name, unused] : all) {
      const auto mine = central.count(name) ? central[name] : std::pair<uint64_t, uint64_t>{0, 0};
      const auto theirs = carrier.count(name) ? carrier[name] : std::pair<uint64_t, uint64_t>{0, 0};
      if (mine != theirs) {
        npd::v1::BlockMismatch& mismatch = *response->add_mismatches();
        mismatch.set_block(name);
        mismatch.set_npd_count(mine.first);
        mismatch.set_npd_digest(mine.second);
        mismatch.set_carrier_count(theirs.first);
      }
    }
    response->set_blocks_compared(all.size());
    response->set_feed_sequence(state_->data.feed_sequence);
    return Status::OK;
  }

  Status DiffBlock(ServerContext* context, const npd::v1::DiffBlockRequest* request,
                   npd::v1::DiffBlockResponse* response) override {
    state_->Record(*context);
    std::map<std::string, npd::v1::RoutingEntry> central;
    for (const auto& e : state_->data.entries) {
      if (e.msisdn().starts_with(request->block())) central[e.msisdn()] = e;
    }
    std::map<std::string, std::string> carrier;
    for (const auto& e : request->entries()) carrier[e.msisdn()] = e.serving_carrier();
    std::map<std::string, bool> all;
    for (const auto& [m, e] : central) all[m] = true;
    for (const auto& [m, s] : carrier) all[m] = true;
    for (const auto& [msisdn, unused] : all) {
      const std::string theirs = carrier.count(msisdn) ? carrier[msisdn] : "";
      const std::string mine = central.count(msisdn) ? central[msisdn].serving_carrier() : "";
      if (mine == theirs) continue;
      npd::v1::RoutingDifference& difference = *response->add_differences();
      difference.set_msisdn(msisdn);
      difference.set_carrier_serving(theirs);
      if (central.count(msisdn)) {
        *difference.mutable_correct() = central[msisdn];
      } else {  // npd routes it to the range holder: "delete your entry"
        difference.mutable_correct()->set_msisdn(msisdn);
        difference.mutable_correct()->set_serving_carrier("cmcc");
        difference.mutable_correct()->set_range_holder("cmcc");
      }
    }
    response->set_feed_sequence(state_->data.feed_sequence);
    return Status::OK;
  }

 private:
  std::shared_ptr<FakeSyncNpd::State> state_;
};

}  // namespace

FakeSyncNpd::FakeSyncNpd(SyncData data) : state_(std::make_shared<State>(std::move(data))) {
  services_.push_back(std::make_unique<Feed>(state_));
  services_.push_back(std::make_unique<Audit>(state_));
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  for (auto& service : services_) builder.RegisterService(service.get());
  server_ = builder.BuildAndStart();
  address_ = "127.0.0.1:" + std::to_string(port);
}

FakeSyncNpd::~FakeSyncNpd() { server_->Shutdown(std::chrono::system_clock::now()); }

std::vector<npd::v1::ConfirmRequest> FakeSyncNpd::confirms() const {
  absl::MutexLock lock(&state_->mu);
  return state_->confirms;
}

std::vector<uint64_t> FakeSyncNpd::subscribe_froms() const {
  absl::MutexLock lock(&state_->mu);
  return state_->froms;
}

std::vector<std::string> FakeSyncNpd::callers() const {
  absl::MutexLock lock(&state_->mu);
  return state_->callers;
}

}  // namespace npd::testing
