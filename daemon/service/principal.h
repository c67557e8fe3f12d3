// Who a caller is: the principal named by the URI SAN of its TLS client certificate (or, in the
// development mode only, by the `x-npd-caller` header). One naming scheme, parsed in one place:
//
//   spiffe://npd/carrier/<carrier>              a carrier's BSS: everything a carrier may do
//   spiffe://npd/carrier/<carrier>/selfservice  the carrier's online port-in backend: submit and
//                                               cancel ports, read its carrier's ports, look up
//   spiffe://npd/operator/<person>              npd operations staff; <person> is recorded with
//                                               every change the call makes
//   spiffe://npd/payment/<channel>              a payment channel: reports payout results
//   spiffe://npd/billing/<carrier>              a carrier's billing system: pushes final bills of
//                                               the cases that carrier refunds
//
// <carrier> is a carrier id of the number plan (checked by the caller of ParsePrincipalUri, which
// knows the plan); <person> and <channel> are 1-64 characters of [A-Za-z0-9._-]. Pure: no gRPC, no
// I/O, thread-safe.
#ifndef NPD_DAEMON_SERVICE_PRINCIPAL_H_
#define NPD_DAEMON_SERVICE_PRINCIPAL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace npd::service {

inline constexpr char kTrustDomainPrefix[] = "spiffe://npd/";

enum class PrincipalKind : uint8_t {
  kCarrier = 0,
  kSelfService = 1,
  kOperator = 2,
  kPayment = 3,
  kBilling = 4,
};
inline constexpr int kPrincipalKinds = 5;

// "carrier", "selfservice", "operator", "payment", "billing".
std::string_view PrincipalKindName(PrincipalKind kind);

struct Principal {
  PrincipalKind kind = PrincipalKind::kCarrier;
  // The carrier id (carrier, selfservice, billing), the person (operator) or the channel (payment).
  std::string id;

  // The URI it was parsed from, e.g. "spiffe://npd/carrier/cucc/selfservice".
  std::string Uri() const;
  // Who the engine and the stored history name as acting: the carrier id for a carrier, its
  // self-service backend and its billing; "operator"; "payment".
  std::string Actor() const;
  // The carrier whose data the principal is scoped to; empty for the operator and payment.
  const std::string& Carrier() const;
  // The person for the operator; empty otherwise.
  std::string OperatorName() const;

  bool operator==(const Principal& other) const { return kind == other.kind && id == other.id; }
};

// Parses a principal URI. INVALID_ARGUMENT, saying what is wrong, for anything that is not exactly
// one of the forms above (another trust domain, an unknown kind, an empty or malformed segment, a
// query, fragment or trailing slash). Carrier ids are only checked for their shape here.
absl::StatusOr<Principal> ParsePrincipalUri(std::string_view uri);

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_PRINCIPAL_H_
