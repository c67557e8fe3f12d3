// The shapes every unary rpc shares. Reactors never block.
//   RunMutation: admit (gatekeeper.h), validate, hand a RequestCommand to the engine, finish the
//                reactor when the engine reports the durable outcome.
//   RunRead:     admit, then run the read on the reactor thread and finish with its status.
#ifndef NPD_DAEMON_SERVICE_UNARY_H_
#define NPD_DAEMON_SERVICE_UNARY_H_

#include <memory>
#include <string>
#include <utility>

#include <grpcpp/support/server_callback.h>

#include "daemon/engine/command.h"
#include "daemon/engine/engine.h"
#include "daemon/service/gatekeeper.h"
#include "daemon/service/status.h"

namespace npd::service {

// The engine's view of an admitted caller.
inline engine::RequestCaller ToRequestCaller(const Principal& principal) {
  return {.actor = principal.Actor(),
          .operator_name = principal.OperatorName(),
          .principal = principal.Uri()};
}

// `validate()` returns the request's shape check (INVALID_ARGUMENT); it runs after admission.
template <typename Req, typename Resp, typename Validate>
grpc::ServerUnaryReactor* RunMutation(
    engine::Engine& engine, Gatekeeper& gatekeeper, grpc::CallbackServerContext* context,
    const Req& request, Resp* response, const char* method, Validate validate,
    typename engine::RequestCommand<Req, Resp>::Handler handler,
    typename engine::RequestCommand<Req, Resp>::Redactor redactor = nullptr) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto admitted = gatekeeper.Admit(*context, method, request);
  if (!admitted.ok()) {
    gatekeeper.Refuse(admitted.status(), [reactor](grpc::Status s) { reactor->Finish(s); });
    return reactor;
  }
  if (absl::Status valid = validate(); !valid.ok()) {
    reactor->Finish(ToGrpcStatus(valid));
    return reactor;
  }
  engine.Post(std::make_unique<engine::RequestCommand<Req, Resp>>(
      method, ToRequestCaller(admitted->principal), request, handler, redactor,
      [reactor, response, slot = std::move(admitted->slot)](absl::Status status, Resp&& result) {
        if (status.ok()) *response = std::move(result);
        reactor->Finish(ToGrpcStatus(status));
        slot->Release();
      }));
  return reactor;
}

// `read(principal)` runs on the reactor thread once the call is admitted and returns the call's
// status (filling the response itself).
template <typename Read>
grpc::ServerUnaryReactor* RunRead(Gatekeeper& gatekeeper, grpc::CallbackServerContext* context,
                                  const google::protobuf::Message& request, const char* method,
                                  Read read) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto admitted = gatekeeper.Admit(*context, method, request);
  if (!admitted.ok()) {
    gatekeeper.Refuse(admitted.status(), [reactor](grpc::Status s) { reactor->Finish(s); });
    return reactor;
  }
  reactor->Finish(ToGrpcStatus(read(admitted->principal)));
  return reactor;
}

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_UNARY_H_
