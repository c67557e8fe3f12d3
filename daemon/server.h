// NpdServer: npd assembled from its parts, started in named phases and stopped in reverse
// (architecture.md "Start and stop"):
//   number plan -> identity secret -> storage -> engine (timers re-armed) -> refund outbox
//   dispatcher (stored entries re-loaded) -> feed pruner -> admission (gatekeeper) -> the
//   listening socket (bound exactly) -> gRPC over mutual TLS (health, reflection).
// Stop: no new connections -> health NOT_SERVING -> feed streams end ->
// Server::Shutdown(drain deadline) -> feed pruner
// stops -> outbox stops (calls in flight finish, results written) -> writer drains and timers
// stop -> RocksDB closes. The daemon's main and in-process tests both use it.
#ifndef NPD_DAEMON_SERVER_H_
#define NPD_DAEMON_SERVER_H_

#include <memory>
#include <optional>
#include <string>

#include <grpcpp/server.h>

#include "absl/status/status.h"
#include "daemon/config.h"
#include "daemon/core/identity.h"
#include "daemon/core/number_plan.h"
#include "daemon/core/payee_seal.h"
#include "daemon/engine/clock.h"
#include "daemon/engine/engine.h"
#include "daemon/engine/feed_pruner.h"
#include "daemon/listener.h"
#include "daemon/outbox/grpc_outside_systems.h"
#include "daemon/outbox/outbox_dispatcher.h"
#include "daemon/service/admin_service.h"
#include "daemon/service/audit_service.h"
#include "daemon/service/connection_table.h"
#include "daemon/service/feed_service.h"
#include "daemon/service/gatekeeper.h"
#include "daemon/service/history_service.h"
#include "daemon/service/number_service.h"
#include "daemon/service/operations_service.h"
#include "daemon/service/porting_service.h"
#include "daemon/service/refund_service.h"
#include "daemon/service/report_service.h"
#include "storage/store.h"

namespace npd {

// Not thread-safe: Start and Stop from one thread.
class NpdServer {
 public:
  // `clock` must outlive the server.
  NpdServer(Config config, const engine::Clock& clock);
  ~NpdServer();

  // Runs every start-up phase. On error, what started is stopped again and the error names the
  // phase.
  absl::Status Start();
  // Idempotent.
  void Stop();

  // "host:port" actually bound (valid after Start).
  const std::string& address() const { return address_; }
  // The store (valid after Start), for in-process tests that check what was or was not written.
  storage::Store& store() { return *store_; }
  // The connections npd accepted (valid after Start), for tests of its caps.
  const service::ConnectionTable& connections() const { return *connections_; }

 private:
  const Config config_;
  const engine::Clock& clock_;
  std::optional<core::NumberPlan> plan_;
  std::optional<core::IdentityHasher> hasher_;
  std::optional<core::PayeeKeyRing> payee_keys_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<service::FeedHub> hub_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<service::ConnectionTable> connections_;
  std::unique_ptr<service::Gatekeeper> gatekeeper_;
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<service::PortingService> porting_;
  std::unique_ptr<service::NumberService> numbers_;
  std::unique_ptr<service::FeedService> feed_;
  std::unique_ptr<service::AuditService> audit_;
  std::unique_ptr<service::RefundService> refunds_;
  std::unique_ptr<service::OperationsService> operations_;
  std::unique_ptr<service::HistoryService> history_;
  std::unique_ptr<service::ReportService> reports_;
  std::unique_ptr<service::AdminService> admin_;
  std::unique_ptr<outbox::GrpcOutsideSystems> outside_;
  std::unique_ptr<outbox::OutboxDispatcher> dispatcher_;
  std::unique_ptr<engine::FeedPruner> pruner_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

// Reads carriers.csv, number_blocks.csv and local_networks.csv from `dir`.
absl::StatusOr<core::NumberPlan> LoadNumberPlan(const std::string& dir);

}  // namespace npd

#endif  // NPD_DAEMON_SERVER_H_
