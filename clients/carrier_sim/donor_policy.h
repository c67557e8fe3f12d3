// How the simulated donor answers a port: the configurable rules and the decision they give for one
// port. A decision is a pure function of the rules, the seed and the port id, so a restarted
// simulator decides every port exactly as before and its retried AnswerPort (same request id, same
// payload) is idempotent at npd.
#ifndef NPD_CLIENTS_CARRIER_SIM_DONOR_POLICY_H_
#define NPD_CLIENTS_CARRIER_SIM_DONOR_POLICY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "npd/v1/common.pb.h"

namespace npd::carrier_sim {

struct DonorPolicy {
  // Share of answered ports that are approved, 0 to 1. Default: 1.
  double approve_ratio = 1.0;
  // Reasons a rejection picks one from, uniformly; donor-decided codes only (R01-R05, R99).
  // Default: R03 (arrears).
  std::vector<npd::v1::ReasonCode> reject_reasons = {npd::v1::REASON_CODE_R03_ARREARS_BILLED};
  // Share of ports never answered (to exercise the donor deadline), 0 to 1. Default: 0.
  double silence_ratio = 0.0;
  // Seed of every decision. Default: 1.
  uint64_t seed = 1;
};

// INVALID_ARGUMENT when a ratio is outside 0..1, a reason is not donor-decided, or rejections are
// possible without a reason to give.
absl::Status ValidateDonorPolicy(const DonorPolicy& policy);

// What the donor does with one port.
struct DonorDecision {
  enum class Kind { kApprove, kReject, kSilence };
  Kind kind = Kind::kApprove;
  // For kReject: the one reason given.
  npd::v1::ReasonCode reason = npd::v1::REASON_CODE_UNSPECIFIED;
  // For kReject: the note for the subscriber (always set; npd requires one with R99).
  std::string note;
};

// The decision for `port_id` under `policy`: first silence (with probability silence_ratio), then
// approve (approve_ratio of the rest), else reject with one of the reasons. Pure and thread-safe;
// stable across processes, builds and platforms.
DonorDecision Decide(const DonorPolicy& policy, std::string_view port_id);

// The idempotency key of the answer to `port_id`: "sim-answer-<port_id>".
std::string AnswerRequestId(std::string_view port_id);

}  // namespace npd::carrier_sim

#endif  // NPD_CLIENTS_CARRIER_SIM_DONOR_POLICY_H_
