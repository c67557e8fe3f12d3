// Every transition npd acknowledged to the crash loop's clients (an OK reply to SubmitPort,
// DisconnectNumber or ResendRouting): the port, the state and the version the reply carried. npd
// promises that nothing is acknowledged before it is durable, so after any SIGKILL each of these
// must still be there (same version and state, or a later version).
#ifndef NPD_TESTS_CRASH_LOOP_ACK_LEDGER_H_
#define NPD_TESTS_CRASH_LOOP_ACK_LEDGER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "npd/v1/porting.pb.h"

namespace npd::crash_loop {

struct AckedTransition {
  std::string rpc;  // "SubmitPort", "DisconnectNumber", "ResendRouting"
  std::string port_id;
  std::string msisdn;
  npd::v1::PortState state = npd::v1::PORT_STATE_UNSPECIFIED;
  int64_t version = 0;
};

// Counts of what was acknowledged, for the summary.
struct AckCounts {
  int64_t transitions = 0;
  int64_t ports_submitted = 0;      // SubmitPort acknowledged PENDING_DONOR
  int64_t ports_refused = 0;        // SubmitPort acknowledged REJECTED (npd's own rules)
  int64_t returns = 0;              // DisconnectNumber acknowledged
  int64_t resends = 0;              // ResendRouting acknowledged
};

// Thread-safe.
class AckLedger {
 public:
  // Records the port of an OK reply to `rpc`.
  void Record(const std::string& rpc, const npd::v1::Port& port);
  std::vector<AckedTransition> All() const;
  AckCounts counts() const;

 private:
  mutable absl::Mutex mu_;
  std::vector<AckedTransition> acked_ ABSL_GUARDED_BY(mu_);
  AckCounts counts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace npd::crash_loop

#endif  // NPD_TESTS_CRASH_LOOP_ACK_LEDGER_H_
