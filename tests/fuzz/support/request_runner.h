// A client request through the engine's idempotency wrapper and its handler, on a StoreDriver: the
// RequestCommand the service would post, executed and committed as the writer would.
#ifndef NPD_TESTS_FUZZ_SUPPORT_REQUEST_RUNNER_H_
#define NPD_TESTS_FUZZ_SUPPORT_REQUEST_RUNNER_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "daemon/engine/command.h"
#include "daemon/service/principal.h"
#include "daemon/service/unary.h"
#include "tests/fuzz/support/store_driver.h"

namespace npd::fuzz {

// Runs `request` of rpc `method` as `principal`; on success fills `response` (the answer the
// caller gets). Returns the command's outcome.
template <typename Req, typename Resp>
absl::Status RunRequest(StoreDriver& driver, const service::Principal& principal,
                        const std::string& method, const Req& request,
                        typename engine::RequestCommand<Req, Resp>::Handler handler,
                        typename engine::RequestCommand<Req, Resp>::Redactor redactor,
                        Resp* response) {
  Resp answered;
  engine::RequestCommand<Req, Resp> command(
      method, service::ToRequestCaller(principal), request, handler, redactor,
      [&answered](absl::Status, Resp&& result) { answered = std::move(result); });
  absl::Status status = driver.Execute([&](engine::Txn& txn, const engine::EngineContext& ctx) {
    return command.Execute(txn, ctx);
  });
  command.Finish(status);
  if (status.ok() && response != nullptr) *response = std::move(answered);
  return status;
}

}  // namespace npd::fuzz

#endif  // NPD_TESTS_FUZZ_SUPPORT_REQUEST_RUNNER_H_
