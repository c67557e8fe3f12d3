// HistoryService over real gRPC: npd in-process on RocksDB with the fake outside systems, so that a
// completed port also opens its refund case. One port's full life is read back by number, port and
// refund case, paged, and as each role (operator, donor, recipient, a third carrier, payment).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "npd/v1/history.grpc.pb.h"
#include "tests/service/refund_fixture.h"
#include "tests/support/npd_client.h"

namespace npd::testing {
namespace {

using npd::v1::GetHistoryRequest;
using npd::v1::GetHistoryResponse;
using npd::v1::HistoryEvent;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

GetHistoryRequest ForMsisdn(const std::string& msisdn, int page_size = 0) {
  GetHistoryRequest request;
  request.set_msisdn(msisdn);
  request.set_page_size(page_size);
  return request;
}
GetHistoryRequest ForPort(const std::string& port_id, int page_size = 0) {
  GetHistoryRequest request;
  request.set_port_id(port_id);
  request.set_page_size(page_size);
  return request;
}
GetHistoryRequest ForRefund(const std::string& refund_id, int page_size = 0) {
  GetHistoryRequest request;
  request.set_refund_id(refund_id);
  request.set_page_size(page_size);
  return request;
}

std::vector<uint64_t> Sequences(const std::vector<HistoryEvent>& events) {
  std::vector<uint64_t> out;
  for (const auto& e : events) out.push_back(e.sequence());
  return out;
}

std::vector<std::string> Types(const std::vector<HistoryEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.type());
  return out;
}

// The first event of `type` (a failure and an empty event when there is none).
HistoryEvent Find(const std::vector<HistoryEvent>& events, const std::string& type) {
  for (const auto& e : events) {
    if (e.type() == type) return e;
  }
  ADD_FAILURE() << "no " << type << " event";
  return HistoryEvent();
}

class HistoryTest : public RefundTest {
 protected:
  // One port of kCmccNumber (cmcc -> cucc) through its whole life with known request ids: code,
  // submit, approve (immediate cutover), every carrier confirms; then its refund case to
  // AWAIT_CLAIM.
  void SetUp() override {
    RefundTest::SetUp();
    auto code = client().IssueCode("cmcc", kCmccNumber, Holder(), "req-code");
    ASSERT_TRUE(code.ok()) << code.status.error_message();
    ASSERT_TRUE(code.response.issued());
    auto submitted = client().Submit("cucc", kCmccNumber, code.response.code(), Holder(), kBeijing,
                                     "req-submit");
    ASSERT_TRUE(submitted.ok()) << submitted.status.error_message();
    port_id_ = submitted.response.port().port_id();
    refund_id_ = "R" + port_id_.substr(1);
    ASSERT_TRUE(client().Approve("cmcc", port_id_, "req-approve").ok());
    ASSERT_TRUE(client().WaitForState(port_id_, npd::v1::PORT_STATE_CUTOVER, 10));
    const uint64_t routing =
        client().GetPort("operator", port_id_).response.port().routing_sequence();
    for (const char* carrier : {"cmcc", "ctcc", "cucc"}) {
      ASSERT_TRUE(client().Confirm(carrier, routing, std::string("req-confirm-") + carrier).ok());
    }
    ASSERT_TRUE(client().WaitForState(port_id_, npd::v1::PORT_STATE_COMPLETED, 10));
    WaitForRefund(refund_id_, npd::v1::REFUND_STATE_AWAIT_CLAIM);
  }

  // One GetHistory call as `as` ("operator" is the test operator's certificate).
  Reply<GetHistoryResponse> Page(const std::string& as, const GetHistoryRequest& request) {
    auto stub = npd::v1::HistoryService::NewStub(ChannelAs(as));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    Reply<GetHistoryResponse> reply;
    reply.status = stub->GetHistory(&context, request, &reply.response);
    return reply;
  }

  // Every page of `request` from its after_sequence on, checking each page's bound and cursor.
  std::vector<HistoryEvent> All(const std::string& as, GetHistoryRequest request) {
    std::vector<HistoryEvent> events;
    const int limit = request.page_size() == 0 ? 100 : request.page_size();
    for (int pages = 0; pages < 1000; ++pages) {
      auto reply = Page(as, request);
      EXPECT_TRUE(reply.ok()) << reply.status.error_message();
      if (!reply.ok()) break;
      EXPECT_LE(reply.response.events_size(), limit);
      events.insert(events.end(), reply.response.events().begin(), reply.response.events().end());
      if (reply.response.next_after_sequence() == 0) break;
      EXPECT_GT(reply.response.next_after_sequence(), request.after_sequence());
      request.set_after_sequence(reply.response.next_after_sequence());
    }
    return events;
  }

