#include "clients/client/identity.h"

#include <fstream>
#include <utility>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <grpcpp/support/client_interceptor.h>

#include "absl/strings/str_cat.h"

namespace npd::client {
namespace {

bool Readable(const std::string& path) { return std::ifstream(path).good(); }

// Adds the development mode's caller header to every call of a channel.
class CallerHeader final : public grpc::experimental::Interceptor {
 public:
  explicit CallerHeader(const std::string* uri) : uri_(uri) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert({kCallerHeader, *uri_});
    }
    methods->Proceed();
  }

 private:
  const std::string* uri_;
};

class CallerHeaderFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit CallerHeaderFactory(std::string uri) : uri_(std::move(uri)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* /*info*/) override {
    return new CallerHeader(&uri_);
  }

 private:
  const std::string uri_;  // outlives every interceptor: the channel owns the factory
};

}  // namespace

std::string IdentityName(std::string_view role, std::string_view person) {
  if (role == "operator") return "operator-" + std::string(person);
  return std::string(role);
}

absl::StatusOr<std::string> PrincipalUriForName(std::string_view name_view) {
  // Debian's abseil has its own string_view: work on std::string throughout.
  const std::string name(name_view);
  const std::string prefix = "spiffe://npd/";
  const auto starts = [&](const std::string& head) {
    return name.size() > head.size() && name.compare(0, head.size(), head) == 0;
  };
  const auto rest = [&](const std::string& head) { return name.substr(head.size()); };
  const std::string selfservice = "-selfservice";
  if (name.empty()) return absl::InvalidArgumentError("an identity name is required");
  if (starts("operator-")) return prefix + "operator/" + rest("operator-");
  if (name == "payment") return prefix + "payment/default";
  if (starts("payment-")) return prefix + "payment/" + rest("payment-");
  if (starts("billing-")) return prefix + "billing/" + rest("billing-");
  if (name.size() > selfservice.size() &&
      name.compare(name.size() - selfservice.size(), selfservice.size(), selfservice) == 0) {
    return prefix + "carrier/" + name.substr(0, name.size() - selfservice.size()) + "/selfservice";
  }
  if (name == "operator") {
    return absl::InvalidArgumentError(
        "the operator acts as a person: use operator-<person> (npctl: --operator PERSON)");
  }
  if (name.find_first_of("-/ ") != std::string::npos) {
    return absl::InvalidArgumentError("'" + name + "' names no npd principal");
  }
  return prefix + "carrier/" + name;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ClientCredentials(
    const ClientIdentity& identity, unsigned refresh_seconds) {
  if (identity.tls_dir.empty()) return grpc::InsecureChannelCredentials();
  const std::string ca = absl::StrCat(identity.tls_dir, "/ca.pem");
  const std::string cert = absl::StrCat(identity.tls_dir, "/", identity.name, ".pem");
  const std::string key = absl::StrCat(identity.tls_dir, "/", identity.name, ".key");
  for (const std::string& file : {ca, cert, key}) {
    if (!Readable(file)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot read ", file, ": the TLS directory needs ca.pem and ", identity.name,
          ".pem/.key for this identity (scripts/dev-pki DIR makes a development set)"));
    }
  }
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(key, cert, ca,
                                                                           refresh_seconds));
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_verify_server_certs(true);
  return grpc::experimental::TlsCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateIdentityChannel(const std::string& target,
                                                                     const ClientIdentity& identity,
                                                                     grpc::ChannelArguments args) {
  auto credentials = ClientCredentials(identity);
  if (!credentials.ok()) return credentials.status();
  if (!identity.tls_dir.empty()) return grpc::CreateCustomChannel(target, *credentials, args);
  auto uri = PrincipalUriForName(identity.name);
  if (!uri.ok()) return uri.status();
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<CallerHeaderFactory>(*std::move(uri)));
  return grpc::experimental::CreateCustomChannelWithInterceptors(target, *credentials, args,
                                                                 std::move(interceptors));
}

std::shared_ptr<grpc::ServerCredentials> MutualTlsServerCredentials(const std::string& tls_dir,
                                                                    const std::string& name,
                                                                    unsigned refresh_seconds) {
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      tls_dir + "/" + name + ".key", tls_dir + "/" + name + ".pem", tls_dir + "/ca.pem",
      refresh_seconds);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  return grpc::experimental::TlsServerCredentials(options);
}

}  // namespace npd::client
