#include "tests/fakes/npd_callbacks.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "clients/client/identity.h"

namespace npd::fakes {
namespace {

bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED || code == grpc::StatusCode::CANCELLED ||
         code == grpc::StatusCode::UNKNOWN;
}

}  // namespace

NpdCallbacks::NpdCallbacks(CallbackOptions options, DelayedTasks* tasks)
    : options_(options), tasks_(tasks) {}

void NpdCallbacks::SetTarget(const std::string& address) {
  absl::MutexLock lock(&mu_);
  target_ = address;
  stubs_.clear();
}

bool NpdCallbacks::has_target() const {
  absl::MutexLock lock(&mu_);
  return !target_.empty();
}

CallbackStats NpdCallbacks::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

std::shared_ptr<npd::v1::RefundService::Stub> NpdCallbacks::stub(const std::string& caller) {
  absl::MutexLock lock(&mu_);
  if (target_.empty()) return nullptr;
  auto& stub = stubs_[caller];
  if (stub == nullptr) {
    grpc::ChannelArguments args;
    // npd comes back within a second or two after a kill; do not wait out gRPC's default backoff.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    auto channel =
        client::CreateIdentityChannel(target_, {.tls_dir = options_.tls_dir, .name = caller}, args);
    if (!channel.ok()) return nullptr;  // counted as a failed attempt
    stub = npd::v1::RefundService::NewStub(*channel);
  }
  return stub;
}

void NpdCallbacks::Report(Callback callback, bool before_answer, bool twice) {
  if (twice) {
    Callback copy = callback;
    std::visit([](auto& r) { r.set_request_id(absl::StrCat(r.request_id(), "#2")); }, copy.request);
    tasks_->RunAfter(options_.after_answer_delay * 2,
                     [this, copy = std::move(copy)] { Attempt(copy, 1); });
  }
  if (before_answer) {
    Attempt(std::move(callback), 1);
  } else {
    tasks_->RunAfter(options_.after_answer_delay,
                     [this, callback = std::move(callback)] { Attempt(callback, 1); });
  }
}

void NpdCallbacks::Attempt(Callback callback, int attempt) {
  grpc::Status status(grpc::StatusCode::UNAVAILABLE, "no npd target");
  if (std::shared_ptr<npd::v1::RefundService::Stub> s = stub(callback.caller); s != nullptr) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.attempt_deadline));
    if (const auto* bill = std::get_if<npd::v1::ReportFinalBillRequest>(&callback.request)) {
      npd::v1::ReportFinalBillResponse response;
      status = s->ReportFinalBill(&context, *bill, &response);
    } else {
      npd::v1::ReportPayoutResultResponse response;
      status = s->ReportPayoutResult(
          &context, std::get<npd::v1::ReportPayoutResultRequest>(callback.request), &response);
    }
    absl::MutexLock lock(&mu_);
    ++stats_.attempts;
  }
  const bool retry = !status.ok() && Retryable(status.error_code());
  {
    absl::MutexLock lock(&mu_);
    if (status.ok()) {
      ++stats_.delivered;
    } else if (!retry) {
      ++stats_.rejected;
    } else if (attempt >= options_.attempts) {
      ++stats_.dropped;
    }
  }
  if (retry && attempt < options_.attempts) {
    const absl::Duration backoff = options_.first_backoff * (1 << (attempt - 1));
    tasks_->RunAfter(backoff, [this, callback = std::move(callback), attempt] {
      Attempt(callback, attempt + 1);
    });
  }
}

}  // namespace npd::fakes
