// The shape every mutating unary rpc shares: authenticate, validate, hand a RequestCommand to the
// engine, finish the reactor when the engine reports the durable outcome. Reactors never block.
#ifndef NPD_DAEMON_SERVICE_UNARY_H_
#define NPD_DAEMON_SERVICE_UNARY_H_

#include <memory>
#include <string>
#include <utility>

#include <grpcpp/support/server_callback.h>

#include "daemon/engine/command.h"
#include "daemon/engine/engine.h"
#include "daemon/service/caller.h"
#include "daemon/service/status.h"

namespace npd::service {

template <typename Req, typename Resp>
grpc::ServerUnaryReactor* RunMutation(
    engine::Engine& engine, grpc::CallbackServerContext* context, const Req& request,
    Resp* response, const char* method, absl::Status validation,
    typename engine::RequestCommand<Req, Resp>::Handler handler,
    typename engine::RequestCommand<Req, Resp>::Redactor redactor = nullptr,
    bool allow_payment = false) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto caller = AuthenticateCaller(*context, *engine.context().plan, allow_payment);
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  auto operator_name = OperatorName(*context, *caller);
  if (!operator_name.ok()) {
    reactor->Finish(ToGrpcStatus(operator_name.status()));
    return reactor;
  }
  if (!validation.ok()) {
    reactor->Finish(ToGrpcStatus(validation));
    return reactor;
  }
  engine.Post(std::make_unique<engine::RequestCommand<Req, Resp>>(
      method, *std::move(caller), *std::move(operator_name), request, handler, redactor,
      [reactor, response](absl::Status status, Resp&& result) {
        if (status.ok()) *response = std::move(result);
        reactor->Finish(ToGrpcStatus(status));
      }));
  return reactor;
}

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_UNARY_H_