  std::string port_id_;
  std::string refund_id_;
};

TEST_F(HistoryTest, PortLifeIsReadBackInOrderWithActorsRequestsAndStates) {
  auto reply = Page("operator", ForPort(port_id_));
  ASSERT_TRUE(reply.ok()) << reply.status.error_message();
  EXPECT_EQ(reply.response.msisdn(), kCmccNumber);
  EXPECT_EQ(reply.response.next_after_sequence(), 0u);
  const std::vector<HistoryEvent> events(reply.response.events().begin(),
                                         reply.response.events().end());
  ASSERT_GE(events.size(), 6u);
  for (size_t i = 1; i < events.size(); ++i) {
    EXPECT_GT(events[i].sequence(), events[i - 1].sequence()) << "ascending at " << i;
  }
  for (const auto& e : events) {
    EXPECT_EQ(e.port_id(), port_id_) << e.ShortDebugString();
    EXPECT_EQ(e.msisdn(), kCmccNumber);
    EXPECT_TRUE(e.has_at()) << e.ShortDebugString();
  }

  // The port's own events chain: each starts in the state the previous one ended in, from nothing
  // to COMPLETED.
  std::vector<HistoryEvent> port_events;
  for (const auto& e : events) {
    if (e.refund_id().empty()) port_events.push_back(e);
  }
  ASSERT_GE(port_events.size(), 5u);
  EXPECT_EQ(port_events.front().state_before(), npd::v1::PORT_STATE_UNSPECIFIED);
  for (size_t i = 1; i < port_events.size(); ++i) {
    EXPECT_EQ(port_events[i].state_before(), port_events[i - 1].state_after())
        << port_events[i].ShortDebugString();
  }
  EXPECT_EQ(port_events.back().state_after(), npd::v1::PORT_STATE_COMPLETED);

  const HistoryEvent submitted = port_events.front();
  EXPECT_EQ(submitted.type(), "PORT_SUBMITTED");
  EXPECT_EQ(submitted.actor(), "cucc");
  EXPECT_EQ(submitted.request_id(), "req-submit");
  EXPECT_EQ(submitted.state_after(), npd::v1::PORT_STATE_PENDING_DONOR);

  const HistoryEvent approved = Find(events, "PORT_APPROVED");
  EXPECT_EQ(approved.actor(), "cmcc");
  EXPECT_EQ(approved.request_id(), "req-approve");
  EXPECT_EQ(approved.state_before(), npd::v1::PORT_STATE_PENDING_DONOR);

  const HistoryEvent cutover = Find(events, "PORT_CUTOVER");
  EXPECT_EQ(cutover.state_after(), npd::v1::PORT_STATE_CUTOVER);

  std::set<std::string> confirmers;
  for (const auto& e : port_events) {
    if (e.type() != "ROUTING_CONFIRMED") continue;
    confirmers.insert(e.actor());
    EXPECT_EQ(e.request_id(), "req-confirm-" + e.actor());
  }
  EXPECT_EQ(confirmers, (std::set<std::string>{"cmcc", "ctcc", "cucc"}));

  // The refund case's events belong to the port too, with the case's states and npd as actor.
  const HistoryEvent opened = Find(events, "REFUND_OPENED");
  EXPECT_EQ(opened.refund_id(), refund_id_);
  EXPECT_EQ(opened.refund_state_after(), npd::v1::REFUND_STATE_OPENED);
  EXPECT_EQ(opened.state_before(), npd::v1::PORT_STATE_UNSPECIFIED);
  EXPECT_TRUE(opened.request_id().empty());

  // The code belongs to the number, not to the port.
  EXPECT_THAT(Types(events), Not(Contains("AUTH_CODE_ISSUED")));
}

TEST_F(HistoryTest, NumberHistoryHoldsTheCodeAndEveryPortEvent) {
  const std::vector<HistoryEvent> number = All("operator", ForMsisdn(kCmccNumber));
  const std::vector<HistoryEvent> port = All("operator", ForPort(port_id_));
  ASSERT_FALSE(number.empty());
  const HistoryEvent code = number.front();
  EXPECT_EQ(code.type(), "AUTH_CODE_ISSUED");
  EXPECT_EQ(code.actor(), "cmcc");
  EXPECT_EQ(code.request_id(), "req-code");
  EXPECT_TRUE(code.port_id().empty());
  // Every port event is in the number's history, and nothing else but the code here.
  std::vector<uint64_t> expected = {code.sequence()};
  for (uint64_t s : Sequences(port)) expected.push_back(s);
  EXPECT_EQ(Sequences(number), expected);
  // A number with no events is an empty answer.
  auto empty = Page("operator", ForMsisdn(kCuccNumber));
  ASSERT_TRUE(empty.ok()) << empty.status.error_message();
  EXPECT_THAT(empty.response.events(), IsEmpty());
  EXPECT_EQ(empty.response.next_after_sequence(), 0u);
  EXPECT_EQ(empty.response.msisdn(), kCuccNumber);
}

TEST_F(HistoryTest, RefundSubjectHoldsOnlyTheCasesEvents) {
  const std::vector<HistoryEvent> events = All("operator", ForRefund(refund_id_));
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events.front().type(), "REFUND_OPENED");
  EXPECT_EQ(events.front().refund_state_before(), npd::v1::REFUND_STATE_UNSPECIFIED);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].refund_id(), refund_id_);
    EXPECT_EQ(events[i].port_id(), port_id_);
    if (i > 0) {
      EXPECT_GT(events[i].sequence(), events[i - 1].sequence());
      EXPECT_EQ(events[i].refund_state_before(), events[i - 1].refund_state_after())
          << events[i].ShortDebugString();
    }
  }
  EXPECT_EQ(events.back().refund_state_after(), npd::v1::REFUND_STATE_AWAIT_CLAIM);
  auto reply = Page("operator", ForRefund(refund_id_));
  EXPECT_EQ(reply.response.msisdn(), kCmccNumber);
}

