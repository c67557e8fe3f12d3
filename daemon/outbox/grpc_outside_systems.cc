#include "daemon/outbox/grpc_outside_systems.h"

#include <chrono>
#include <utility>

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "daemon/core/time_convert.h"
#include "npd/ext/v1/billing.grpc.pb.h"
#include "npd/ext/v1/payment.grpc.pb.h"
#include "npd/ext/v1/settlement.grpc.pb.h"
#include "npd/ext/v1/sms.grpc.pb.h"

namespace npd::outbox {
namespace {

using npd::ext::v1::BillingService;
using npd::ext::v1::PaymentService;
using npd::ext::v1::SettlementService;
using npd::ext::v1::SmsService;

// "UNAVAILABLE: connection refused": gRPC's codes are numbered as absl's.
std::string StatusText(const grpc::Status& s) {
  return absl::StrCat(absl::StatusCodeToString(static_cast<absl::StatusCode>(s.error_code())), ": ",
                      s.error_message());
}

core::StepResult Retryable(std::string error) {
  core::StepResult r;
  r.outcome = core::StepOutcome::kRetryable;
  r.error = std::move(error);
  return r;
}

template <typename Req, typename Resp>
struct CallState {
  grpc::ClientContext context;
  Req request;
  Resp response;
};

// Starts one unary call. `invoke(context, request, response, callback)` issues it on a stub;
// `interpret(response, result)` fills the result of an OK answer.
template <typename Resp, typename Req, typename Invoke, typename Interpret>
void StartCall(Req request, absl::Duration timeout, Invoke invoke, Interpret interpret,
               OutsideSystems::Done done) {
  auto state = std::make_shared<CallState<Req, Resp>>();
  state->request = std::move(request);
  state->context.set_deadline(std::chrono::system_clock::now() +
                              absl::ToChronoMilliseconds(timeout));
  invoke(&state->context, &state->request, &state->response,
         [state, interpret = std::move(interpret), done = std::move(done)](grpc::Status s) {
           if (!s.ok()) {
             done(Retryable(StatusText(s)));
             return;
           }
           core::StepResult r;
           interpret(state->response, r);
           done(std::move(r));
         });
}

std::string MaskedMsisdn(const std::string& msisdn) {
  return msisdn.size() == 11 ? absl::StrCat(msisdn.substr(0, 3), "****", msisdn.substr(7)) : msisdn;
}

}  // namespace

namespace {

// Mutual TLS with npd's own certificate, the outside system's certificate checked against the
// configured CA and the address it is called at; plaintext only without any TLS files.
std::shared_ptr<grpc::ChannelCredentials> OutsideCredentials(const OutsideAddresses& addresses) {
  if (addresses.tls_ca.empty() && addresses.tls_cert.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
          addresses.tls_key, addresses.tls_cert, addresses.tls_ca,
          static_cast<unsigned>(absl::ToInt64Seconds(addresses.tls_refresh_interval))));
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_verify_server_certs(true);
  return grpc::experimental::TlsCredentials(options);
}

}  // namespace

GrpcOutsideSystems::GrpcOutsideSystems(OutsideAddresses addresses)
    : addresses_(std::move(addresses)), credentials_(OutsideCredentials(addresses_)) {}

GrpcOutsideSystems::~GrpcOutsideSystems() { Drain(); }

void GrpcOutsideSystems::Drain() {
  std::unique_lock lock(mu_);
  drained_.wait(lock, [this] { return outstanding_ == 0; });
}

OutsideSystems::Done GrpcOutsideSystems::Track(Done done) {
  {
    std::lock_guard lock(mu_);
    ++outstanding_;
  }
  return [this, done = std::move(done)](core::StepResult r) {
    done(std::move(r));
    std::lock_guard lock(mu_);
    if (--outstanding_ == 0) drained_.notify_all();
  };
}

std::shared_ptr<grpc::Channel> GrpcOutsideSystems::ChannelTo(const std::string& address) {
  std::lock_guard lock(mu_);
  auto& channel = channels_[address];
  if (channel == nullptr) {
    channel = grpc::CreateChannel(address, credentials_);
  }
  return channel;
}

std::string GrpcOutsideSystems::BillingAddress(const npd::v1::Refund& refund) const {
  if (auto it = addresses_.billing.find(absl::StrCat(refund.donor(), "/", refund.home_province()));
      it != addresses_.billing.end()) {
    return it->second;
  }
  if (auto it = addresses_.billing.find(refund.donor()); it != addresses_.billing.end()) {
    return it->second;
  }
  auto it = addresses_.billing.find("*");
  return it == addresses_.billing.end() ? "" : it->second;
}

