// How an npd client proves who it is. The identity belongs to the channel, never to a call:
//   - mutual TLS (npd's normal mode): the channel presents the client certificate DIR/<name>.pem
//     with its key DIR/<name>.key, and trusts npd's certificate when it chains to DIR/ca.pem and
//     names the host the client connects to. npd takes the principal from the certificate's URI.
//   - development mode (no TLS directory): plaintext, and every call carries the principal URI of
//     <name> in the x-npd-caller header. Only an npd started with security.dev_header_identity on
//     loopback accepts it.
// Names are those of scripts/dev-pki's files:
//   cmcc                  spiffe://npd/carrier/cmcc           (any carrier id of the plan)
//   cucc-selfservice      spiffe://npd/carrier/cucc/selfservice
//   operator-oncall       spiffe://npd/operator/oncall        (operator-<person>)
//   payment               spiffe://npd/payment/default        (payment-<channel> for others)
//   billing-cmcc          spiffe://npd/billing/cmcc
#ifndef NPD_CLIENTS_CLIENT_IDENTITY_H_
#define NPD_CLIENTS_CLIENT_IDENTITY_H_

#include <memory>
#include <string>
#include <string_view>

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/status/statusor.h"

namespace npd::client {

// The development mode's header.
inline constexpr char kCallerHeader[] = "x-npd-caller";

struct ClientIdentity {
  // Directory with ca.pem and <name>.pem / <name>.key; empty for the development mode.
  std::string tls_dir;
  // Which identity (see above).
  std::string name;
};

// The identity name for npctl-style options: `role` a carrier id, "<carrier>-selfservice",
// "payment", "billing-<carrier>" as it is; "operator" with `person` gives "operator-<person>".
std::string IdentityName(std::string_view role, std::string_view person);

// The principal URI a name stands for (see above). INVALID_ARGUMENT for a name of no such shape.
absl::StatusOr<std::string> PrincipalUriForName(std::string_view name);

// Channel credentials for `identity`: mutual TLS from its directory (the files are read again
// every `refresh_seconds`, so rotating them needs no restart), or plaintext. INVALID_ARGUMENT
// naming a missing or unreadable file.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ClientCredentials(
    const ClientIdentity& identity, unsigned refresh_seconds = 60);

// A channel to npd at `target` ("host:port") as `identity` (credentials, and in the development
// mode an interceptor adding the header to every call). Connection problems show up on the
// first call. INVALID_ARGUMENT as ClientCredentials, or for a name PrincipalUriForName refuses in
// the development mode.
absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateIdentityChannel(
    const std::string& target, const ClientIdentity& identity,
    grpc::ChannelArguments args = grpc::ChannelArguments());

// Server credentials for npd's tools that serve over the same PKI (npd-echo, the fake outside
// systems): mutual TLS presenting DIR/<name>.pem with DIR/<name>.key, client certificates required
// and verified against DIR/ca.pem, the files read again every `refresh_seconds`.
std::shared_ptr<grpc::ServerCredentials> MutualTlsServerCredentials(const std::string& tls_dir,
                                                                    const std::string& name,
                                                                    unsigned refresh_seconds = 60);

}  // namespace npd::client

#endif  // NPD_CLIENTS_CLIENT_IDENTITY_H_
