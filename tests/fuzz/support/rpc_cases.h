// Every rpc of npd's API as fuzz_requests drives it: the request decoded as gRPC hands it to npd
// (with the tolerant traits of proto/wire/tolerant_requests.h), admitted as the gatekeeper admits
// it, validated as the service validates it, then run through the engine handler (mutations, as a
// RequestCommand on a StoreDriver) or the service's read (service_reads.h).
#ifndef NPD_TESTS_FUZZ_SUPPORT_RPC_CASES_H_
#define NPD_TESTS_FUZZ_SUPPORT_RPC_CASES_H_

#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "daemon/service/principal.h"
#include "google/protobuf/message.h"
#include "tests/fuzz/support/fuzz_world.h"
#include "tests/fuzz/support/store_driver.h"

namespace npd::fuzz {

struct RpcCase {
  std::string_view method;                     // "/npd.v1.PortingService/SubmitPort"
  const google::protobuf::Message* prototype;  // its request type
  bool mutation;
  // The service's handling of an admitted request: validation, then the handler or the read.
  // Returns the rpc's status; aborts (Violation) when an answer breaks a rule a caller would
  // notice. A successful mutation is sent a second time (a client's retry): it must be answered
  // alike from the idempotency record without writing anything.
  absl::Status (*run)(StoreDriver& driver, const service::Principal& caller,
                      const google::protobuf::Message& request);
};

// Every rpc, in a fixed order (fuzz inputs choose by index, so the order only ever grows at the
// end). Aborts unless the cases and the authorization matrix name exactly the same rpcs.
const std::vector<RpcCase>& RpcCases();

// The request `bytes` as npd's handler receives it from gRPC: parsed, or empty with the
// undecodable marker when they do not parse.
std::unique_ptr<google::protobuf::Message> DecodeAsGrpc(const RpcCase& rpc, std::string_view bytes);

// The gatekeeper's admission without a connection (gatekeeper.h steps 1, 2 and 4; the caller
// limits are not the subject here): UNAUTHENTICATED for a principal naming a carrier not in the
// plan, PERMISSION_DENIED outside the matrix, INVALID_ARGUMENT for an undecodable, oversized or
// over-long request.
absl::Status Admit(const FuzzPrincipal& principal, const RpcCase& rpc,
                   const google::protobuf::Message& request);

}  // namespace npd::fuzz

#endif  // NPD_TESTS_FUZZ_SUPPORT_RPC_CASES_H_
