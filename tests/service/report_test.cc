// ReportService over real gRPC: real ports and a real refund (npd in-process on RocksDB, the fake
// outside systems) driven through the porting and refund rpcs, with the test clock moved forward
// between steps so that answer and completion times are known; then the report's figures are
// checked against the hand count, and who may ask for what.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/core/time_convert.h"
#include "npd/v1/report.grpc.pb.h"
#include "tests/service/refund_fixture.h"
#include "tests/support/npd_client.h"

namespace npd::testing {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Ge;
using ::testing::Le;

constexpr char kSecondCmcc[] = "13800138001";
constexpr char kThirdCmcc[] = "13800138002";
constexpr char kFourthCmcc[] = "13800138003";

class ReportServiceTest : public RefundTest {
 protected:
  grpc::Status GetReport(const std::string& as, absl::Time from, absl::Time to,
                         npd::v1::Report* report, const std::string& carrier = "") {
    npd::v1::GetReportRequest request;
    *request.mutable_from() = core::ToProto(from);
    *request.mutable_to() = core::ToProto(to);
    request.set_carrier(carrier);
    return GetReport(as, request, report);
  }
  grpc::Status GetReport(const std::string& as, const npd::v1::GetReportRequest& request,
                         npd::v1::Report* report) {
    auto stub = npd::v1::ReportService::NewStub(ChannelAs(as));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    npd::v1::GetReportResponse response;
    grpc::Status status = stub->GetReport(&context, request, &response);
    if (report != nullptr) *report = response.report();
    return status;
  }

  // Approves `port` as cmcc, lets every carrier confirm it and waits for COMPLETED.
  void ApproveAndComplete(const npd::v1::Port& port) {
    ASSERT_TRUE(client().Approve("cmcc", port.port_id()).ok());
    ASSERT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_CUTOVER, 10));
    const uint64_t sequence =
        client().GetPort("operator", port.port_id()).response.port().routing_sequence();
    for (const char* carrier : {"cmcc", "ctcc", "cucc"}) {
      ASSERT_TRUE(client().Confirm(carrier, sequence).ok());
    }
    ASSERT_TRUE(client().WaitForState(port.port_id(), npd::v1::PORT_STATE_COMPLETED, 10));
  }
};

const npd::v1::CarrierReport& Row(const npd::v1::Report& report, const std::string& carrier) {
  for (const auto& row : report.carriers()) {
    if (row.carrier() == carrier) return row;
  }
  static const npd::v1::CarrierReport kMissing;
  ADD_FAILURE() << "no row for " << carrier;
  return kMissing;
}

std::vector<std::string> Refusals(const npd::v1::CarrierReport& row) {
  std::vector<std::string> out;
  for (const auto& r : row.refusals()) {
    out.push_back(npd::v1::ReasonCode_Name(r.reason()) + " " + std::to_string(r.ports_in()) + "/" +
                  std::to_string(r.ports_out()));
  }
  return out;
}

