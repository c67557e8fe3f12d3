// The API form of a stored event (npd.v1.HistoryEvent), shared by HistoryService and npctl's
// offline history (which reads a replayed store directly).
#ifndef NPD_DAEMON_CORE_HISTORY_EVENT_H_
#define NPD_DAEMON_CORE_HISTORY_EVENT_H_

#include "npd/store/v1/records.pb.h"
#include "npd/v1/history.pb.h"

namespace npd::core {

// Every field, none added or dropped.
npd::v1::HistoryEvent ToHistoryEvent(const npd::store::v1::EventRecord& event);

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_HISTORY_EVENT_H_
