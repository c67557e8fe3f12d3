#include "daemon/server.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <openssl/rand.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpc/health/v1/health.pb.h"
#include "spdlog/spdlog.h"
#include "storage/rocks_store.h"

namespace npd {
namespace {

// Open files npd needs besides connections and RocksDB's tables: the WAL and logs, the epoll and
// wake-up descriptors of gRPC and Asio, outbound channels to outside systems.
constexpr uint64_t kReservedFiles = 512;
// The largest request any rpc takes (CompareBlocks, authorization.cc) plus framing; each rpc's own
// limit is checked at admission.
constexpr int kMaxReceiveBytes = 4 * 1024 * 1024 + 64 * 1024;
// HTTP/2 streams one connection may have open. gRPC serves incoming calls in arrival order, so
// this bounds how many calls of one connection another caller can be queued behind; a client that
// needs more concurrency opens more connections (capped per principal, limits.max_connections).
constexpr int kMaxStreamsPerConnection = 32;

absl::StatusOr<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::Status InPhase(const char* phase, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(phase, ": ", status.message()));
}

// Writes `contents` to `path` atomically, created with mode 0600 from the start (never readable by
// others, not even for a moment), synced before it is renamed into place.
absl::Status WriteSecretFile(const std::string& path, const std::string& contents) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("cannot create ", tmp));
  const bool written =
      ::write(fd, contents.data(), contents.size()) == static_cast<ssize_t>(contents.size()) &&
      ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

// The data directory: created 0700 when missing; refused when group or others may access it
// (it holds identity hashes, encrypted payee accounts and the identity secret).
absl::Status PrepareDataDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || ::chmod(dir.c_str(), 0700) != 0) {
      return absl::UnavailableError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(dir, " is not a directory"));
  }
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s has mode %04o: group and others must have no access to npd's data (chmod 700 %s)", dir,
        st.st_mode & 07777, dir));
  }
  return absl::OkStatus();
}

// The contents of secret file `path` (`what` names it in errors): INVALID_ARGUMENT when it cannot
// be read, FAILED_PRECONDITION when group or others may access it.
absl::StatusOr<std::string> ReadPrivateFile(const std::string& path, const char* what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(what, path, " cannot be read"));
  }
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s%s has mode %04o: only npd's user may read it (chmod 600 %s)", what,
                        path, st.st_mode & 07777, path));
  }
  return ReadFile(path);
}

// Where the secret is kept when the configuration does not set one.
std::string IdentitySecretFile(const Config& config) {
  return (std::filesystem::path(config.data_dir) / "identity.secret").string();
}

// The configured secret, or the one kept in the data directory (created on first start, mode 0600).
absl::StatusOr<std::string> IdentitySecret(const Config& config) {
  if (!config.identity_secret.empty()) return config.identity_secret;
  const std::filesystem::path path = IdentitySecretFile(config);
  if (std::filesystem::exists(path)) {
    auto text = ReadPrivateFile(path.string(), "");
    if (!text.ok()) return text.status();
    std::string secret(absl::StripAsciiWhitespace(*text));
    if (secret.empty()) return absl::DataLossError(absl::StrCat(path.string(), " is empty"));
    return secret;
  }
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::UnavailableError("the random number generator failed");
  }
  const std::string secret = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
  if (auto s = WriteSecretFile(path.string(), secret + "\n"); !s.ok()) return s;
  spdlog::warn("no security.identity_secret configured: created {} (back it up with the data)",
               path.string());
  return secret;
}

