#include "tests/fakes/fake_sms.h"

#include "absl/strings/str_format.h"

namespace npd::fakes {

FakeSms::FakeSms(FaultInjector* faults) : faults_(faults) {}

grpc::Status FakeSms::SendSms(grpc::ServerContext* context,
                              const npd::ext::v1::SendSmsRequest* request,
                              npd::ext::v1::SendSmsResponse* response) {
  const FaultDraw f = faults_->Draw(/*has_effect=*/true);
  if (f.error) return InjectedError();
  if (f.slow) faults_->Sleep(context, faults_->plan().slow_delay);
  if (request->idempotency_key().empty() || request->msisdn().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "idempotency_key and msisdn are required");
  }
  {
    absl::MutexLock lock(&mu_);
    auto [it, inserted] = sent_.try_emplace(request->idempotency_key());
    if (inserted) {
      ++stats_.sent;
      ++sent_to_[request->msisdn()];
      it->second.message_id = absl::StrFormat("SMS%08d", stats_.sent);
      it->second.request = *request;
    } else {
      ++it->second.repeats;
      ++stats_.duplicates_prevented;
    }
    response->set_message_id(it->second.message_id);
  }
  if (f.crash_after_effect) return CrashedAfter("sending the text");
  if (f.timeout) faults_->Sleep(context, faults_->plan().timeout_delay);
  return grpc::Status::OK;
}

std::optional<SentSms> FakeSms::Sent(const std::string& idempotency_key) const {
  absl::MutexLock lock(&mu_);
  auto it = sent_.find(idempotency_key);
  if (it == sent_.end()) return std::nullopt;
  return it->second;
}

int FakeSms::SentTo(const std::string& msisdn) const {
  absl::MutexLock lock(&mu_);
  auto it = sent_to_.find(msisdn);
  return it == sent_to_.end() ? 0 : it->second;
}

SmsStats FakeSms::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace npd::fakes