// Three requests from cucc for cmcc numbers, in this order:
//   A  approved 10 minutes after submit, completed; its refund claimed in Guangdong and paid
//   B  rejected by cmcc 20 minutes after submit with R03 and R05
//   C  refused by npd at submit: wrong code (R09)
TEST_F(ReportServiceTest, FiguresOfRealPortsAndARefundMatchTheHandCount) {
  const absl::Time start = clock_.Now();
  const npd::v1::Port a = client().StartPort("cmcc", "cucc", kCmccNumber, kBeijing);
  ASSERT_EQ(a.state(), npd::v1::PORT_STATE_PENDING_DONOR) << a.ShortDebugString();
  clock_.Advance(absl::Minutes(10));
  ApproveAndComplete(a);
  const std::string refund_id = "R" + a.port_id().substr(1);
  WaitForRefund(refund_id, npd::v1::REFUND_STATE_AWAIT_CLAIM);
  npd::v1::ClaimRefundResponse claimed;
  ASSERT_TRUE(Claim("cmcc", refund_id, Holder(), Card(), "Guangdong", &claimed).ok());
  ASSERT_TRUE(claimed.accepted());
  WaitForRefund(refund_id, npd::v1::REFUND_STATE_CLOSED_PAID);
  const absl::Time before_b = clock_.Now();

  const npd::v1::Port b = client().StartPort("cmcc", "cucc", kSecondCmcc, kBeijing);
  ASSERT_EQ(b.state(), npd::v1::PORT_STATE_PENDING_DONOR);
  clock_.Advance(absl::Minutes(20));
  ASSERT_TRUE(client()
                  .Reject("cmcc", b.port_id(),
                          {npd::v1::REASON_CODE_R03_ARREARS_BILLED,
                           npd::v1::REASON_CODE_R05_LOCK_IN_CONTRACT})
                  .ok());

  std::string wrong_code = client().IssueCode("cmcc", kThirdCmcc, Holder()).response.code();
  ASSERT_EQ(wrong_code.size(), 6u);
  wrong_code[0] = wrong_code[0] == '0' ? '1' : '0';
  const auto c = client().Submit("cucc", kThirdCmcc, wrong_code, Holder(), kBeijing);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c.response.port().state(), npd::v1::PORT_STATE_REJECTED);
  ASSERT_THAT(c.response.port().refusal().reasons(),
              ElementsAre(npd::v1::REASON_CODE_R09_AUTH_CODE_INVALID));
  const absl::Time end = clock_.Now() + absl::Seconds(1);

  npd::v1::Report report;
  grpc::Status status = GetReport("operator", start, end, &report);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(report.carriers_size(), 3);
  EXPECT_EQ(report.carriers(0).carrier(), "cmcc");
  EXPECT_EQ(report.carriers(1).carrier(), "ctcc");
  EXPECT_EQ(report.carriers(2).carrier(), "cucc");
  EXPECT_GT(report.events_in_window(), 0u);
  EXPECT_GE(report.last_event_sequence(), report.events_in_window());

  const npd::v1::CarrierReport& cmcc = Row(report, "cmcc");
  EXPECT_EQ(cmcc.ports_out(), 1u);     // A
  EXPECT_EQ(cmcc.requests_out(), 3u);  // A, B, C
  EXPECT_EQ(cmcc.refused_out(), 2u);   // B, C
  EXPECT_THAT(Refusals(cmcc), ElementsAre("REASON_CODE_R03_ARREARS_BILLED 0/1",
                                          "REASON_CODE_R05_LOCK_IN_CONTRACT 0/1",
                                          "REASON_CODE_R09_AUTH_CODE_INVALID 0/1"));
  // A: 10 minutes of test clock, plus the real milliseconds of cutover and confirmations.
  EXPECT_EQ(cmcc.completion_out().count(), 1u);
  EXPECT_THAT(cmcc.completion_out().median_seconds(), AllOf(Ge(600), Le(605)));
  // Answers: A after 10 minutes, B after 20: median rank 1 = A, p95 rank 2 = B.
  EXPECT_EQ(cmcc.donor_answers().count(), 2u);
  EXPECT_THAT(cmcc.donor_answers().median_seconds(), AllOf(Ge(600), Le(605)));
  EXPECT_THAT(cmcc.donor_answers().p95_seconds(), AllOf(Ge(1200), Le(1205)));
  EXPECT_EQ(cmcc.donor_answers_on_time(), 2u);  // within T_donor (1 hour)
  EXPECT_DOUBLE_EQ(cmcc.donor_on_time_share(), 1.0);
  EXPECT_EQ(cmcc.refunds_opened(), 1u);
  ASSERT_EQ(cmcc.refund_cases_size(), 1);
  EXPECT_EQ(cmcc.refund_cases(0).state(), npd::v1::REFUND_STATE_CLOSED_PAID);
  EXPECT_EQ(cmcc.refund_cases(0).cases(), 1u);
  EXPECT_EQ(cmcc.refunds_paid(), 1u);
  EXPECT_EQ(cmcc.refunds_paid_fen(), 10000);
  EXPECT_EQ(cmcc.port_to_payout().count(), 1u);
  EXPECT_THAT(cmcc.port_to_payout().median_seconds(), AllOf(Ge(0), Le(30)));
  EXPECT_EQ(cmcc.paid_claims_other_province(), 1u);  // Guangdong, home Beijing

  const npd::v1::CarrierReport& cucc = Row(report, "cucc");
  EXPECT_EQ(cucc.ports_in(), 1u);
  EXPECT_EQ(cucc.requests_in(), 3u);
  EXPECT_EQ(cucc.refused_in(), 2u);
  EXPECT_EQ(cucc.completion_in().count(), 1u);
  EXPECT_EQ(cucc.completion_in().median_seconds(), cmcc.completion_out().median_seconds());
  EXPECT_EQ(cucc.ports_out() + cucc.requests_out() + cucc.donor_answers().count(), 0u);
  EXPECT_EQ(cucc.refunds_opened(), 0u);

  const npd::v1::CarrierReport& ctcc = Row(report, "ctcc");
  EXPECT_EQ(ctcc.ports_in() + ctcc.ports_out() + ctcc.requests_in() + ctcc.requests_out(), 0u);

  // A window that ends before B sees only A.
  npd::v1::Report first;
  ASSERT_TRUE(GetReport("operator", start, before_b, &first).ok());
  EXPECT_EQ(Row(first, "cmcc").requests_out(), 1u);
  EXPECT_EQ(Row(first, "cmcc").refused_out(), 0u);
  EXPECT_EQ(Row(first, "cmcc").donor_answers().count(), 1u);
  EXPECT_EQ(Row(first, "cucc").ports_in(), 1u);
  // Windows before and after everything are empty.
  npd::v1::Report before;
  ASSERT_TRUE(GetReport("operator", start - absl::Hours(1), start, &before).ok());
  EXPECT_EQ(before.events_in_window(), 0u);
  EXPECT_EQ(Row(before, "cmcc").requests_out(), 0u);

  // Activity after the window does not change its figures: the same report again.
  clock_.Advance(absl::Minutes(1));
  const npd::v1::Port d = client().StartPort("cmcc", "cucc", kFourthCmcc, kBeijing);
  ASSERT_EQ(d.state(), npd::v1::PORT_STATE_PENDING_DONOR);
  ASSERT_TRUE(client().Approve("cmcc", d.port_id()).ok());
  npd::v1::Report again;
  ASSERT_TRUE(GetReport("operator", start, end, &again).ok());
  EXPECT_GT(again.last_event_sequence(), report.last_event_sequence());
  again.set_last_event_sequence(report.last_event_sequence());
  EXPECT_EQ(again.SerializeAsString(), report.SerializeAsString());
}

