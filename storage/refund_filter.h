// The ListRefunds filter both stores apply (internal to storage/).
#ifndef NPD_STORAGE_REFUND_FILTER_H_
#define NPD_STORAGE_REFUND_FILTER_H_

#include "npd/store/v1/records.pb.h"
#include "storage/store.h"

namespace npd::storage {

// True when `record` satisfies every non-empty field of `query` other than paging: same msisdn;
// carrier is the donor; same state; same home province.
inline bool RefundMatches(const RefundQuery& query, const npd::store::v1::RefundRecord& record) {
  const npd::v1::Refund& refund = record.refund();
  if (!query.msisdn.empty() && refund.msisdn() != query.msisdn) return false;
  if (!query.carrier.empty() && refund.donor() != query.carrier) return false;
  if (query.state != npd::v1::REFUND_STATE_UNSPECIFIED && refund.state() != query.state) {
    return false;
  }
  return query.home_province.empty() || refund.home_province() == query.home_province;
}

}  // namespace npd::storage

#endif  // NPD_STORAGE_REFUND_FILTER_H_
