// OperationsService over real gRPC: the worklist shows each kind of trouble, each repair works
// through the state machine and is recorded in the number's history with the operator's reason.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "npd/v1/operations.grpc.pb.h"
#include "storage/rocks_store.h"
#include "tests/service/refund_fixture.h"

namespace npd::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string RefundOf(const std::string& port_id) { return "R" + port_id.substr(1); }

class OperationsTest : public RefundTest {
 protected:
  void Configure(Config& config) override {
    RefundTest::Configure(config);
    config.policy.stale_after = absl::Hours(24 * 30);
  }

  template <typename Req, typename Resp, typename Method>
  grpc::Status Ops(const std::string& as, Method method, const Req& request, Resp* response) {
    auto stub = npd::v1::OperationsService::NewStub(ChannelAs(as));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return ((*stub).*method)(&context, request, response);
  }

  grpc::Status List(const std::string& as, npd::v1::ListAttentionRequest request,
                    npd::v1::ListAttentionResponse* response) {
    return Ops(as, &npd::v1::OperationsService::Stub::ListAttention, request, response);
  }

  // Every item, following next_page_token with pages of `page_size`; fails the test on an error.
  std::vector<npd::v1::AttentionItem> ListAll(
      npd::v1::AttentionKind kind = npd::v1::ATTENTION_KIND_UNSPECIFIED, int page_size = 0,
      int* pages = nullptr) {
    std::vector<npd::v1::AttentionItem> items;
    npd::v1::ListAttentionRequest request;
    request.set_kind(kind);
    request.set_page_size(page_size);
    for (int page = 1; page < 100; ++page) {
      npd::v1::ListAttentionResponse response;
      grpc::Status s = List("operator", request, &response);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      if (page_size > 0) {
        EXPECT_LE(response.items_size(), page_size);
      }
      items.insert(items.end(), response.items().begin(), response.items().end());
      if (pages != nullptr) *pages = page;
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return items;
  }

  grpc::Status CancelStale(const std::string& as, const std::string& port_id,
                           const std::string& reason, npd::v1::CancelStalePortResponse* response,
                           const std::string& request_id = "") {
    npd::v1::CancelStalePortRequest request;
    request.set_request_id(request_id.empty() ? NewRequestId() : request_id);
    request.set_port_id(port_id);
    request.set_reason(reason);
    return Ops(as, &npd::v1::OperationsService::Stub::CancelStalePort, request, response);
  }

  grpc::Status RedriveWith(const std::string& refund_id, const std::string& note,
                           npd::v1::Refund* refund) {
    npd::v1::RedriveRefundRequest request;
    request.set_request_id(NewRequestId());
    request.set_refund_id(refund_id);
    request.set_note(note);
    npd::v1::RedriveRefundResponse response;
    grpc::Status s = Call("operator", [&](auto& stub, auto& context) {
      return stub.RedriveRefund(&context, request, &response);
    });
    if (refund != nullptr) *refund = response.refund();
    return s;
  }

  npd::v1::Port Get(const std::string& port_id) {
    auto reply = client().GetPort("operator", port_id);
    EXPECT_TRUE(reply.ok()) << reply.status.error_message();
    return reply.response.port();
  }

  // Polls until `done(port)` holds (at most 5 s).
  template <typename Done>
  bool WaitFor(const std::string& port_id, Done done) {
    for (int i = 0; i < 100; ++i) {
      if (done(Get(port_id))) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // The stored history of `msisdn`, read with npd stopped (RocksDB admits one opener); npd is
  // started again afterwards.
  std::vector<npd::store::v1::EventRecord> History(const std::string& msisdn) {
    StopServer();
    std::vector<npd::store::v1::EventRecord> events;
    {
      // NpdServer keeps its RocksDB in <data_dir>/db.
      auto store = storage::OpenRocksStore({.path = dir_.Sub("data") + "/db"});
      EXPECT_TRUE(store.ok()) << store.status();
      if (store.ok()) {
        auto read = (*store)->ReadHistory(msisdn, 0, 1000);
        EXPECT_TRUE(read.ok()) << read.status();
        if (read.ok()) events = *std::move(read);
      }
    }
    StartServer();
    outside().SetNpdAddress(server_->address());
    return events;
  }

  // The one event of `type` by the operator in `events` (a test failure when there is not exactly
  // one; npd's own events of the type, e.g. the automatic resend, do not count).
  static npd::store::v1::EventRecord OperatorEvent(
      const std::vector<npd::store::v1::EventRecord>& events, const std::string& type) {
    std::vector<npd::store::v1::EventRecord> found;
    for (const auto& e : events) {
      if (e.type() == type && e.actor() == "operator") found.push_back(e);
    }
    EXPECT_EQ(found.size(), 1u) << type;
    return found.empty() ? npd::store::v1::EventRecord() : found.front();
  }

  // Builds one item of every kind, in port_id order (then the refund):
  //   stale_return_: a number return of kCmccNumber, DISCONNECT_PENDING for 31 days (STALE);
  //   partial_: kCuccNumber cucc -> cmcc in PARTIAL_FAILURE (nobody confirms);
  //   overdue_: kCtccNumber ctcc -> cucc, PENDING_DONOR past its donor deadline (DONOR_OVERDUE);
  //   stuck_refund_: the refund case of kCmccNumber's completed port, STUCK on a judicial hold.
  void MakeEveryKind() {
    fakes::BillScenario held;
    held.cash_balance_fen = 5000;
    held.judicial_hold = true;
    SetBill(kCmccNumber, held);
    const std::string completed = CompletePort(kCmccNumber, "cmcc", "cucc");
    ASSERT_FALSE(completed.empty());
    stuck_refund_ = RefundOf(completed);
    ASSERT_EQ(WaitForRefund(stuck_refund_, npd::v1::REFUND_STATE_STUCK).state(),
              npd::v1::REFUND_STATE_STUCK);

    auto disconnect = client().Disconnect("cucc", kCmccNumber, clock_.Now() + absl::Hours(24 * 40));
    ASSERT_TRUE(disconnect.ok()) << disconnect.status.error_message();
    stale_return_ = disconnect.response.port().port_id();
    clock_.Advance(absl::Hours(24 * 31));

    npd::v1::Port partial = client().StartPort("cucc", "cmcc", kCuccNumber, kBeijing);
    partial_ = partial.port_id();
    ASSERT_TRUE(client().Approve("cucc", partial_).ok());
    ASSERT_TRUE(client().WaitForState(partial_, npd::v1::PORT_STATE_CUTOVER, 10));
    clock_.Advance(absl::Minutes(16));
    ASSERT_TRUE(WaitFor(partial_, [](const npd::v1::Port& p) { return p.resend_count() >= 1; }));
    clock_.Advance(absl::Minutes(16));
    ASSERT_TRUE(client().WaitForState(partial_, npd::v1::PORT_STATE_PARTIAL_FAILURE, 10));

    overdue_ = client().StartPort("ctcc", "cucc", kCtccNumber, kBeijing).port_id();
    ASSERT_FALSE(overdue_.empty());
    clock_.Advance(absl::Minutes(61));
    ASSERT_TRUE(
        WaitFor(overdue_, [](const npd::v1::Port& p) { return p.donor_deadline_passed(); }));
  }

  std::string stale_return_;
  std::string partial_;
  std::string overdue_;
  std::string stuck_refund_;
};

TEST_F(OperationsTest, ListsEachKindOfAttentionInOrderAndPaged) {
  ASSERT_NO_FATAL_FAILURE(MakeEveryKind());
  const std::vector<npd::v1::AttentionItem> items = ListAll();
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].kind(), npd::v1::ATTENTION_KIND_STALE);
  EXPECT_EQ(items[0].port_id(), stale_return_);
  EXPECT_EQ(items[0].msisdn(), kCmccNumber);
  EXPECT_EQ(items[0].port_state(), npd::v1::PORT_STATE_DISCONNECT_PENDING);
  EXPECT_EQ(items[1].kind(), npd::v1::ATTENTION_KIND_PARTIAL_FAILURE);
  EXPECT_EQ(items[1].port_id(), partial_);
  EXPECT_THAT(items[1].detail(), HasSubstr("cmcc, ctcc, cucc"));
  EXPECT_EQ(items[2].kind(), npd::v1::ATTENTION_KIND_DONOR_OVERDUE);
  EXPECT_EQ(items[2].port_id(), overdue_);
  EXPECT_THAT(items[2].detail(), HasSubstr("donor ctcc"));
  EXPECT_EQ(items[3].kind(), npd::v1::ATTENTION_KIND_STUCK_REFUND);
  EXPECT_EQ(items[3].refund_id(), stuck_refund_);
  EXPECT_EQ(items[3].refund_state(), npd::v1::REFUND_STATE_STUCK);
  EXPECT_THAT(items[3].detail(), HasSubstr("FREEZE_ACCOUNT"));
  EXPECT_THAT(items[3].detail(), HasSubstr("judicial"));
  for (const auto& item : items) EXPECT_TRUE(item.has_since()) << item.ShortDebugString();

  // One per page gives the same items over four pages.
  int pages = 0;
  const auto paged = ListAll(npd::v1::ATTENTION_KIND_UNSPECIFIED, 1, &pages);
  ASSERT_EQ(paged.size(), 4u);
  for (size_t i = 0; i < 4; ++i)
    EXPECT_EQ(paged[i].ShortDebugString(), items[i].ShortDebugString());
  EXPECT_EQ(pages, 4);

  // Each kind alone.
  for (size_t i = 0; i < items.size(); ++i) {
    const auto only = ListAll(items[i].kind());
    ASSERT_EQ(only.size(), 1u) << items[i].kind();
    EXPECT_EQ(only[0].ShortDebugString(), items[i].ShortDebugString());
  }
}

TEST_F(OperationsTest, OnlyTheOperatorAndOnlyValidRequests) {
  npd::v1::ListAttentionResponse response;
  EXPECT_EQ(List("cmcc", {}, &response).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(List("nobody", {}, &response).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  npd::v1::ListAttentionRequest bad;
  bad.set_page_size(1001);
  EXPECT_EQ(List("operator", bad, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  bad.set_page_size(0);
  bad.set_page_token("X123");
  EXPECT_EQ(List("operator", bad, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  bad.set_page_token("");
  bad.set_kind(static_cast<npd::v1::AttentionKind>(99));
  EXPECT_EQ(List("operator", bad, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(List("operator", {}, &response).ok());
  EXPECT_THAT(response.items(), IsEmpty());
  EXPECT_EQ(response.next_page_token(), "");

  npd::v1::Port port = client().StartPort("cmcc", "cucc", kCmccNumber, kBeijing);
  npd::v1::CancelStalePortResponse cancelled;
  // A carrier, even the port's recipient, is refused before anything else is looked at.
  EXPECT_EQ(CancelStale("cucc", port.port_id(), "why", &cancelled).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CancelStale("cucc", "bad", "", &cancelled).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CancelStale("operator", port.port_id(), "", &cancelled).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(CancelStale("operator", port.port_id(), "   ", &cancelled).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(CancelStale("operator", port.port_id(), std::string(501, 'r'), &cancelled).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(CancelStale("operator", "P999999999999", "why", &cancelled).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(port.port_id()).state(), npd::v1::PORT_STATE_PENDING_DONOR) << "nothing written";
  EXPECT_EQ(Get(port.port_id()).version(), port.version());

  // The same request id replays the stored answer; another payload under it is refused.
  npd::v1::CancelStalePortResponse again;
  ASSERT_TRUE(CancelStale("operator", port.port_id(), "duplicate", &cancelled, "ops-1").ok());
  ASSERT_TRUE(CancelStale("operator", port.port_id(), "duplicate", &again, "ops-1").ok());
  EXPECT_EQ(again.port().ShortDebugString(), cancelled.port().ShortDebugString());
  EXPECT_EQ(CancelStale("operator", port.port_id(), "other", &again, "ops-1").error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  // A closed port cannot be cancelled again.
  EXPECT_EQ(CancelStale("operator", port.port_id(), "again", &again).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(OperationsTest, EachRepairWorksAndIsRecordedWithItsReason) {
  ASSERT_NO_FATAL_FAILURE(MakeEveryKind());
  npd::v1::CancelStalePortResponse cancelled;

  // PARTIAL_FAILURE: not cancellable; resent only by the operator and only with a reason.
  grpc::Status refused = CancelStale("operator", partial_, "give up", &cancelled);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("use resend"));
  EXPECT_EQ(client().Resend("operator", partial_, "", "").status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(client().Resend("cmcc", partial_, "", "why").status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Get(partial_).state(), npd::v1::PORT_STATE_PARTIAL_FAILURE);
  auto resent = client().Resend("operator", partial_, "", "ctcc NP database restored");
  ASSERT_TRUE(resent.ok()) << resent.status.error_message();
  EXPECT_EQ(resent.response.port().state(), npd::v1::PORT_STATE_CUTOVER);

  // STUCK refund: re-driven only with a note.
  SetBill(kCmccNumber, fakes::BillScenario{.cash_balance_fen = 5000});  // the court lifted it
  npd::v1::Refund refund;
  EXPECT_EQ(RedriveWith(stuck_refund_, "", &refund).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(RedriveWith(stuck_refund_, " ", &refund).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  npd::v1::Refund still;
  ASSERT_TRUE(GetRefund("operator", stuck_refund_, &still).ok());
  EXPECT_EQ(still.state(), npd::v1::REFUND_STATE_STUCK);
  ASSERT_TRUE(RedriveWith(stuck_refund_, "hold lifted by court order 12", &refund).ok());
  EXPECT_EQ(refund.state(), npd::v1::REFUND_STATE_OPENED);
  WaitForRefund(stuck_refund_, npd::v1::REFUND_STATE_AWAIT_CLAIM);

  // DONOR_OVERDUE: the operator cancels; the number is free and the timers are gone.
  ASSERT_TRUE(
      CancelStale("operator", overdue_, "ctcc silent, subscriber asked to stop", &cancelled).ok());
  EXPECT_EQ(cancelled.port().state(), npd::v1::PORT_STATE_CANCELLED);
  EXPECT_EQ(cancelled.port().cancel_reason(), "ctcc silent, subscriber asked to stop");
  auto lookup = client().Lookup("operator", kCtccNumber);
  ASSERT_TRUE(lookup.ok());
  EXPECT_EQ(lookup.response.number().live_port_id(), "");
  EXPECT_EQ(lookup.response.number().serving_carrier(), "ctcc");

  // STALE number return: the operator cancels it before its effective time.
  ASSERT_TRUE(CancelStale("operator", stale_return_, "reporter abandoned it", &cancelled).ok());
  EXPECT_EQ(cancelled.port().state(), npd::v1::PORT_STATE_CANCELLED);

  // Nothing of the four needs attention any more (the resent port waits in CUTOVER, young).
  EXPECT_THAT(ListAll(), IsEmpty());

  // Their timers went with them: T_stale of the cancelled port and the return's effective time
  // pass without effect.
  const int64_t overdue_version = Get(overdue_).version();
  clock_.Advance(absl::Hours(24 * 31));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Get(overdue_).state(), npd::v1::PORT_STATE_CANCELLED);
  EXPECT_EQ(Get(overdue_).version(), overdue_version);
  EXPECT_EQ(Get(stale_return_).state(), npd::v1::PORT_STATE_CANCELLED);
  auto served = client().Lookup("operator", kCmccNumber);
  ASSERT_TRUE(served.ok());
  EXPECT_EQ(served.response.number().serving_carrier(), "cucc") << "the route did not return";
  // The freed number ports again.
  EXPECT_EQ(client().StartPort("ctcc", "cmcc", kCtccNumber, kBeijing).state(),
            npd::v1::PORT_STATE_PENDING_DONOR);

  // Every repair is an event by the operator, with the reason.
  const auto cucc_history = History(kCuccNumber);
  const auto resend = OperatorEvent(cucc_history, "ROUTING_RESENT");
  EXPECT_EQ(resend.actor(), "operator");
  EXPECT_EQ(resend.operator_name(), kTestOperator);
  EXPECT_EQ(resend.command(), "ResendRouting");
  EXPECT_EQ(resend.port_id(), partial_);
  EXPECT_THAT(resend.detail(), HasSubstr("ctcc NP database restored"));
  EXPECT_EQ(resend.state_before(), npd::v1::PORT_STATE_PARTIAL_FAILURE);

  const auto ctcc_history = History(kCtccNumber);
  const auto cancel = OperatorEvent(ctcc_history, "PORT_CANCELLED_BY_OPERATOR");
  EXPECT_EQ(cancel.actor(), "operator");
  EXPECT_EQ(cancel.operator_name(), kTestOperator);
  EXPECT_EQ(cancel.command(), "CancelStalePort");
  EXPECT_EQ(cancel.port_id(), overdue_);
  EXPECT_EQ(cancel.state_before(), npd::v1::PORT_STATE_PENDING_DONOR);
  EXPECT_EQ(cancel.state_after(), npd::v1::PORT_STATE_CANCELLED);
  EXPECT_THAT(cancel.detail(), HasSubstr("ctcc silent, subscriber asked to stop"));

  const auto cmcc_history = History(kCmccNumber);
  const auto redrive = OperatorEvent(cmcc_history, "REFUND_REDRIVEN");
  EXPECT_EQ(redrive.actor(), "operator");
  EXPECT_EQ(redrive.operator_name(), kTestOperator);
  EXPECT_EQ(redrive.command(), "RedriveRefund");
  EXPECT_EQ(redrive.refund_id(), stuck_refund_);
  EXPECT_THAT(redrive.detail(), HasSubstr("hold lifted by court order 12"));
  const auto withdrawn = OperatorEvent(cmcc_history, "PORT_CANCELLED_BY_OPERATOR");
  EXPECT_EQ(withdrawn.port_id(), stale_return_);
  EXPECT_EQ(withdrawn.state_before(), npd::v1::PORT_STATE_DISCONNECT_PENDING);
  EXPECT_THAT(withdrawn.detail(), HasSubstr("reporter abandoned it"));
}

}  // namespace
}  // namespace npd::testing
