// npd's configuration: typed fields with defaults, filled from a TOML file, then environment
// variables, then command-line flags (flag > env > file > default), then validated as a whole.
// Every key is listed with its default and meaning in deploy/npd.toml.
#ifndef NPD_DAEMON_CONFIG_H_
#define NPD_DAEMON_CONFIG_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/core/policy.h"
#include "daemon/engine/engine.h"
#include "daemon/engine/feed_pruner.h"
#include "daemon/listener.h"
#include "daemon/outbox/grpc_outside_systems.h"
#include "daemon/outbox/outbox_dispatcher.h"
#include "daemon/service/caller_limits.h"
#include "daemon/service/connection_table.h"

namespace npd {

struct Config {
  // server.listen: address gRPC binds. Default: 127.0.0.1:50051.
  std::string listen = "127.0.0.1:50051";
  // server.port_file: when set, "host:port" actually bound is written here once serving. Default:
  // unset.
  std::string port_file;
  // server.drain_timeout: how long in-flight rpcs get at shutdown. Default: 10s.
  absl::Duration drain_timeout = absl::Seconds(10);
  // server.tls_cert, server.tls_key: npd's certificate chain and private key (PEM). npd presents
  // them to its clients and, as a TLS client, to the outside systems it calls. Default: unset.
  std::string tls_cert;
  std::string tls_key;
  // server.tls_client_ca: CA certificates (PEM) that client certificates must chain to. Setting
  // the three tls_ keys turns mutual TLS on; npd refuses to start without it unless
  // security.dev_header_identity is set. Default: unset.
  std::string tls_client_ca;
  // server.tls_crl_dir: a directory of CRLs (PEM, hashed names as `openssl rehash` makes them)
  // checked against client certificates. Default: unset (no revocation check).
  std::string tls_crl_dir;
  // server.tls_refresh_interval: how often the certificate, key and CA files are read again, so
  // that replacing them rotates credentials without a restart. Default: 60s.
  absl::Duration tls_refresh_interval = absl::Seconds(60);
  // server.handshake_timeout: a connection that has not finished its TLS handshake by then is
  // closed. Default: 10s.
  absl::Duration handshake_timeout = absl::Seconds(10);
  // server.max_connection_idle: a connection without calls for this long is closed (clients
  // reconnect transparently). Default: 30m.
  absl::Duration max_connection_idle = absl::Minutes(30);
  // server.max_connections, server.max_connections_per_ip, limits.max_connections: see
  // service::ConnectionLimitOptions.
  service::ConnectionLimitOptions connections;
  // server.accepts_per_ip_per_second: see ListenerOptions.
  ListenerOptions listener;
  // limits.requests_per_second, limits.burst, limits.max_in_flight, limits.max_streams: see
  // service::CallerLimitOptions.
  service::CallerLimitOptions caller_limits;
  // limits.refusal_delay: see service::GatekeeperOptions. Default: 100ms.
  absl::Duration refusal_delay = absl::Milliseconds(100);
  // security.dev_header_identity: development only. Plaintext gRPC, the caller named by the
  // x-npd-caller header (a principal URI). Refused unless server.listen is a loopback address and
  // the tls_ keys are unset; logged loudly. Default: false.
  bool dev_header_identity = false;
  // storage.data_dir: RocksDB directory. Default: ./var/npd.
  std::string data_dir = "./var/npd";
  // storage.block_cache_mb: RocksDB block cache. Default: 64.
  int block_cache_mb = 64;
  // storage.max_open_files: table files RocksDB keeps open (part of npd's open-file budget).
  // Default: 1024.
  int max_open_files = 1024;
  // plan.dir: directory with carriers.csv, number_blocks.csv, local_networks.csv. Default: ./data.
  std::string plan_dir = "./data";
  // security.identity_secret: HMAC key for identity and code hashes. Default: unset, then a random
  // key is created once in <data_dir>/identity.secret and reused.
  std::string identity_secret;
  // security.payee_key_file: the keys that seal payee accounts (daemon/core/payee_seal.h: lines of
  // "<id> <64 hex digits>", the last one seals new claims). Required; must lie outside data_dir
  // (a backup of the data never holds it) and be readable by npd's user only (mode 0600 or 0400).
  std::string payee_key_file;
  // engine.*: see EngineOptions.
  engine::EngineOptions engine;
  // porting.*: see core::PortPolicy.
  core::PortPolicy policy;
  // feed.heartbeat_interval: idle feed streams get a heartbeat this often. Default: 20s.
  absl::Duration heartbeat_interval = absl::Seconds(20);
  // feed.retention, feed.prune_interval: see engine::FeedPruneOptions.
  engine::FeedPruneOptions feed_prune;
  // refund.*: see core::RefundPolicy.
  core::RefundPolicy refund_policy;
  // refund.billing, refund.payment, refund.settlement, refund.sms, refund.call_timeout: where the
  // outside systems of the refund saga are. Default: none configured (steps then fail and the case
  // goes STUCK after its attempts, visibly).
  outbox::OutsideAddresses outside;
  // refund.max_in_flight: see outbox::DispatcherOptions.
  outbox::DispatcherOptions dispatcher;
  // log.level: trace, debug, info, warn, error. Default: info.
  std::string log_level = "info";
  // log.format: text or json (one JSON object per line). Default: text.
  std::string log_format = "text";
};

// Where settings come from, lowest precedence first. `flags` maps config keys ("server.listen") to
// values.
struct ConfigSources {
  std::string file;  // TOML path; empty for none
  // The TOML itself, read instead of the file when set (`file` then only names it in messages).
  // For tests and fuzzing. Default: unset.
  std::optional<std::string> file_text;
  std::map<std::string, std::string> env;    // the process environment (NPD_* variables are read)
  std::map<std::string, std::string> flags;  // key -> value
};

// Builds and validates the configuration. INVALID_ARGUMENT naming the key and the source for an
// unknown key, a value that does not parse, or one out of range; NOT_FOUND when the file does not
// exist (and no file_text is given).
absl::StatusOr<Config> LoadConfig(const ConfigSources& sources);

// The environment variable of a key: "NPD_" + upper-cased key with '.' as '_'
// (server.listen -> NPD_SERVER_LISTEN).
std::string EnvName(const std::string& key);

// Every known key, in documentation order.
std::vector<std::string> ConfigKeys();

// mutual TLS (the three server.tls_ keys), or the explicit development mode
// (security.dev_header_identity) on loopback only, with outside systems on loopback too.
// INVALID_ARGUMENT saying what to set otherwise. NpdServer::Start checks it first of all.
absl::Status CheckTransportSecurity(const Config& config);

// "key = value" lines of the effective configuration, secrets redacted.
std::string DescribeConfig(const Config& config);

}  // namespace npd

#endif  // NPD_DAEMON_CONFIG_H_