// security.payee_key_file: required, outside the data directory, npd's user's only.
absl::StatusOr<core::PayeeKeyRing> LoadPayeeKeys(const Config& config) {
  const std::string& file = config.payee_key_file;
  if (file.empty()) {
    return absl::InvalidArgumentError(
        "security.payee_key_file is not set: npd seals payee accounts with a key kept outside the "
        "data directory (scripts/dev-pki DIR writes a development one as DIR/payee.key)");
  }
  std::error_code key_error;
  std::error_code data_error;
  const std::filesystem::path key = std::filesystem::weakly_canonical(file, key_error);
  std::filesystem::path data = std::filesystem::weakly_canonical(config.data_dir, data_error);
  if (data.has_parent_path() && data.filename().empty()) data = data.parent_path();  // "dir/"
  if (!key_error && !data_error &&
      std::mismatch(data.begin(), data.end(), key.begin(), key.end()).first == data.end()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "security.payee_key_file ", file, " lies inside storage.data_dir ", config.data_dir,
        ": keep it elsewhere, so that no copy of the data holds the key"));
  }
  auto text = ReadPrivateFile(file, "security.payee_key_file ");
  if (!text.ok()) return text.status();
  auto ring = core::PayeeKeyRing::Parse(*text);
  if (!ring.ok()) {
    return absl::Status(ring.status().code(), absl::StrCat("security.payee_key_file ", file, ": ",
                                                           ring.status().message()));
  }
  return ring;
}

}  // namespace

absl::StatusOr<core::NumberPlan> LoadNumberPlan(const std::string& dir) {
  auto carriers = ReadFile(std::filesystem::path(dir) / "carriers.csv");
  if (!carriers.ok()) return carriers.status();
  auto blocks = ReadFile(std::filesystem::path(dir) / "number_blocks.csv");
  if (!blocks.ok()) return blocks.status();
  auto networks = ReadFile(std::filesystem::path(dir) / "local_networks.csv");
  if (!networks.ok()) return networks.status();
  return core::NumberPlan::Parse(*carriers, *blocks, *networks);
}

NpdServer::NpdServer(Config config, const engine::Clock& clock)
    : config_(std::move(config)), clock_(clock) {}

NpdServer::~NpdServer() { Stop(); }

namespace {

// The server side of mutual TLS: npd's certificate and key, client certificates required and
// verified against the client CA (and the CRLs, when configured); all three files re-read every
// tls_refresh_interval, so replacing them rotates credentials without a restart.
std::shared_ptr<grpc::ServerCredentials> ServerCredentials(const Config& config) {
  if (config.dev_header_identity) return grpc::InsecureServerCredentials();
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      config.tls_key, config.tls_cert, config.tls_client_ca,
      static_cast<unsigned>(absl::ToInt64Seconds(config.tls_refresh_interval)));
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  if (!config.tls_crl_dir.empty()) options.set_crl_directory(config.tls_crl_dir);
  return grpc::experimental::TlsServerCredentials(options);
}

