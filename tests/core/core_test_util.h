// Builders and matchers shared by the core tests: local (Asia/Shanghai) times, number records,
// ports in a given state, and proto equality.
#ifndef NPD_TESTS_CORE_CORE_TEST_UTIL_H_
#define NPD_TESTS_CORE_CORE_TEST_UTIL_H_

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/core/calendar.h"
#include "daemon/core/domain_event.h"
#include "daemon/core/number_plan.h"
#include "daemon/core/port_machine.h"
#include "daemon/core/time_convert.h"
#include "npd/store/v1/records.pb.h"
#include "npd/v1/common.pb.h"

namespace npd::core::testing {

// A wall-clock time in Asia/Shanghai.
inline absl::Time Local(int year, int month, int day, int hour = 0, int minute = 0,
                        int second = 0) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, second), ShanghaiTime());
}

inline constexpr char kMsisdn[] = "13800138000";
inline constexpr char kBeijing[] = "010";
inline constexpr char kPortId[] = "P000000000042";

// Facts of a portable Beijing CMCC number.
inline NumberFacts BeijingCmccFacts() {
  NumberFacts facts;
  facts.msisdn = kMsisdn;
  facts.range_holder = "cmcc";
  facts.block = "138";
  facts.kind = BlockKind::kMobile;
  facts.portable = true;
  facts.local_network = kBeijing;
  return facts;
}

inline npd::store::v1::NumberRecord Number(const std::string& serving = "cmcc") {
  npd::store::v1::NumberRecord number;
  number.set_msisdn(kMsisdn);
  number.set_serving_carrier(serving);
  return number;
}

// A port cmcc -> cucc in `state`, submitted at `submitted`, as the machine would have left it
// there: donor deadline 1 h after submission, cutover (SCHEDULED and later) 2 h after, every
// carrier still pending in CUTOVER, closed_at for terminal states.
inline npd::v1::Port PortIn(npd::v1::PortState state, absl::Time submitted) {
  npd::v1::Port port;
  port.set_port_id(kPortId);
  port.set_msisdn(kMsisdn);
  port.set_state(state);
  port.set_donor("cmcc");
  port.set_recipient("cucc");
  port.set_range_holder("cmcc");
  port.set_local_network(kBeijing);
  port.set_channel(npd::v1::CHANNEL_HALL);
  *port.mutable_submitted_at() = ToProto(submitted);
  *port.mutable_donor_deadline_at() = ToProto(submitted + absl::Hours(1));
  port.set_version(3);
  port.set_kind(npd::v1::PORT_KIND_PORT);
  const bool broadcast = state == npd::v1::PORT_STATE_CUTOVER ||
                         state == npd::v1::PORT_STATE_PARTIAL_FAILURE ||
                         state == npd::v1::PORT_STATE_COMPLETED;
  if (state == npd::v1::PORT_STATE_SCHEDULED || broadcast) {
    *port.mutable_answered_at() = ToProto(submitted + absl::Minutes(30));
    *port.mutable_cutover_at() = ToProto(submitted + absl::Hours(2));
  }
  if (state == npd::v1::PORT_STATE_CUTOVER || state == npd::v1::PORT_STATE_PARTIAL_FAILURE) {
    for (const char* carrier : {"cmcc", "ctcc", "cucc"}) port.add_pending_confirmations(carrier);
    port.set_routing_sequence(7);
  }
  if (state == npd::v1::PORT_STATE_CUTOVER) {
    *port.mutable_ack_deadline_at() = ToProto(submitted + absl::Hours(2) + absl::Minutes(15));
  }
  if (state == npd::v1::PORT_STATE_PARTIAL_FAILURE) port.set_resend_count(1);
  if (state == npd::v1::PORT_STATE_COMPLETED) {
    for (const char* carrier : {"cmcc", "ctcc", "cucc"}) port.add_confirmed_by(carrier);
    port.set_routing_sequence(7);
  }
  if (IsTerminal(state)) *port.mutable_closed_at() = ToProto(submitted + absl::Hours(3));
  return port;
}

// The number record that goes with PortIn(state): live port set while the port is live, serving
// carrier moved to the recipient from CUTOVER on.
inline npd::store::v1::NumberRecord NumberFor(const npd::v1::Port& port) {
  npd::store::v1::NumberRecord number = Number(port.donor());
  if (IsLive(port.state())) number.set_live_port_id(port.port_id());
  if (AwaitsConfirmation(port.state()) || port.state() == npd::v1::PORT_STATE_COMPLETED ||
      port.state() == npd::v1::PORT_STATE_RETURNED) {
    number.set_serving_carrier(port.recipient());
  }
  return number;
}

inline std::vector<std::string> EventTypes(const std::vector<DomainEvent>& events) {
  std::vector<std::string> types;
  for (const auto& e : events) types.push_back(e.type);
  return types;
}

inline std::vector<npd::v1::ReasonCode> Reasons(const npd::v1::Refusal& refusal) {
  std::vector<npd::v1::ReasonCode> reasons;
  for (int r : refusal.reasons()) reasons.push_back(static_cast<npd::v1::ReasonCode>(r));
  return reasons;
}

MATCHER_P(EqualsProto, expected, "equals " + expected.ShortDebugString()) {
  *result_listener << "which is " << arg.ShortDebugString();
  return google::protobuf::util::MessageDifferencer::Equals(arg, expected);
}

inline const absl::Status& StatusOf(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER_P(StatusIs, code, "has status code " + absl::StatusCodeToString(code)) {
  *result_listener << "which is " << StatusOf(arg);
  return StatusOf(arg).code() == code;
}

MATCHER_P2(StatusIs, code, message_substring,
           "has status code " + absl::StatusCodeToString(code) + " with message containing \"" +
               std::string(message_substring) + "\"") {
  *result_listener << "which is " << StatusOf(arg);
  return StatusOf(arg).code() == code &&
         std::string(StatusOf(arg).message()).find(message_substring) != std::string::npos;
}

}  // namespace npd::core::testing

#endif  // NPD_TESTS_CORE_CORE_TEST_UTIL_H_
