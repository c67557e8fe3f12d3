#include "clients/carrier_sim/donor_policy.h"

#include "clients/client/enum_names.h"

namespace npd::carrier_sim {
namespace {

// FNV-1a, 64 bit: a fixed, portable hash of the port id (std::hash is neither).
uint64_t Fnv1a(std::string_view text) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

// SplitMix64: advances `state` and returns the next well-mixed value.
uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Uniform in [0, 1).
double Uniform(uint64_t& state) { return static_cast<double>(SplitMix64(state) >> 11) * 0x1.0p-53; }

bool DonorDecided(npd::v1::ReasonCode reason) {
  return (reason >= npd::v1::REASON_CODE_R01_NOT_REAL_NAME &&
          reason <= npd::v1::REASON_CODE_R05_LOCK_IN_CONTRACT) ||
         reason == npd::v1::REASON_CODE_R99_OTHER_POLICY;
}

}  // namespace

absl::Status ValidateDonorPolicy(const DonorPolicy& policy) {
  if (!(policy.approve_ratio >= 0 && policy.approve_ratio <= 1)) {
    return absl::InvalidArgumentError("--approve-ratio must be between 0 and 1");
  }
  if (!(policy.silence_ratio >= 0 && policy.silence_ratio <= 1)) {
    return absl::InvalidArgumentError("--silence-ratio must be between 0 and 1");
  }
  for (npd::v1::ReasonCode reason : policy.reject_reasons) {
    if (!DonorDecided(reason)) {
      return absl::InvalidArgumentError(client::ReasonName(reason) +
                                        " is decided by npd, not by the donor: use R01-R05 or R99");
    }
  }
  if (policy.approve_ratio < 1 && policy.reject_reasons.empty()) {
    return absl::InvalidArgumentError("rejections need --reject-reasons");
  }
  return absl::OkStatus();
}

DonorDecision Decide(const DonorPolicy& policy, std::string_view port_id) {
  uint64_t state = policy.seed ^ Fnv1a(port_id);
  const double silence = Uniform(state);
  const double approve = Uniform(state);
  const uint64_t pick = SplitMix64(state);
  DonorDecision decision;
  if (silence < policy.silence_ratio) {
    decision.kind = DonorDecision::Kind::kSilence;
  } else if (approve < policy.approve_ratio || policy.reject_reasons.empty()) {
    decision.kind = DonorDecision::Kind::kApprove;
  } else {
    decision.kind = DonorDecision::Kind::kReject;
    decision.reason = policy.reject_reasons[pick % policy.reject_reasons.size()];
    decision.note = "simulated donor refusal (" + client::ReasonName(decision.reason) + ")";
  }
  return decision;
}

std::string AnswerRequestId(std::string_view port_id) {
  return "sim-answer-" + std::string(port_id);
}

}  // namespace npd::carrier_sim
