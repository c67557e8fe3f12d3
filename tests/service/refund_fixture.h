// npd in-process (NpdTest) wired to the fake outside systems (tests/fakes: billing, payment,
// settlement, SMS on one real gRPC server), with fast retries, and the steps that take a number
// from a port to a refund case in AWAIT_CLAIM.
#ifndef NPD_TESTS_SERVICE_REFUND_FIXTURE_H_
#define NPD_TESTS_SERVICE_REFUND_FIXTURE_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <gtest/gtest.h>

#include "npd/v1/refund.grpc.pb.h"
#include "tests/fakes/fake_outside.h"
#include "tests/service/npd_fixture.h"

namespace npd::testing {

// A valid UnionPay test card (Luhn check digit correct).
inline constexpr char kCard[] = "6222020200112233446";

class RefundTest : public NpdTest {
 protected:
  void SetUp() override;
  void TearDown() override;
  void Configure(Config& config) override;
  // Override to change the fakes' options before they start.
  virtual void ConfigureFakes(fakes::FakeOutsideOptions& options) {}

  // The bill the fake billing produces for `msisdn` (default: 100.00 CNY cash, nothing else).
  void SetBill(const std::string& msisdn, fakes::BillScenario scenario);

  // Issues a code (holder Holder()), submits as `recipient`, approves, confirms as every carrier;
  // returns the completed port's id ("" on failure, with a test failure recorded).
  std::string CompletePort(const std::string& msisdn, const std::string& donor = "cmcc",
                           const std::string& recipient = "cucc");
  // Polls GetRefund as operator until the case is in `state` (at most `seconds`).
  npd::v1::Refund WaitForRefund(const std::string& refund_id, npd::v1::RefundState state,
                                int seconds = 15);

  grpc::Status Call(
      const std::string& as,
      const std::function<grpc::Status(npd::v1::RefundService::Stub&, grpc::ClientContext&)>& call);
  grpc::Status GetRefund(const std::string& as, const std::string& refund_id,
                         npd::v1::Refund* refund);
  grpc::Status Claim(const std::string& as, const std::string& refund_id,
                     const npd::v1::Identity& claimant, const npd::v1::PayeeAccount& payee,
                     const std::string& province, npd::v1::ClaimRefundResponse* response,
                     const std::string& request_id = "");
  grpc::Status Redrive(const std::string& refund_id, npd::v1::Refund* refund);
  static npd::v1::PayeeAccount Card(const std::string& number = kCard);
  static npd::v1::PayeeAccount Wallet(const std::string& id);

  fakes::FakeOutside& outside() { return *outside_; }

  std::unique_ptr<fakes::FakeOutside> outside_;

 private:
  std::mutex bills_mu_;
  std::map<std::string, fakes::BillScenario> bills_;
};

}  // namespace npd::testing

#endif  // NPD_TESTS_SERVICE_REFUND_FIXTURE_H_
