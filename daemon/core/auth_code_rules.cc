#include "daemon/core/auth_code_rules.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/core/record_builders.h"
#include "daemon/core/refusal.h"
#include "daemon/core/time_convert.h"

namespace npd::core {

using npd::store::v1::AUTH_CODE_STATE_ACTIVE;
using npd::store::v1::AUTH_CODE_STATE_EXPIRED;
using npd::store::v1::AuthCode;

absl::StatusOr<IssueAuthCodeOutcome> IssueAuthCode(const NumberFacts& facts,
                                                   const npd::store::v1::NumberRecord& number,
                                                   const IssueAuthCodeCommand& command,
                                                   const PortPolicy& policy, absl::Time now) {
  if (command.issuer.empty() || command.issuer != number.serving_carrier()) {
    return absl::PermissionDeniedError(
        "only the carrier serving the number can issue its authorisation code");
  }
  IssueAuthCodeOutcome outcome;
  outcome.number = number;
  if (outcome.number.msisdn().empty()) outcome.number.set_msisdn(facts.msisdn);

  std::vector<npd::v1::ReasonCode> reasons;
  if (WithinPortInterval(number, policy, now)) {
    reasons.push_back(npd::v1::REASON_CODE_R06_PORT_INTERVAL_120D);
  }
  if (!facts.portable) reasons.push_back(npd::v1::REASON_CODE_R07_NON_PORTABLE_RANGE);
  if (!number.live_port_id().empty()) reasons.push_back(npd::v1::REASON_CODE_R13_PORT_IN_PROGRESS);
  if (!reasons.empty()) {
    outcome.refusal = MakeRefusal(reasons, "", policy);
    outcome.events.push_back(DomainEvent{
        .type = "AUTH_CODE_REFUSED",
        .detail = absl::StrCat("no code issued: ", ReasonNames(reasons)),
    });
    return outcome;
  }

  const AuthCode& previous = number.auth_code();
  if (previous.state() == AUTH_CODE_STATE_ACTIVE) {
    outcome.events.push_back(DomainEvent{
        .type = "AUTH_CODE_REVOKED",
        .detail =
            absl::StrCat("code generation ", previous.generation(), " replaced by a new code"),
    });
  }
  AuthCode code;
  code.set_code_hash(command.code_hash);
  code.set_holder_identity_hash(command.holder_hash);
  code.set_issued_by(command.issuer);
  *code.mutable_issued_at() = ToProto(now);
  *code.mutable_expires_at() = ToProto(now + policy.auth_code_ttl);
  code.set_state(AUTH_CODE_STATE_ACTIVE);
  code.set_failed_attempts(0);
  code.set_generation(previous.generation() + 1);

  outcome.issued = true;
  outcome.expires_at = FromProto(code.expires_at());
  outcome.events.push_back(DomainEvent{
      .type = "AUTH_CODE_ISSUED",
      .detail = absl::StrCat("code generation ", code.generation(), " issued by ", command.issuer,
                             ", valid until ", LocalTimeText(outcome.expires_at)),
  });
  outcome.expiry_timer = MakeTimer(npd::store::v1::TIMER_KIND_AUTH_CODE_EXPIRY, outcome.expires_at,
                                   outcome.number.msisdn(), "", code.generation());
  *outcome.number.mutable_auth_code() = std::move(code);
  return outcome;
}

absl::StatusOr<AuthCodeExpiryOutcome> ExpireAuthCode(const npd::store::v1::NumberRecord& number,
                                                     int64_t generation, absl::Time now) {
  const AuthCode& code = number.auth_code();
  if (code.state() != AUTH_CODE_STATE_ACTIVE || code.generation() != generation) {
    return absl::FailedPreconditionError(
        absl::StrCat("code generation ", generation, " is no longer active"));
  }
  if (now < FromProto(code.expires_at())) {
    return absl::FailedPreconditionError(absl::StrCat("code generation ", generation,
                                                      " is not due to expire until ",
                                                      LocalTimeText(FromProto(code.expires_at()))));
  }
  AuthCodeExpiryOutcome outcome;
  outcome.number = number;
  outcome.number.mutable_auth_code()->set_state(AUTH_CODE_STATE_EXPIRED);
  outcome.events.push_back(DomainEvent{
      .type = "AUTH_CODE_EXPIRED",
      .detail = absl::StrCat("code generation ", generation, " expired"),
  });
  return outcome;
}

}  // namespace npd::core
