// The authentication seam of every npd client: how a call says which role it acts as. Today the
// role travels as the `x-npd-caller` metadata header; when mTLS lands this is the one function to
// replace (the role then comes from the client certificate of the channel).
#ifndef NPD_CLIENTS_CLIENT_CALLER_H_
#define NPD_CLIENTS_CLIENT_CALLER_H_

#include <string_view>

#include <grpcpp/client_context.h>

namespace npd::client {

// Metadata key the server reads the caller's role from.
inline constexpr char kCallerHeader[] = "x-npd-caller";

// Marks `context` as a call made by `role`: a carrier id (`cmcc`, `cucc`, `ctcc`, or any carrier of
// the server's plan) or `operator`. Call once per context, before the call starts; the server
// refuses a missing, repeated or unknown role with UNAUTHENTICATED. Thread-compatible (like
// ClientContext).
void SetCaller(grpc::ClientContext& context, std::string_view role);

// Metadata key naming the person behind an operator call.
inline constexpr char kOperatorHeader[] = "x-npd-operator";

// Names the person acting for an `operator` call (1-64 printable ASCII characters). npd requires it
// on the operator's mutations and records it in every event they cause.
void SetOperatorName(grpc::ClientContext& context, std::string_view name);

}  // namespace npd::client

#endif  // NPD_CLIENTS_CLIENT_CALLER_H_
