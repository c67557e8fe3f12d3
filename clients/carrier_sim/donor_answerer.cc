#include "clients/carrier_sim/donor_answerer.h"

#include <utility>
#include <vector>

#include "clients/carrier_sim/sim_log.h"
#include "clients/client/channel.h"
#include "clients/client/enum_names.h"
#include "npd/v1/porting.grpc.pb.h"

namespace npd::carrier_sim {

DonorAnswerer::DonorAnswerer(std::shared_ptr<grpc::Channel> channel, std::string carrier,
                             DonorPolicy policy, DonorOptions options)
    : channel_(std::move(channel)),
      carrier_(std::move(carrier)),
      policy_(std::move(policy)),
      options_(options) {}

absl::Status DonorAnswerer::PollOnce() {
  auto stub = npd::v1::PortingService::NewStub(channel_);
  std::vector<npd::v1::Port> pending;
  npd::v1::ListPortsRequest request;
  request.set_carrier(carrier_);
  request.set_state(npd::v1::PORT_STATE_PENDING_DONOR);
  do {
    npd::v1::ListPortsResponse response;
    grpc::ClientContext context;
    client::PrepareCall(context, options_.rpc_timeout);
    const grpc::Status status = stub->ListPorts(&context, request, &response);
    if (!status.ok()) return FromGrpc(status, "ListPorts");
    // The carrier filter also matches ports this carrier receives; only the donor answers.
    for (const auto& port : response.ports()) {
      if (port.donor() == carrier_) pending.push_back(port);
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());

  const absl::Time now = absl::Now();
  std::set<std::string> still_pending;
  for (const auto& port : pending) {
    still_pending.insert(port.port_id());
    Handle(port, now);
  }
  // Forget the first-seen times of ports that left PENDING_DONOR by other means.
  std::erase_if(first_seen_, [&](const auto& seen) { return !still_pending.contains(seen.first); });
  return absl::OkStatus();
}

void DonorAnswerer::Handle(const npd::v1::Port& port, absl::Time now) {
  const std::string& id = port.port_id();
  if (done_.contains(id)) return;
  const absl::Time seen = first_seen_.try_emplace(id, now).first->second;
  const DonorDecision decision = Decide(policy_, id);
  if (decision.kind == DonorDecision::Kind::kSilence) {
    done_.insert(id);
    LogDetail("leaving port " + id + " unanswered");
    absl::MutexLock lock(&mu_);
    ++stats_.silenced;
    return;
  }
  if (now - seen < absl::FromChrono(options_.answer_delay)) return;

  npd::v1::AnswerPortRequest request;
  request.set_request_id(AnswerRequestId(id));
  request.set_port_id(id);
  request.set_approve(decision.kind == DonorDecision::Kind::kApprove);
  if (!request.approve()) {
    request.add_reasons(decision.reason);
    request.set_note(decision.note);
  }
  npd::v1::AnswerPortResponse response;
  grpc::ClientContext context;
  client::PrepareCall(context, options_.rpc_timeout);
  const grpc::Status status =
      npd::v1::PortingService::NewStub(channel_)->AnswerPort(&context, request, &response);
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    done_.insert(id);
    LogDetail("port " + id + " is no longer pending: " + status.error_message());
    absl::MutexLock lock(&mu_);
    ++stats_.already_closed;
    return;
  }
  if (!status.ok()) {
    Log("AnswerPort " + id + " failed (" + StatusText(status) + "); retrying on the next poll");
    return;
  }
  done_.insert(id);
  LogDetail("answered port " + id + ": " +
            (request.approve() ? "approved" : "rejected " + client::ReasonName(decision.reason)) +
            " -> " + client::PortStateName(response.port().state()));
  absl::MutexLock lock(&mu_);
  ++(request.approve() ? stats_.approved : stats_.rejected);
}

void DonorAnswerer::Run() {
  std::string failing;  // the error being reported, empty while polls succeed
  while (true) {
    const absl::Status status = PollOnce();
    if (!status.ok() && std::string(status.message()) != failing) {
      failing = std::string(status.message());
      Log("donor poll failed: " + failing);
    } else if (status.ok() && !failing.empty()) {
      failing.clear();
      Log("donor polls work again");
    }
    const absl::Time until = absl::Now() + absl::FromChrono(options_.poll_interval);
    absl::MutexLock lock(&mu_);
    while (!stopping_ && absl::Now() < until) cv_.WaitWithDeadline(&mu_, until);
    if (stopping_) return;
  }
}

void DonorAnswerer::Stop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  cv_.SignalAll();
}

DonorStats DonorAnswerer::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace npd::carrier_sim