TEST_F(HistoryTest, PagesJoinToTheWholeHistoryAcrossEveryPageSize) {
  const std::vector<HistoryEvent> whole = All("operator", ForMsisdn(kCmccNumber, 1000));
  ASSERT_GE(whole.size(), 8u);
  for (int size : {1, 2, 3, 7}) {
    EXPECT_EQ(Sequences(All("operator", ForMsisdn(kCmccNumber, size))), Sequences(whole))
        << "page size " << size;
    // Filtered subjects page the same way.
    EXPECT_EQ(Sequences(All("cucc", ForPort(port_id_, size))),
              Sequences(All("cucc", ForPort(port_id_, 1000))))
        << "page size " << size;
  }
  // A page exactly as long as what is left says the history is complete; one event shorter points
  // at its own last event.
  const int n = static_cast<int>(whole.size());
  auto exact = Page("operator", ForMsisdn(kCmccNumber, n));
  ASSERT_TRUE(exact.ok());
  EXPECT_THAT(exact.response.events(), SizeIs(n));
  EXPECT_EQ(exact.response.next_after_sequence(), 0u);
  auto shorter = Page("operator", ForMsisdn(kCmccNumber, n - 1));
  ASSERT_TRUE(shorter.ok());
  EXPECT_THAT(shorter.response.events(), SizeIs(n - 1));
  EXPECT_EQ(shorter.response.next_after_sequence(), whole[n - 2].sequence());
  // Starting in the middle (exclusive), and past the end.
  GetHistoryRequest middle = ForMsisdn(kCmccNumber);
  middle.set_after_sequence(whole[2].sequence());
  auto rest = Page("operator", middle);
  ASSERT_TRUE(rest.ok());
  ASSERT_THAT(rest.response.events(), SizeIs(n - 3));
  EXPECT_EQ(rest.response.events(0).sequence(), whole[3].sequence());
  GetHistoryRequest past = ForMsisdn(kCmccNumber);
  past.set_after_sequence(whole.back().sequence());
  auto none = Page("operator", past);
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(none.response.events(), IsEmpty());
  EXPECT_EQ(none.response.next_after_sequence(), 0u);
}

