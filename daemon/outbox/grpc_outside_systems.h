// OutsideSystems over gRPC (the services of proto/npd/ext/v1), with one channel per address and a
// deadline on every call. Any non-OK status, including DEADLINE_EXCEEDED, is an unknown outcome
// (StepOutcome::kRetryable); the saga decides what that means for money (query before re-paying).
#ifndef NPD_DAEMON_OUTBOX_GRPC_OUTSIDE_SYSTEMS_H_
#define NPD_DAEMON_OUTBOX_GRPC_OUTSIDE_SYSTEMS_H_

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/time/time.h"
#include "daemon/core/payee_seal.h"
#include "daemon/outbox/outside_systems.h"

namespace npd::outbox {

struct OutsideAddresses {
  // Billing by donor carrier id ("cmcc"), or by "carrier/Province" ("cmcc/Guangdong") which wins
  // for cases of that home province, or "*" for every carrier not listed.
  std::map<std::string, std::string> billing;
  std::string payment;
  std::string settlement;
  std::string sms;
  // Deadline of every call. Default: 5 s.
  absl::Duration call_timeout = absl::Seconds(5);
  // TLS toward the outside systems (PEM files): the CA their certificates must chain to, and the
  // certificate and key npd presents as a client. All empty: plaintext (the development mode
  // only, on loopback; daemon/config.cc enforces that).
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  // How often those files are read again (rotation without a restart).
  absl::Duration tls_refresh_interval = absl::Seconds(60);
  // Opens the sealed payee account a Pay carries (must outlive the GrpcOutsideSystems). Without it,
  // or when the case's key is no longer in it, the payout attempt fails as retryable and the case
  // goes STUCK after its attempts, naming the cause.
  const core::PayeeKeyRing* payee_keys = nullptr;
};

class GrpcOutsideSystems final : public OutsideSystems {
 public:
  explicit GrpcOutsideSystems(OutsideAddresses addresses);
  ~GrpcOutsideSystems() override;

  void Call(const npd::store::v1::RefundRecord& refund, const npd::store::v1::OutboxRecord& entry,
            bool pay, Done done) override;
  void Drain() override;

  // The billing address of a case, or empty when none is configured.
  std::string BillingAddress(const npd::v1::Refund& refund) const;

 private:
  std::shared_ptr<grpc::Channel> ChannelTo(const std::string& address);
  // Counts a call in, and returns the wrapper that counts it out after `done`.
  Done Track(Done done);

  const OutsideAddresses addresses_;
  const std::shared_ptr<grpc::ChannelCredentials> credentials_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;  // guarded by mu_
  int outstanding_ = 0;                                             // guarded by mu_
  std::condition_variable drained_;
};

}  // namespace npd::outbox

#endif  // NPD_DAEMON_OUTBOX_GRPC_OUTSIDE_SYSTEMS_H_
