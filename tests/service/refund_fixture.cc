#include "tests/service/refund_fixture.h"

#include <thread>

#include "tests/support/npd_client.h"

namespace npd::testing {

void RefundTest::SetUp() {
  fakes::FakeOutsideOptions options;
  options.billing.scenario = [this](const std::string& msisdn) {
    std::lock_guard lock(bills_mu_);
    auto it = bills_.find(msisdn);
    if (it != bills_.end()) return it->second;
    fakes::BillScenario plain;
    plain.cash_balance_fen = 10000;
    return plain;
  };
  options.billing.carrier_of = [](const std::string& msisdn) -> std::string {
    return msisdn.rfind("186", 0) == 0 ? "cucc" : msisdn.rfind("133", 0) == 0 ? "ctcc" : "cmcc";
  };
  // The fakes speak mutual TLS like real outside systems, and call npd back with their own
  // identities.
  TestPki& pki = TestPki::Shared();
  for (const char* name : {"billing-cmcc", "billing-cucc", "billing-ctcc", "payment"}) {
    pki.Ensure(name);
  }
  options.tls_dir = pki.dir();
  ConfigureFakes(options);
  outside_ = std::make_unique<fakes::FakeOutside>(options);
  auto address = outside_->Start();
  ASSERT_TRUE(address.ok()) << address.status();
  NpdTest::SetUp();
  if (server_ != nullptr) outside_->SetNpdAddress(server_->address());
}

void RefundTest::TearDown() {
  NpdTest::TearDown();
  if (outside_ != nullptr) outside_->Stop();
}

void RefundTest::Configure(Config& config) {
  const std::string fake = outside_->address();
  config.outside.billing = {{"*", fake}};
  config.outside.payment = fake;
  config.outside.settlement = fake;
  config.outside.sms = fake;
  config.outside.call_timeout = absl::Milliseconds(300);
  config.refund_policy.retry_initial = absl::Milliseconds(20);
  config.refund_policy.retry_max = absl::Milliseconds(200);
  config.refund_policy.poll_interval = absl::Milliseconds(50);
  config.refund_policy.max_attempts = 6;
}

void RefundTest::SetBill(const std::string& msisdn, fakes::BillScenario scenario) {
  std::lock_guard lock(bills_mu_);
  bills_[msisdn] = scenario;
}

std::string RefundTest::CompletePort(const std::string& msisdn, const std::string& donor,
                                     const std::string& recipient) {
  npd::v1::Port port = client().StartPort(donor, recipient, msisdn, kBeijing);
  EXPECT_EQ(port.state(), npd::v1::PORT_STATE_PENDING_DONOR) << port.ShortDebugString();
  if (port.port_id().empty()) return "";
  auto approved = client().Approve(donor, port.port_id());
  EXPECT_TRUE(approved.ok()) << approved.status.error_message();
  EXPECT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
  auto cut = client().GetPort("operator", port.port_id()).response.port();
  for (const char* carrier : {"cmcc", "ctcc", "cucc"}) {
    EXPECT_TRUE(client().Confirm(carrier, cut.routing_sequence()).ok());
  }
  EXPECT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_COMPLETED, 10));
  return port.port_id();
}

grpc::Status RefundTest::Call(
    const std::string& as,
    const std::function<grpc::Status(npd::v1::RefundService::Stub&, grpc::ClientContext&)>& call) {
  auto stub = npd::v1::RefundService::NewStub(ChannelAs(as));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return call(*stub, context);
}

grpc::Status RefundTest::GetRefund(const std::string& as, const std::string& refund_id,
                                   npd::v1::Refund* refund) {
  npd::v1::GetRefundRequest request;
  request.set_refund_id(refund_id);
  npd::v1::GetRefundResponse response;
  grpc::Status s = Call(
      as, [&](auto& stub, auto& context) { return stub.GetRefund(&context, request, &response); });
  if (refund != nullptr) *refund = response.refund();
  return s;
}

npd::v1::Refund RefundTest::WaitForRefund(const std::string& refund_id, npd::v1::RefundState state,
                                          int seconds) {
  npd::v1::Refund refund;
  const absl::Time deadline = absl::Now() + absl::Seconds(seconds);
  while (absl::Now() < deadline) {
    if (GetRefund("operator", refund_id, &refund).ok() && refund.state() == state) return refund;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "refund " << refund_id << " not " << npd::v1::RefundState_Name(state)
                << " within " << seconds << " s: " << refund.ShortDebugString();
  return refund;
}

grpc::Status RefundTest::Claim(const std::string& as, const std::string& refund_id,
                               const npd::v1::Identity& claimant,
                               const npd::v1::PayeeAccount& payee, const std::string& province,
                               npd::v1::ClaimRefundResponse* response,
                               const std::string& request_id) {
  npd::v1::ClaimRefundRequest request;
  request.set_request_id(request_id.empty() ? NewRequestId() : request_id);
  request.set_refund_id(refund_id);
  *request.mutable_claimant() = claimant;
  *request.mutable_payee() = payee;
  request.set_channel(npd::v1::CLAIM_CHANNEL_HALL);
  request.set_claim_province(province);
  return Call(
      as, [&](auto& stub, auto& context) { return stub.ClaimRefund(&context, request, response); });
}

grpc::Status RefundTest::Redrive(const std::string& refund_id, npd::v1::Refund* refund) {
  npd::v1::RedriveRefundRequest request;
  request.set_request_id(NewRequestId());
  request.set_refund_id(refund_id);
  request.set_note("test re-drive");
  npd::v1::RedriveRefundResponse response;
  grpc::Status s = Call("operator", [&](auto& stub, auto& context) {
    return stub.RedriveRefund(&context, request, &response);
  });
  if (refund != nullptr) *refund = response.refund();
  return s;
}

npd::v1::PayeeAccount RefundTest::Card(const std::string& number) {
  npd::v1::PayeeAccount payee;
  payee.set_kind(npd::v1::PAYEE_KIND_BANK_CARD);
  payee.set_account(number);
  payee.set_holder_name("Zhang San");
  return payee;
}

npd::v1::PayeeAccount RefundTest::Wallet(const std::string& id) {
  npd::v1::PayeeAccount payee;
  payee.set_kind(npd::v1::PAYEE_KIND_WALLET);
  payee.set_account(id);
  payee.set_holder_name("Zhang San");
  return payee;
}

}  // namespace npd::testing
