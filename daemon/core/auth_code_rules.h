// Issuing and expiring authorisation codes: pure functions of (number state, command, now).
#ifndef NPD_DAEMON_CORE_AUTH_CODE_RULES_H_
#define NPD_DAEMON_CORE_AUTH_CODE_RULES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/core/domain_event.h"
#include "daemon/core/number_plan.h"
#include "daemon/core/policy.h"
#include "npd/store/v1/records.pb.h"
#include "npd/v1/common.pb.h"

namespace npd::core {

// A donor asks for a code. The code itself is drawn outside core (CSPRNG) and arrives hashed.
struct IssueAuthCodeCommand {
  std::string issuer;       // authenticated carrier id
  std::string code_hash;    // IdentityHasher::HashAuthCode(msisdn, code)
  std::string holder_hash;  // IdentityHasher::HashIdentity(holder)
};

struct IssueAuthCodeOutcome {
  bool issued = false;
  npd::v1::Refusal refusal;             // set when !issued: R06, R07, R13 that applied, in code order
  npd::store::v1::NumberRecord number;  // the number afterwards (unchanged when refused)
  absl::Time expires_at;                // when issued
  std::vector<DomainEvent> events;      // AUTH_CODE_ISSUED (and AUTH_CODE_REVOKED for a replaced code)
                                        // or AUTH_CODE_REFUSED
  std::optional<npd::store::v1::TimerRecord> expiry_timer;  // when issued
};

// `number` is the stored record, or one synthesised with serving_carrier = range holder for a number
// without a record. PERMISSION_DENIED when the issuer is not the number's serving carrier. Otherwise a
// refusal with reasons, or a new ACTIVE code (generation + 1) replacing any previous one.
absl::StatusOr<IssueAuthCodeOutcome> IssueAuthCode(const NumberFacts& facts,
                                                   const npd::store::v1::NumberRecord& number,
                                                   const IssueAuthCodeCommand& command,
                                                   const PortPolicy& policy, absl::Time now);

// The expiry timer of code `generation` fired. Returns the number with the code EXPIRED and an
// AUTH_CODE_EXPIRED event, or FAILED_PRECONDITION when that code is no longer ACTIVE (used, replaced,
// revoked) or not yet due: the timer is then stale and the caller drops it.
struct AuthCodeExpiryOutcome {
  npd::store::v1::NumberRecord number;
  std::vector<DomainEvent> events;
};
absl::StatusOr<AuthCodeExpiryOutcome> ExpireAuthCode(const npd::store::v1::NumberRecord& number,
                                                     int64_t generation, absl::Time now);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_AUTH_CODE_RULES_H_
