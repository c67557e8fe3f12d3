// The outside systems a refund step calls (billing, payment channel, settlement ledger, SMS
// gateway), behind one asynchronous interface so the dispatcher does not know about gRPC and tests
// can substitute them.
#ifndef NPD_DAEMON_OUTBOX_OUTSIDE_SYSTEMS_H_
#define NPD_DAEMON_OUTBOX_OUTSIDE_SYSTEMS_H_

#include <functional>

#include "daemon/core/refund_machine.h"
#include "npd/store/v1/records.pb.h"

namespace npd::outbox {

class OutsideSystems {
 public:
  using Done = std::function<void(core::StepResult)>;
  virtual ~OutsideSystems() = default;

  // Makes one attempt of `entry`'s step for `refund` and calls `done` exactly once, from any
  // thread, with the result (StepResult.version is left for the caller to set). For a PAYOUT step
  // `pay` chooses Pay (true) or QueryPayout (false). Never blocks.
  virtual void Call(const npd::store::v1::RefundRecord& refund,
                    const npd::store::v1::OutboxRecord& entry, bool pay, Done done) = 0;
  // Waits until every call made has called its `done`.
  virtual void Drain() = 0;
};

}  // namespace npd::outbox

#endif  // NPD_DAEMON_OUTBOX_OUTSIDE_SYSTEMS_H_
