// NumberService: routing lookups, answered from the store without the writer.
#ifndef NPD_DAEMON_SERVICE_NUMBER_SERVICE_H_
#define NPD_DAEMON_SERVICE_NUMBER_SERVICE_H_

#include "absl/status/statusor.h"
#include "daemon/core/number_plan.h"
#include "daemon/service/gatekeeper.h"
#include "npd/v1/number.grpc.pb.h"
#include "storage/store.h"

namespace npd::service {

// Routing facts of one number: the plan's facts overlaid with the stored record and live port.
// INVALID_ARGUMENT for a malformed number or one outside the plan.
absl::StatusOr<npd::v1::NumberInfo> DescribeNumber(const core::NumberPlan& plan,
                                                   storage::Store& store, std::string_view msisdn);

class NumberService final : public npd::v1::NumberService::CallbackService {
 public:
  // `plan` and `store` must outlive the service.
  NumberService(const core::NumberPlan& plan, Gatekeeper& gatekeeper, storage::Store& store)
      : plan_(plan), gatekeeper_(gatekeeper), store_(store) {}

  grpc::ServerUnaryReactor* Lookup(grpc::CallbackServerContext* context,
                                   const npd::v1::LookupRequest* request,
                                   npd::v1::LookupResponse* response) override;
  grpc::ServerUnaryReactor* BatchLookup(grpc::CallbackServerContext* context,
                                        const npd::v1::BatchLookupRequest* request,
                                        npd::v1::BatchLookupResponse* response) override;

 private:
  const core::NumberPlan& plan_;
  Gatekeeper& gatekeeper_;
  storage::Store& store_;
};

}  // namespace npd::service

#endif  // NPD_DAEMON_SERVICE_NUMBER_SERVICE_H_
