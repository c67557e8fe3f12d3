// HistoryService: the recorded events of a number, port or refund case, read from the store without
// the writer. Who sees which events is decided here (see history.proto).
#ifndef NPD_DAEMON_SERVICE_HISTORY_SERVICE_H_
#define NPD_DAEMON_SERVICE_HISTORY_SERVICE_H_

#include "daemon/core/history_event.h"
#include "daemon/service/gatekeeper.h"
#include "npd/store/v1/records.pb.h"
#include "npd/v1/history.grpc.pb.h"
#include "storage/store.h"

namespace npd::service {

using core::ToHistoryEvent;  // the API form of a stored event

class HistoryService final : public npd::v1::HistoryService::CallbackService {
 public:
  // `gatekeeper` and `store` must outlive the service.
  HistoryService(Gatekeeper& gatekeeper, storage::Store& store)
      : gatekeeper_(gatekeeper), store_(store) {}

  // Reads on the reactor thread: one page scans at most kMaxScannedEvents of the number's events
  // (history_service.cc), in store reads of a bounded size.
  grpc::ServerUnaryReactor* GetHistory(grpc::CallbackServerContext* context,
                                       const npd::v1::GetHistoryRequest* request,
                                       npd::v1::GetHistoryResponse* response) override;

 private:
  Gatekeeper& gatekeeper_;
  storage::Store& store_;
};

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_HISTORY_SERVICE_H_