TEST_F(HistoryTest, EachCarrierSeesItsTransactionsAndWhatItDid) {
  const std::vector<HistoryEvent> all = All("operator", ForMsisdn(kCmccNumber));
  const std::vector<HistoryEvent> donor = All("cmcc", ForMsisdn(kCmccNumber));
  const std::vector<HistoryEvent> recipient = All("cucc", ForMsisdn(kCmccNumber));
  const std::vector<HistoryEvent> third = All("ctcc", ForMsisdn(kCmccNumber));

  // The donor is a party to the port and refunds the case, and issued the code: everything.
  EXPECT_EQ(Sequences(donor), Sequences(all));
  // The recipient sees the port but neither the donor's code nor the donor's refund case.
  std::vector<uint64_t> expected;
  for (const auto& e : all) {
    if (e.type() != "AUTH_CODE_ISSUED" && e.refund_id().empty()) expected.push_back(e.sequence());
  }
  EXPECT_EQ(Sequences(recipient), expected);
  // A third carrier sees only its own confirmation (cucc confirmed last, so the completion is
  // cucc's event, not ctcc's).
  ASSERT_THAT(third, SizeIs(1));
  EXPECT_EQ(third[0].type(), "ROUTING_CONFIRMED");
  EXPECT_EQ(third[0].actor(), "ctcc");

  // The port and the case: a party reads them; anyone else is told they do not exist.
  EXPECT_TRUE(Page("cucc", ForPort(port_id_)).ok());
  EXPECT_TRUE(Page("cmcc", ForPort(port_id_)).ok());
  EXPECT_TRUE(Page("cmcc", ForRefund(refund_id_)).ok());
  for (const auto& [as, request] :
       std::vector<std::pair<std::string, GetHistoryRequest>>{{"ctcc", ForPort(port_id_)},
                                                              {"ctcc", ForRefund(refund_id_)},
                                                              {"cucc", ForRefund(refund_id_)}}) {
    auto reply = Page(as, request);
    EXPECT_EQ(reply.status.error_code(), grpc::StatusCode::NOT_FOUND)
        << as << " " << request.ShortDebugString();
    EXPECT_THAT(reply.status.error_message(), Not(HasSubstr(kCmccNumber)));
  }
  // The recipient's port history leaves out the donor's refund case.
  for (const auto& e : All("cucc", ForPort(port_id_))) EXPECT_TRUE(e.refund_id().empty());
}

TEST_F(HistoryTest, UnknownCallersAndThePaymentChannelAreRefused) {
  // No certificate, and a certificate naming no npd principal: not authenticated.
  TestPki::Shared().Issue("history-odd", {.uris = {"spiffe://npd/carrier/cmcc/billing"}});
  for (const std::string as : {"", "history-odd"}) {
    auto reply = Page(as, ForMsisdn(kCmccNumber));
    EXPECT_EQ(reply.status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << "'" << as << "'";
  }
  // The payment channel and a carrier's self-service backend are who they say, but may not read
  // histories.
  for (const std::string as : {"payment", "cmcc-selfservice", "billing-cmcc"}) {
    auto reply = Page(as, ForMsisdn(kCmccNumber));
    EXPECT_EQ(reply.status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << as;
  }
}

TEST_F(HistoryTest, MalformedRequestsAreInvalidArgument) {
  GetHistoryRequest no_subject;
  std::vector<GetHistoryRequest> bad = {no_subject,
                                        ForMsisdn("1380013800"),
                                        ForMsisdn("138001380000"),
                                        ForMsisdn("1380013800x"),
                                        ForPort("P00000000001"),
                                        ForPort("R000000000001"),
                                        ForPort("p000000000001"),
                                        ForRefund("R00000000000A"),
                                        ForRefund(port_id_),
                                        ForMsisdn(kCmccNumber, -1),
                                        ForMsisdn(kCmccNumber, 1001)};
  for (const auto& request : bad) {
    auto reply = Page("operator", request);
    EXPECT_EQ(reply.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << request.ShortDebugString();
  }
  EXPECT_TRUE(Page("operator", ForMsisdn(kCmccNumber, 1000)).ok());
}

TEST_F(HistoryTest, UnknownPortOrCaseIsNotFound) {
  auto port = Page("operator", ForPort("P999999999999"));
  EXPECT_EQ(port.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(port.status.error_message(), HasSubstr("P999999999999"));
  auto refund = Page("operator", ForRefund("R999999999999"));
  EXPECT_EQ(refund.status.error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace npd::testing
