// Which port states are live (a number has at most one such transaction) and which are terminal
// (common.proto, PortState).
#ifndef NPD_TESTS_CRASH_LOOP_PORT_STATES_H_
#define NPD_TESTS_CRASH_LOOP_PORT_STATES_H_

#include "npd/v1/common.pb.h"

namespace npd::crash_loop {

inline bool IsLive(npd::v1::PortState state) {
  switch (state) {
    case npd::v1::PORT_STATE_PENDING_DONOR:
    case npd::v1::PORT_STATE_SCHEDULED:
    case npd::v1::PORT_STATE_CUTOVER:
    case npd::v1::PORT_STATE_PARTIAL_FAILURE:
    case npd::v1::PORT_STATE_DISCONNECT_PENDING:
      return true;
    default:
      return false;
  }
}

inline bool IsTerminal(npd::v1::PortState state) {
  return state != npd::v1::PORT_STATE_UNSPECIFIED && !IsLive(state);
}

}  // namespace npd::crash_loop

#endif  // NPD_TESTS_CRASH_LOOP_PORT_STATES_H_
