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

}  // namespace npd::client

#endif  // NPD_CLIENTS_CLIENT_CALLER_H_
