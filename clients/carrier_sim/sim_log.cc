#include "clients/carrier_sim/sim_log.h"

#include <atomic>
#include <iostream>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "clients/client/status_names.h"

namespace npd::carrier_sim {
namespace {

absl::Mutex log_mu;
std::string& Prefix() ABSL_EXCLUSIVE_LOCKS_REQUIRED(log_mu) {
  static std::string* prefix = new std::string("npd-carrier-sim: ");
  return *prefix;
}
std::atomic<bool> verbose{false};

}  // namespace

void SetLogCarrier(std::string_view carrier) {
  absl::MutexLock lock(&log_mu);
  Prefix() = "npd-carrier-sim[" + std::string(carrier) + "]: ";
}

void SetLogVerbose(bool on) { verbose = on; }

void Log(std::string_view text) {
  absl::MutexLock lock(&log_mu);
  std::cerr << Prefix() << text << std::endl;
}

void LogDetail(std::string_view text) {
  if (verbose) Log(text);
}

std::string StatusText(const grpc::Status& status) {
  return client::StatusCodeName(status.error_code()) + ": " + status.error_message();
}

absl::Status FromGrpc(const grpc::Status& status, std::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      std::string(what) + ": " + StatusText(status));
}

}  // namespace npd::carrier_sim
