// The soak's porting load: client threads take every drawn number through a port (the donor issues
// an authorisation code, the recipient submits, the donor approves; cutover is immediate), and a
// confirmer thread confirms the feed's head as every carrier, so each port COMPLETES and npd opens
// its refund case. Each step's request_id is fixed per number ("soak-<msisdn>-submit"), so a call
// repeated after a kill replays npd's stored answer instead of acting twice.
#ifndef NPD_TESTS_REFUND_SOAK_PORT_DRIVER_H_
#define NPD_TESTS_REFUND_SOAK_PORT_DRIVER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "tests/refund_soak/soak_numbers.h"

namespace npd::refund_soak {

class PortDriver {
 public:
  // `numbers` outlives this. `clients` threads port; one more confirms.
  PortDriver(std::string address, const SoakNumbers& numbers, int clients);
  ~PortDriver();  // Stop()

  void Start();
  // Stops every thread after its current attempt and joins. Idempotent.
  void Stop();

  // Ports approved by the donor (each number once).
  int64_t approved() const { return approved_; }
  // True once every number's port was approved or failed (an error).
  bool porting_done() const { return finished_ == static_cast<int64_t>(numbers_.all().size()); }
  // Calls repeated because npd was down.
  int64_t retries() const { return retries_; }
  // The port id of each approved number.
  std::map<std::string, std::string> port_ids() const;
  // npd answers other than "down" that a valid step must not get, one line each.
  std::vector<std::string> errors() const;

 private:
  void PortAll(size_t first, size_t step);
  void PortOne(const SoakNumber& number);
  void ConfirmLoop();
  void Error(std::string line);

  const std::string address_;
  const SoakNumbers& numbers_;
  const int clients_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> approved_{0};
  std::atomic<int64_t> finished_{0};
  std::atomic<int64_t> retries_{0};
  mutable absl::Mutex mu_;
  std::map<std::string, std::string> port_ids_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> errors_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

}  // namespace npd::refund_soak

#endif  // NPD_TESTS_REFUND_SOAK_PORT_DRIVER_H_
