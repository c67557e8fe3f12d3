// The ListPorts filter both stores apply (internal to storage/).
#ifndef NPD_STORAGE_PORT_FILTER_H_
#define NPD_STORAGE_PORT_FILTER_H_

#include "npd/store/v1/records.pb.h"
#include "storage/store.h"

namespace npd::storage {

// True when `record` satisfies every non-empty field of `query` other than paging: same msisdn;
// carrier is the donor or the recipient; same state.
inline bool PortMatches(const PortQuery& query, const npd::store::v1::PortRecord& record) {
  const npd::v1::Port& port = record.port();
  if (!query.msisdn.empty() && port.msisdn() != query.msisdn) return false;
  if (!query.carrier.empty() && port.donor() != query.carrier &&
      port.recipient() != query.carrier) {
    return false;
  }
  return query.state == npd::v1::PORT_STATE_UNSPECIFIED || port.state() == query.state;
}

}  // namespace npd::storage

#endif  // NPD_STORAGE_PORT_FILTER_H_
