// The authorization matrix: for every rpc npd serves, which kinds of principal may call it, how
// large its request may be, what shape it has (for the caller's limits), and the data-scoping rule
// its handler applies on top. This table is the one place these facts are written;
// tests/service/authorization_test.cc walks every rpc of every service for every kind of principal
// over real mTLS and checks each cell, and npd refuses to start when a service it registers has an
// rpc without a row (CheckMatrixCovers).
//
// gRPC's own services (grpc.health.v1.Health, server reflection) are not in the table: any caller
// with a valid client certificate may use them; they expose no transaction data.
#ifndef NPD_DAEMON_SERVICE_AUTHORIZATION_H_
#define NPD_DAEMON_SERVICE_AUTHORIZATION_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "daemon/service/principal.h"
#include "google/protobuf/descriptor.h"

namespace npd::service {

// A set of principal kinds.
class KindSet {
 public:
  constexpr KindSet() = default;
  constexpr KindSet(std::initializer_list<PrincipalKind> kinds) {
    for (PrincipalKind k : kinds) bits_ |= Bit(k);
  }
  constexpr bool Contains(PrincipalKind k) const { return (bits_ & Bit(k)) != 0; }

 private:
  static constexpr uint32_t Bit(PrincipalKind k) { return 1u << static_cast<uint32_t>(k); }
  uint32_t bits_ = 0;
};

// How an rpc counts against its caller's limits.
enum class RpcShape : uint8_t {
  kRead,      // unary, reads the store
  kMutation,  // unary, goes through the engine
  kStream,    // server stream, held open (counts against the caller's stream cap)
};

struct RpcRule {
  std::string_view method;  // "/npd.v1.PortingService/SubmitPort"
  KindSet allowed;
  RpcShape shape;
  // A request larger than this (serialised) is INVALID_ARGUMENT before it is read further.
  size_t max_request_bytes;
  // What the handler restricts a non-operator caller to (documentation; enforced in the handler
  // or the engine, and tested by the service tests).
  std::string_view scope;
};

// Every row, in service order.
const std::vector<RpcRule>& AuthorizationMatrix();

// The row of `method`; nullptr when npd serves no such rpc.
const RpcRule* FindRule(std::string_view method);

// The matrix as a Markdown table (rpc, one column per principal kind, the scoping rule), as the
// README shows it; a test keeps the README equal to it.
std::string AuthorizationMatrixMarkdown();

// OK when `principal` may call `rule`'s rpc; PERMISSION_DENIED naming the principal kind and who
// may call it otherwise.
absl::Status Authorize(const RpcRule& rule, const Principal& principal);

// INTERNAL naming the first rpc of `service` that has no row. Used at start-up for every service
// npd registers.
absl::Status CheckMatrixCovers(const google::protobuf::ServiceDescriptor& service);

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_AUTHORIZATION_H_
