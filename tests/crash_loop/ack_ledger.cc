#include "tests/crash_loop/ack_ledger.h"

namespace npd::crash_loop {

void AckLedger::Record(const std::string& rpc, const npd::v1::Port& port) {
  absl::MutexLock lock(&mu_);
  acked_.push_back({rpc, port.port_id(), port.msisdn(), port.state(), port.version()});
  ++counts_.transitions;
  if (rpc == "SubmitPort") {
    ++(port.state() == npd::v1::PORT_STATE_REJECTED ? counts_.ports_refused
                                                     : counts_.ports_submitted);
  } else if (rpc == "DisconnectNumber") {
    ++counts_.returns;
  } else if (rpc == "ResendRouting") {
    ++counts_.resends;
  }
}

std::vector<AckedTransition> AckLedger::All() const {
  absl::MutexLock lock(&mu_);
  return acked_;
}

AckCounts AckLedger::counts() const {
  absl::MutexLock lock(&mu_);
  return counts_;
}

}  // namespace npd::crash_loop
