#include "clients/npctl/session.h"

#include <iostream>

#include "clients/client/channel.h"
#include "clients/client/identity.h"
#include "clients/client/json_text.h"
#include "clients/client/request_id.h"
#include "clients/client/status_names.h"

namespace npd::npctl {

std::chrono::milliseconds Session::timeout() const {
  return std::chrono::milliseconds(static_cast<int64_t>(options_.timeout_seconds * 1000));
}

std::shared_ptr<grpc::Channel> Session::channel() {
  if (channel_ == nullptr) {
    if (options_.role == "operator" && options_.operator_name.empty()) {
      throw UsageError(
          "--as operator acts as a person: give --operator NAME (or set NPD_OPERATOR); npctl "
          "presents operator-NAME.pem");
    }
    auto channel = client::CreateIdentityChannel(
        options_.server, {.tls_dir = options_.tls_dir,
                          .name = client::IdentityName(options_.role, options_.operator_name)});
    if (!channel.ok()) throw UsageError(std::string(channel.status().message()));
    channel_ = *std::move(channel);
  }
  return channel_;
}

grpc::Status Session::Connect() {
  if (connected_) return grpc::Status::OK;
  grpc::Status status = client::AwaitConnected(*channel(), options_.server,
                                               std::chrono::system_clock::now() + timeout());
  connected_ = status.ok();
  return status;
}

void Session::Prepare(grpc::ClientContext& context) const {
  client::PrepareCall(context, timeout());
}

grpc::Status Session::Unary(const std::function<grpc::Status(grpc::ClientContext*)>& call) {
  grpc::Status status = Connect();
  if (!status.ok()) return status;
  grpc::ClientContext context;
  Prepare(context);
  return call(&context);
}

const std::string& Session::RequestId() {
  if (!options_.request_id.empty()) return options_.request_id;
  if (generated_request_id_.empty()) {
    generated_request_id_ = client::NewRequestId();
    std::cerr << "request-id: " << generated_request_id_ << std::endl;
  }
  return generated_request_id_;
}

void Session::Print(const google::protobuf::Message& message,
                    const std::function<std::string()>& human) {
  std::string text = options_.json ? client::ToJsonLine(message) : human();
  if (text.empty() || text.back() != '\n') text += '\n';
  std::cout << text << std::flush;
}

int Session::Fail(const grpc::Status& status) const {
  std::cerr << "error: " << client::StatusCodeName(status.error_code()) << ": "
            << status.error_message() << std::endl;
  return kExitRpcError;
}

}  // namespace npd::npctl
