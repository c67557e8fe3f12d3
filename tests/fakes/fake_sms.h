// The SMS gateway (npd/ext/v1/sms.proto): sends one text per idempotency key; a repeated key sends
// nothing and returns the first message id.
#ifndef NPD_TESTS_FAKES_FAKE_SMS_H_
#define NPD_TESTS_FAKES_FAKE_SMS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "npd/ext/v1/sms.grpc.pb.h"
#include "tests/fakes/fault_injector.h"

namespace npd::fakes {

// One text sent, as first requested.
struct SentSms {
  std::string message_id;
  npd::ext::v1::SendSmsRequest request;
  // Later requests with the key (nothing sent again).
  int repeats = 0;
};

struct SmsStats {
  uint64_t sent = 0;                  // texts sent (distinct keys)
  uint64_t duplicates_prevented = 0;  // requests with a known key
};

// Thread-safe. Faults apply before the ledger: an `error` leaves no trace.
class FakeSms final : public npd::ext::v1::SmsService::Service {
 public:
  // `faults` is not owned and must outlive this.
  explicit FakeSms(FaultInjector* faults);

  // INVALID_ARGUMENT (nothing sent) without idempotency_key or msisdn.
  grpc::Status SendSms(grpc::ServerContext* context, const npd::ext::v1::SendSmsRequest* request,
                       npd::ext::v1::SendSmsResponse* response) override;

  std::optional<SentSms> Sent(const std::string& idempotency_key) const;
  // Texts sent to a number (distinct keys).
  int SentTo(const std::string& msisdn) const;
  SmsStats stats() const;
  FaultInjector& faults() { return *faults_; }

 private:
  FaultInjector* faults_;
  mutable absl::Mutex mu_;
  std::map<std::string, SentSms> sent_ ABSL_GUARDED_BY(mu_);  // by key
  std::map<std::string, int> sent_to_ ABSL_GUARDED_BY(mu_);   // by msisdn
  SmsStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace npd::fakes

#endif  // NPD_TESTS_FAKES_FAKE_SMS_H_