TEST_F(ReportServiceTest, ACarrierSeesOnlyItselfAndTheOperatorMayPickOne) {
  const absl::Time from = clock_.Now() - absl::Hours(1);
  const absl::Time to = clock_.Now() + absl::Hours(1);
  npd::v1::Report report;
  ASSERT_TRUE(GetReport("cucc", from, to, &report).ok());
  ASSERT_EQ(report.carriers_size(), 1);
  EXPECT_EQ(report.carriers(0).carrier(), "cucc");
  ASSERT_TRUE(GetReport("cucc", from, to, &report, "cucc").ok());
  ASSERT_EQ(report.carriers_size(), 1);
  ASSERT_TRUE(GetReport("operator", from, to, &report, "ctcc").ok());
  ASSERT_EQ(report.carriers_size(), 1);
  EXPECT_EQ(report.carriers(0).carrier(), "ctcc");

  EXPECT_EQ(GetReport("cucc", from, to, nullptr, "cmcc").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(GetReport("", from, to, nullptr).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(GetReport("payment", from, to, nullptr).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ReportServiceTest, BadRequestsAreInvalidArgument) {
  const absl::Time now = clock_.Now();
  grpc::Status unknown = GetReport("operator", now - absl::Hours(1), now, nullptr, "cbn");
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(unknown.error_message(), "carrier: unknown carrier 'cbn'");
  EXPECT_EQ(GetReport("operator", now, now, nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(GetReport("operator", now, now - absl::Seconds(1), nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(GetReport("operator", now - absl::Hours(24 * 401), now, nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(GetReport("operator", now - absl::Hours(24 * 400), now, nullptr).ok());

  npd::v1::GetReportRequest no_from;
  *no_from.mutable_to() = core::ToProto(now);
  EXPECT_EQ(GetReport("operator", no_from, nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  npd::v1::GetReportRequest bad_time;
  bad_time.mutable_from()->set_seconds(0);
  bad_time.mutable_to()->set_seconds(1);
  bad_time.mutable_to()->set_nanos(-1);
  EXPECT_EQ(GetReport("operator", bad_time, nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace npd::testing
