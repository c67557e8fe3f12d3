#include "daemon/server.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <openssl/rand.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.pb.h"
#include "spdlog/spdlog.h"
#include "storage/rocks_store.h"

namespace npd {
namespace {

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

// Where the secret is kept when the configuration does not set one.
std::string IdentitySecretFile(const Config& config) {
  return (std::filesystem::path(config.data_dir) / "identity.secret").string();
}

// The configured secret, or the one kept in the data directory (created on first start, mode 0600).
absl::StatusOr<std::string> IdentitySecret(const Config& config) {
  if (!config.identity_secret.empty()) return config.identity_secret;
  const std::filesystem::path path = IdentitySecretFile(config);
  if (std::filesystem::exists(path)) {
    auto text = ReadFile(path);
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
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << secret << "\n";
    out.flush();
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", tmp));
  }
  ::chmod(tmp.c_str(), 0600);
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot create ", path.string()));
  spdlog::warn("no security.identity_secret configured: created {} (back it up with the data)",
               path.string());
  return secret;
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

absl::Status NpdServer::Start() {
  auto plan = LoadNumberPlan(config_.plan_dir);
  if (!plan.ok()) return InPhase("number plan", plan.status());
  plan_.emplace(*std::move(plan));
  spdlog::info("number plan: {} carriers from {}", plan_->carriers().size(), config_.plan_dir);

  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("storage: cannot create ", config_.data_dir, ": ", ec.message()));
  }
  auto secret = IdentitySecret(config_);
  if (!secret.ok()) return InPhase("identity secret", secret.status());
  hasher_.emplace(*secret);

  storage::RocksOptions rocks;
  rocks.path = storage::DatabaseDirOf(config_.data_dir);
  rocks.block_cache_bytes = static_cast<size_t>(config_.block_cache_mb) << 20;
  auto store = storage::OpenRocksStore(rocks);
  if (!store.ok()) return InPhase("storage", store.status());
  store_ = *std::move(store);

  hub_ = std::make_unique<service::FeedHub>(config_.heartbeat_interval);
  engine::EngineContext context{.plan = &*plan_,
                                .hasher = &*hasher_,
                                .policy = config_.policy,
                                .refund_policy = config_.refund_policy,
                                .carrier_ids = plan_->CarrierIds()};
  engine_ = std::make_unique<engine::Engine>(*store_, std::move(context), config_.engine, clock_);
  engine_->SetFeedListener([hub = hub_.get()](uint64_t head) { hub->Advance(head); });
  outside_ = std::make_unique<outbox::GrpcOutsideSystems>(config_.outside);
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

  porting_ = std::make_unique<service::PortingService>(*engine_, *store_);
  numbers_ = std::make_unique<service::NumberService>(*plan_, *store_);
  feed_ = std::make_unique<service::FeedService>(*engine_, *store_, *hub_);
  audit_ = std::make_unique<service::AuditService>(*plan_, *store_);
  refunds_ = std::make_unique<service::RefundService>(*engine_, *store_);
  operations_ = std::make_unique<service::OperationsService>(*engine_, *store_, clock_);
  history_ = std::make_unique<service::HistoryService>(*plan_, *store_);
  reports_ = std::make_unique<service::ReportService>(*plan_, *store_);
  admin_ = std::make_unique<service::AdminService>(
      *plan_, *store_, config_.identity_secret.empty() ? IdentitySecretFile(config_) : "");
  // Links the health schema so reflection can describe grpc.health.v1.Health.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config_.listen, grpc::InsecureServerCredentials(), &port);
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
  if (server_ == nullptr || port == 0) {
    Stop();
    return absl::UnavailableError(absl::StrCat("grpc: cannot listen on ", config_.listen));
  }
  server_->GetHealthCheckService()->SetServingStatus(true);
  address_ = absl::StrCat(config_.listen.substr(0, config_.listen.rfind(':')), ":", port);
  spdlog::info("npd serving on {}", address_);
  return absl::OkStatus();
}

void NpdServer::Stop() {
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
  if (store_ != nullptr) {
    spdlog::info("stopping: storage");
    store_.reset();
  }
}

}  // namespace npd