// Each PEM file must exist and be readable now: gRPC's file watcher would otherwise only log.
absl::Status CheckTlsFiles(const Config& config) {
  for (const auto& [key, path] : {std::pair{"server.tls_cert", &config.tls_cert},
                                  std::pair{"server.tls_key", &config.tls_key},
                                  std::pair{"server.tls_client_ca", &config.tls_client_ca}}) {
    auto text = ReadFile(*path);
    if (!text.ok() || text->find("-----BEGIN ") == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(key, ": ", *path, " is not a readable PEM file"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status NpdServer::Start() {
  // Everything npd creates (store files, secrets, checkpoints) is for its own user only.
  ::umask(077);
  if (auto s = CheckTransportSecurity(config_); !s.ok()) return InPhase("security", s);
  if (config_.dev_header_identity) {
    spdlog::warn(
        "DEVELOPMENT MODE: security.dev_header_identity is on. npd serves plaintext "
        "gRPC on {} and believes whatever identity the x-npd-caller header claims. "
        "Never run it like this outside a development machine.",
        config_.listen);
  } else if (auto s = CheckTlsFiles(config_); !s.ok()) {
    return InPhase("security", s);
  }
  auto files = RaiseOpenFileLimit();
  if (!files.ok()) return InPhase("open files", files.status());
  const uint64_t needed = static_cast<uint64_t>(config_.connections.max_connections) +
                          static_cast<uint64_t>(config_.max_open_files) + kReservedFiles;
  if (*files < needed) {
    return absl::FailedPreconditionError(absl::StrCat(
        "open files: the limit is ", *files, ", but server.max_connections (",
        config_.connections.max_connections, ") + storage.max_open_files (", config_.max_open_files,
        ") + ", kReservedFiles, " for npd itself need ", needed,
        ": raise the limit (LimitNOFILE= in the unit, ulimit -n) or lower those keys"));
  }

  auto plan = LoadNumberPlan(config_.plan_dir);
  if (!plan.ok()) return InPhase("number plan", plan.status());
  plan_.emplace(*std::move(plan));
  spdlog::info("number plan: {} carriers from {}", plan_->carriers().size(), config_.plan_dir);

  if (auto s = PrepareDataDir(config_.data_dir); !s.ok()) return InPhase("storage", s);
  auto secret = IdentitySecret(config_);
  if (!secret.ok()) return InPhase("identity secret", secret.status());
  hasher_.emplace(*secret);
  auto payee_keys = LoadPayeeKeys(config_);
  if (!payee_keys.ok()) return InPhase("payee keys", payee_keys.status());
  payee_keys_.emplace(*std::move(payee_keys));

  storage::RocksOptions rocks;
  rocks.path = storage::DatabaseDirOf(config_.data_dir);
  rocks.block_cache_bytes = static_cast<size_t>(config_.block_cache_mb) << 20;
  rocks.max_open_files = config_.max_open_files;
  auto store = storage::OpenRocksStore(rocks);
  if (!store.ok()) return InPhase("storage", store.status());
  store_ = *std::move(store);

  hub_ = std::make_unique<service::FeedHub>(config_.heartbeat_interval);
  engine::EngineContext context{.plan = &*plan_,
                                .hasher = &*hasher_,
                                .policy = config_.policy,
                                .refund_policy = config_.refund_policy,
                                .carrier_ids = plan_->CarrierIds(),
                                .payee_keys = &*payee_keys_};
  engine_ = std::make_unique<engine::Engine>(*store_, std::move(context), config_.engine, clock_);
  engine_->SetFeedListener([hub = hub_.get()](uint64_t head) { hub->Advance(head); });
  outbox::OutsideAddresses outside = config_.outside;
  outside.payee_keys = &*payee_keys_;
  if (!config_.dev_header_identity) {
    // npd is a TLS client of the outside systems, with its own certificate.
    outside.tls_cert = config_.tls_cert;
    outside.tls_key = config_.tls_key;
    if (outside.tls_ca.empty()) outside.tls_ca = config_.tls_client_ca;
    outside.tls_refresh_interval = config_.tls_refresh_interval;
  }
  outside_ = std::make_unique<outbox::GrpcOutsideSystems>(std::move(outside));
  dispatcher_ = std::make_unique<outbox::OutboxDispatcher>(*store_, *engine_, *outside_, clock_,
                                                           config_.dispatcher);
  engine_->SetOutboxListener(dispatcher_->Listener());
  if (auto s = engine_->Start(); !s.ok()) {
    Stop();
    return InPhase("engine", s);
  }
  if (auto s = dispatcher_->Start(); !s.ok()) {
    Stop();
    return InPhase("outbox", s);
  }
  hub_->Advance(engine_->FeedHead());
  pruner_ = std::make_unique<engine::FeedPruner>(*engine_, config_.feed_prune);
  pruner_->Start();

  connections_ =
      std::make_unique<service::ConnectionTable>(config_.connections, &Listener::StillConnected);
  gatekeeper_ = std::make_unique<service::Gatekeeper>(
      service::GatekeeperOptions{.dev_header_identity = config_.dev_header_identity,
                                 .limits = config_.caller_limits,
                                 .refusal_delay = config_.refusal_delay},
      *plan_, connections_.get());
  porting_ = std::make_unique<service::PortingService>(*engine_, *gatekeeper_, *store_);
  numbers_ = std::make_unique<service::NumberService>(*plan_, *gatekeeper_, *store_);
  feed_ = std::make_unique<service::FeedService>(*engine_, *gatekeeper_, *store_, *hub_);
  audit_ = std::make_unique<service::AuditService>(*plan_, *gatekeeper_, *store_);
  refunds_ = std::make_unique<service::RefundService>(*engine_, *gatekeeper_, *store_);
  operations_ =
      std::make_unique<service::OperationsService>(*engine_, *gatekeeper_, *store_, clock_);
  history_ = std::make_unique<service::HistoryService>(*gatekeeper_, *store_);
  reports_ = std::make_unique<service::ReportService>(*plan_, *gatekeeper_, *store_);
  admin_ = std::make_unique<service::AdminService>(
      *gatekeeper_, *store_, config_.identity_secret.empty() ? IdentitySecretFile(config_) : "");
  for (const char* name :
       {npd::v1::PortingService::service_full_name(), npd::v1::NumberService::service_full_name(),
        npd::v1::RoutingFeedService::service_full_name(),
        npd::v1::AuditService::service_full_name(), npd::v1::RefundService::service_full_name(),
        npd::v1::OperationsService::service_full_name(),
        npd::v1::HistoryService::service_full_name(), npd::v1::ReportService::service_full_name(),
        npd::v1::AdminService::service_full_name()}) {
    const auto* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    absl::Status s = descriptor == nullptr
                         ? absl::InternalError(absl::StrCat("no descriptor of ", name))
                         : service::CheckMatrixCovers(*descriptor);
    if (!s.ok()) {
      Stop();
      return InPhase("authorization", s);
    }
  }

  auto listener = Listener::Bind(config_.listen, config_.listener, *connections_);
  if (!listener.ok()) {
    Stop();
    return InPhase("grpc", listener.status());
  }
  listener_ = *std::move(listener);
  // Links the health schema so reflection can describe grpc.health.v1.Health.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  auto acceptor = builder.experimental().AddExternalConnectionAcceptor(
      grpc::ServerBuilder::experimental_type::ExternalConnectionType::FROM_FD,
      ServerCredentials(config_));
  builder.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  builder.AddChannelArgument(
      GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS,
      static_cast<int>(absl::ToInt64Milliseconds(config_.handshake_timeout)));
  builder.AddChannelArgument(
      GRPC_ARG_MAX_CONNECTION_IDLE_MS,
      static_cast<int>(absl::ToInt64Milliseconds(config_.max_connection_idle)));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, kMaxStreamsPerConnection);
  builder.RegisterService(porting_.get());
  builder.RegisterService(numbers_.get());
  builder.RegisterService(feed_.get());
  builder.RegisterService(audit_.get());
  builder.RegisterService(refunds_.get());
  builder.RegisterService(operations_.get());
  builder.RegisterService(history_.get());
  builder.RegisterService(reports_.get());
  builder.RegisterService(admin_.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr) {
    Stop();
    return absl::UnavailableError(absl::StrCat("grpc: cannot start serving on ", config_.listen));
  }
  listener_->Start(std::move(acceptor));
  server_->GetHealthCheckService()->SetServingStatus(true);
  address_ = listener_->address();
  spdlog::info("npd serving on {} ({})", address_,
               config_.dev_header_identity ? "PLAINTEXT, header identity" : "mutual TLS");
  return absl::OkStatus();
}

void NpdServer::Stop() {
  if (listener_ != nullptr) listener_->Stop();       // no new connections from here on
  if (gatekeeper_ != nullptr) gatekeeper_->Drain();  // held refusals are answered now
  if (server_ != nullptr) {
    spdlog::info("stopping: grpc (health NOT_SERVING, feed streams end, drain {})",
                 absl::FormatDuration(config_.drain_timeout));
    server_->GetHealthCheckService()->SetServingStatus(false);
    hub_->Drain();
    server_->Shutdown(std::chrono::system_clock::now() +
                      absl::ToChronoMilliseconds(config_.drain_timeout));
    server_->Wait();
    server_.reset();
  }
  operations_.reset();
  history_.reset();
  admin_.reset();
  reports_.reset();
  refunds_.reset();
  audit_.reset();
  feed_.reset();
  numbers_.reset();
  pruner_.reset();
  porting_.reset();
  if (dispatcher_ != nullptr) {
    spdlog::info("stopping: outbox (calls in flight finish)");
    dispatcher_->Stop();
    dispatcher_.reset();
  }
  outside_.reset();
  if (engine_ != nullptr) {
    spdlog::info("stopping: engine (writer drains, timers stop)");
    engine_->Stop();
    engine_.reset();
  }
  hub_.reset();
  gatekeeper_.reset();
  connections_.reset();
  listener_.reset();
  if (store_ != nullptr) {
    spdlog::info("stopping: storage");
    store_.reset();
  }
}

}  // namespace npd