void GrpcOutsideSystems::Call(const npd::store::v1::RefundRecord& record,
                              const npd::store::v1::OutboxRecord& entry, bool pay, Done done) {
  done = Track(std::move(done));
  const npd::v1::Refund& refund = record.refund();
  const absl::Duration timeout = addresses_.call_timeout;
  const npd::v1::RefundStep step = entry.step();
  std::string address;
  switch (step) {
    case npd::v1::REFUND_STEP_FREEZE_ACCOUNT:
    case npd::v1::REFUND_STEP_FETCH_FINAL_BILL:
    case npd::v1::REFUND_STEP_CLOSE_ACCOUNT:
      address = BillingAddress(refund);
      if (address.empty()) {
        done(Retryable(absl::StrCat("no billing address configured for ", refund.donor())));
        return;
      }
      break;
    case npd::v1::REFUND_STEP_PAYOUT:
      address = addresses_.payment;
      break;
    case npd::v1::REFUND_STEP_SETTLE:
      address = addresses_.settlement;
      break;
    case npd::v1::REFUND_STEP_NOTIFY_SUBSCRIBER:
      address = addresses_.sms;
      break;
    default:
      done(Retryable("outbox entry without a step"));
      return;
  }
  if (address.empty()) {
    done(Retryable(absl::StrCat("no address configured for ", npd::v1::RefundStep_Name(step))));
    return;
  }
  auto channel = ChannelTo(address);

  switch (step) {
    case npd::v1::REFUND_STEP_FREEZE_ACCOUNT: {
      auto stub = std::shared_ptr<BillingService::Stub>(BillingService::NewStub(channel));
      npd::ext::v1::FreezeAccountRequest req;
      req.set_idempotency_key(entry.idempotency_key());
      req.set_refund_id(refund.refund_id());
      req.set_msisdn(refund.msisdn());
      req.set_port_id(refund.port_id());
      req.set_province(refund.home_province());
      StartCall<npd::ext::v1::FreezeAccountResponse>(
          std::move(req), timeout,
          [stub](auto* c, auto* q, auto* p, auto cb) {
            stub->async()->FreezeAccount(c, q, p, std::move(cb));
          },
          [](const npd::ext::v1::FreezeAccountResponse& resp, core::StepResult& r) {
            r.judicial_hold = resp.judicial_hold();
            r.hold_text = resp.hold_text();
          },
          std::move(done));
      return;
    }
    case npd::v1::REFUND_STEP_FETCH_FINAL_BILL: {
      auto stub = std::shared_ptr<BillingService::Stub>(BillingService::NewStub(channel));
      npd::ext::v1::GetFinalBillRequest req;
      req.set_idempotency_key(entry.idempotency_key());
      req.set_refund_id(refund.refund_id());
      req.set_msisdn(refund.msisdn());
      StartCall<npd::ext::v1::GetFinalBillResponse>(
          std::move(req), timeout,
          [stub](auto* c, auto* q, auto* p, auto cb) {
            stub->async()->GetFinalBill(c, q, p, std::move(cb));
          },
          [](const npd::ext::v1::GetFinalBillResponse& resp, core::StepResult& r) {
            if (resp.ready()) r.bill = resp.bill();
          },
          std::move(done));
      return;
    }
    case npd::v1::REFUND_STEP_CLOSE_ACCOUNT: {
      auto stub = std::shared_ptr<BillingService::Stub>(BillingService::NewStub(channel));
      npd::ext::v1::CloseAccountRequest req;
      req.set_idempotency_key(entry.idempotency_key());
      req.set_refund_id(refund.refund_id());
      req.set_msisdn(refund.msisdn());
      switch (refund.state()) {
        case npd::v1::REFUND_STATE_SETTLED:
          req.set_outcome(npd::ext::v1::CLOSE_OUTCOME_REFUNDED);
          req.set_paid_fen(refund.paid_fen());
          break;
        case npd::v1::REFUND_STATE_CLAIM_EXPIRED:
          req.set_outcome(npd::ext::v1::CLOSE_OUTCOME_CLAIM_EXPIRED);
          break;
        default:
          req.set_outcome(npd::ext::v1::CLOSE_OUTCOME_NO_REFUND);
          req.set_arrears_fen(refund.arrears_fen());
          break;
      }
      StartCall<npd::ext::v1::CloseAccountResponse>(
          std::move(req), timeout,
          [stub](auto* c, auto* q, auto* p, auto cb) {
            stub->async()->CloseAccount(c, q, p, std::move(cb));
          },
          [](const npd::ext::v1::CloseAccountResponse& resp, core::StepResult& r) {
            r.reference = resp.closure_reference();
          },
          std::move(done));
      return;
    }
    case npd::v1::REFUND_STEP_NOTIFY_SUBSCRIBER: {
      auto stub = std::shared_ptr<SmsService::Stub>(SmsService::NewStub(channel));
      npd::ext::v1::SendSmsRequest req;
      req.set_idempotency_key(entry.idempotency_key());
      req.set_msisdn(refund.msisdn());
      req.set_via_carrier(refund.recipient());
      req.set_text(absl::StrCat(
          "Your number ", MaskedMsisdn(refund.msisdn()), " now uses ", refund.recipient(), ". ",
          refund.donor(), " refunds your balance of ", core::FormatFen(refund.refundable_fen()),
          ": claim it in any province at a ", refund.donor(), " hall, in its app or online, case ",
          refund.refund_id(), "."));
      StartCall<npd::ext::v1::SendSmsResponse>(
          std::move(req), timeout,
          [stub](auto* c, auto* q, auto* p, auto cb) {
            stub->async()->SendSms(c, q, p, std::move(cb));
          },
          [](const npd::ext::v1::SendSmsResponse& resp, core::StepResult& r) {
            r.reference = resp.message_id();
          },
          std::move(done));
      return;
    }
    case npd::v1::REFUND_STEP_SETTLE: {
      auto stub = std::shared_ptr<SettlementService::Stub>(SettlementService::NewStub(channel));
      npd::ext::v1::PostEntryRequest req;
      req.set_entry_key(entry.idempotency_key());
      req.set_refund_id(refund.refund_id());
      req.set_carrier(refund.donor());
      req.set_home_province(refund.home_province());
      req.set_claim_province(refund.claim().claim_province());
      req.set_amount_fen(refund.paid_fen());
      req.set_payout_reference(refund.payout_reference());
      StartCall<npd::ext::v1::PostEntryResponse>(
          std::move(req), timeout,
          [stub](auto* c, auto* q, auto* p, auto cb) {
            stub->async()->PostEntry(c, q, p, std::move(cb));
          },
          [](const npd::ext::v1::PostEntryResponse& resp, core::StepResult& r) {
            r.reference = resp.entry_id();
          },
          std::move(done));
      return;
    }
    case npd::v1::REFUND_STEP_PAYOUT: {
      auto stub = std::shared_ptr<PaymentService::Stub>(PaymentService::NewStub(channel));
      if (!pay) {
        npd::ext::v1::QueryPayoutRequest req;
        req.set_idempotency_key(entry.idempotency_key());
        StartCall<npd::ext::v1::QueryPayoutResponse>(
            std::move(req), timeout,
            [stub](auto* c, auto* q, auto* p, auto cb) {
              stub->async()->QueryPayout(c, q, p, std::move(cb));
            },
            [](const npd::ext::v1::QueryPayoutResponse& resp, core::StepResult& r) {
              r.payout_query = true;
              r.payout_found = resp.found();
              r.payout_status = resp.status();
              r.reference = resp.payout_reference();
              r.failure_text = resp.failure_text();
              if (resp.status() == npd::v1::PAYOUT_STATUS_SUCCEEDED) {
                r.payout_amount_fen = resp.amount_fen();
              }
            },
            std::move(done));
        return;
      }
      if (addresses_.payee_keys == nullptr) {
        done(Retryable("no payee key is configured (security.payee_key_file)"));
        return;
      }
      absl::StatusOr<npd::v1::PayeeAccount> payee =
          core::OpenRecordPayee(*addresses_.payee_keys, record);
      if (!payee.ok()) {
        done(Retryable(
            absl::StrCat("the payee account cannot be opened: ", payee.status().message())));
        return;
      }
      npd::ext::v1::PayRequest req;
      req.set_idempotency_key(entry.idempotency_key());
      req.set_refund_id(refund.refund_id());
      req.set_amount_fen(refund.refundable_fen());
      *req.mutable_payee() = *std::move(payee);
      req.set_paying_province(refund.claim().claim_province());
      StartCall<npd::ext::v1::PayResponse>(
          std::move(req), timeout,
          [stub](auto* c, auto* q, auto* p, auto cb) {
            stub->async()->Pay(c, q, p, std::move(cb));
          },
          [](const npd::ext::v1::PayResponse& resp, core::StepResult& r) {
            r.payout_status = resp.status();
            r.reference = resp.payout_reference();
            r.failure_text = resp.failure_text();
          },
          std::move(done));
      return;
    }
    default:
      return;
  }
}

}  // namespace npd::outbox
