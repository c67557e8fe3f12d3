#include "tests/fakes/fake_settlement.h"

#include "absl/strings/str_format.h"
#include "google/protobuf/util/message_differencer.h"

namespace npd::fakes {

FakeSettlement::FakeSettlement(FaultInjector* faults) : faults_(faults) {}

grpc::Status FakeSettlement::PostEntry(grpc::ServerContext* context,
                                       const npd::ext::v1::PostEntryRequest* request,
                                       npd::ext::v1::PostEntryResponse* response) {
  const FaultDraw f = faults_->Draw(/*has_effect=*/true);
  if (f.error) return InjectedError();
  if (f.slow) faults_->Sleep(context, faults_->plan().slow_delay);
  if (request->entry_key().empty() || request->refund_id().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "entry_key and refund_id are required");
  }
  if (request->amount_fen() <= 0) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "amount_fen must be > 0");
  }
  {
    absl::MutexLock lock(&mu_);
    auto [it, inserted] = entries_.try_emplace(request->entry_key());
    SettlementEntry& entry = it->second;
    if (inserted) {
      ++stats_.entries;
      stats_.total_fen += request->amount_fen();
      ++entries_by_refund_[request->refund_id()];
      entry.entry_id = absl::StrFormat("SE%08d", stats_.entries);
      entry.request = *request;
    } else {
      ++entry.repeats;
      ++stats_.duplicates;
      if (!google::protobuf::util::MessageDifferencer::Equals(entry.request, *request)) {
        ++entry.conflicts;
        ++stats_.conflicts;
      }
    }
    response->set_entry_id(entry.entry_id);
    response->set_duplicate(!inserted);
  }
  if (f.crash_after_effect) return CrashedAfter("posting the entry");
  if (f.timeout) faults_->Sleep(context, faults_->plan().timeout_delay);
  return grpc::Status::OK;
}

std::optional<SettlementEntry> FakeSettlement::Entry(const std::string& entry_key) const {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(entry_key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

int FakeSettlement::EntriesFor(const std::string& refund_id) const {
  absl::MutexLock lock(&mu_);
  auto it = entries_by_refund_.find(refund_id);
  return it == entries_by_refund_.end() ? 0 : it->second;
}

SettlementStats FakeSettlement::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace npd::fakes
