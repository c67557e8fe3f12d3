#include "daemon/core/refusal.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/core/port_machine.h"
#include "daemon/core/string_view_compat.h"
#include "daemon/core/time_convert.h"

namespace npd::core {

std::string ReasonDescription(npd::v1::ReasonCode code) {
  switch (code) {
    case npd::v1::REASON_CODE_R01_NOT_REAL_NAME:
      return "the number is not registered to a person under their real name";
    case npd::v1::REASON_CODE_R02_ABNORMAL_STATUS:
      return "the number is reported lost or suspended";
    case npd::v1::REASON_CODE_R03_ARREARS_BILLED:
      return "billed charges are unpaid";
    case npd::v1::REASON_CODE_R04_UNBILLED_NO_ARRANGEMENT:
      return "unbilled charges have no agreed payment";
    case npd::v1::REASON_CODE_R05_LOCK_IN_CONTRACT:
      return "a lock-in contract has not been released";
    case npd::v1::REASON_CODE_R06_PORT_INTERVAL_120D:
      return "the number's last port completed less than the minimum interval ago";
    case npd::v1::REASON_CODE_R07_NON_PORTABLE_RANGE:
      return "satellite, resale and IoT numbers cannot be ported";
    case npd::v1::REASON_CODE_R08_NOT_SAME_LOCAL_NETWORK:
      return "a number can only be ported within its own local network";
    case npd::v1::REASON_CODE_R09_AUTH_CODE_INVALID:
      return "the authorisation code is wrong, missing or revoked";
    case npd::v1::REASON_CODE_R10_AUTH_CODE_EXPIRED:
      return "the authorisation code has expired; request a new one";
    case npd::v1::REASON_CODE_R11_AUTH_CODE_USED:
      return "the authorisation code was already used";
    case npd::v1::REASON_CODE_R12_IDENTITY_MISMATCH:
      return "the applicant is not the holder the authorisation code was issued to";
    case npd::v1::REASON_CODE_R13_PORT_IN_PROGRESS:
      return "the number already has a port in progress";
    case npd::v1::REASON_CODE_R14_OUTSIDE_SERVICE_WINDOW:
      return "porting is not available at this time";
    case npd::v1::REASON_CODE_R99_OTHER_POLICY:
      return "other national policy";
    default:
      return "unknown reason";
  }
}

std::string ReasonNames(const std::vector<npd::v1::ReasonCode>& reasons) {
  return absl::StrJoin(reasons, ", ", [](std::string* out, npd::v1::ReasonCode code) {
    out->append(ReasonName(code));
  });
}

npd::v1::Refusal MakeRefusal(std::vector<npd::v1::ReasonCode> reasons, std::string_view note,
                             const PortPolicy& policy) {
  std::sort(reasons.begin(), reasons.end());
  reasons.erase(std::unique(reasons.begin(), reasons.end()), reasons.end());
  npd::v1::Refusal refusal;
  std::vector<std::string> parts;
  for (npd::v1::ReasonCode code : reasons) {
    refusal.add_reasons(code);
    parts.push_back(absl::StrCat(ReasonName(code), ": ", ReasonDescription(code)));
  }
  std::string text = absl::StrCat("Refused: ", absl::StrJoin(parts, "; "), ".");
  if (!note.empty()) absl::StrAppend(&text, " Note: ", AbslView(note));
  refusal.set_text(std::move(text));
  refusal.set_rule_version(policy.rule_version);
  return refusal;
}

bool WithinPortInterval(const npd::store::v1::NumberRecord& number, const PortPolicy& policy,
                        absl::Time now) {
  const google::protobuf::Timestamp& completed = number.last_port_completed_at();
  if (completed.seconds() == 0 && completed.nanos() == 0) return false;
  return now < FromProto(completed) + policy.port_interval;
}

}  // namespace npd::core
