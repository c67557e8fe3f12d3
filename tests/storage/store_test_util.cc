#include "tests/storage/store_test_util.h"

namespace npd::storage::testing {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;

WriteSet SampleWriteSet() {
  WriteSet ws;
  auto number = Number("13800000001", "cucc");
  number.set_live_port_id("P000000000001");
  *number.mutable_last_port_completed_at() = At(1'690'000'000);
  auto& code = *number.mutable_auth_code();
  code.set_code_hash(std::string("\x00hash\xff", 6));
  code.set_issued_by("cmcc");
  *code.mutable_expires_at() = At(1'700'003'600);
  code.set_state(npd::store::v1::AUTH_CODE_STATE_ACTIVE);
  code.set_generation(3);
  ws.numbers.push_back(number);

  auto port = Port("P000000000001", "13800000001", "cmcc", "cucc", npd::v1::PORT_STATE_REJECTED);
  port.set_applicant_identity_hash(std::string("\x00id\x00", 4));
  auto& refusal = *port.mutable_port()->mutable_refusal();
  refusal.add_reasons(npd::v1::REASON_CODE_R03_ARREARS_BILLED);
  refusal.add_reasons(npd::v1::REASON_CODE_R05_LOCK_IN_CONTRACT);
  refusal.set_text("arrears");
  port.mutable_port()->add_pending_confirmations("ctcc");
  port.mutable_port()->add_confirmed_by("cmcc");
  *port.mutable_port()->mutable_submitted_at() = At(1'700'000'000, 5);
  ws.ports.push_back(port);

  ws.events.push_back(Event("13800000001", 7));
  ws.feed.push_back(Change(4));
  ws.timers_added.push_back(
      Timer(npd::store::v1::TIMER_KIND_AUTH_CODE_EXPIRY, 1'700'003'600, "13800000001", "", 3));
  ws.idempotency.emplace_back(std::string("cucc\0req-1", 10), Idempotency("Submit", "resp"));
  ws.cursors.push_back(Cursor("cucc", 4));
  ws.counters = MakeCounters(1, 7, 4);

  auto refund =
      Refund("R000000000001", "13800000001", "cmcc", "GD", npd::v1::REFUND_STATE_PAYOUT_REQUESTED);
  refund.set_holder_identity_hash(std::string("\x00holder\xff", 8));
  refund.set_sealed_payee(std::string("\x01sealed\x00payee", 14));
  refund.set_payee_data_key("k1:wrapped");
  refund.mutable_refund()->add_reasons(npd::v1::REFUND_REASON_F02_NON_REFUNDABLE_PROMO);
  refund.mutable_refund()->set_refundable_fen(4'250);
  refund.mutable_refund()->set_payout_key("R000000000001:payout:1");
  *refund.mutable_refund()->mutable_claim_deadline_at() = At(1'702'592'000);
  ws.refunds.push_back(refund);
  auto outbox = Outbox("R000000000001", npd::v1::REFUND_STEP_PAYOUT, 3);
  outbox.set_last_error("payment channel timed out");
  outbox.set_query_first(true);
  ws.outbox_put.push_back(outbox);
  return ws;
}

void ExpectSampleWriteSet(Store& store) {
  const WriteSet ws = SampleWriteSet();
  EXPECT_THAT(store.GetNumber("13800000001").value(), Optional(EqualsProto(ws.numbers[0])));
  EXPECT_THAT(store.GetPort("P000000000001").value(), Optional(EqualsProto(ws.ports[0])));
  PortQuery by_msisdn;
  by_msisdn.msisdn = "13800000001";
  EXPECT_THAT(store.ListPorts(by_msisdn).value().ports, ElementsAre(EqualsProto(ws.ports[0])));
  EXPECT_THAT(store.ReadHistory("13800000001", 0, 10).value(),
              ElementsAre(EqualsProto(ws.events[0])));
  EXPECT_THAT(store.ReadFeed(1, 10).value(), ElementsAre(EqualsProto(ws.feed[0])));
  EXPECT_THAT(store.LoadTimers().value(), ElementsAre(EqualsProto(ws.timers_added[0])));
  EXPECT_THAT(store.GetIdempotency(ws.idempotency[0].first).value(),
              Optional(EqualsProto(ws.idempotency[0].second)));
  EXPECT_THAT(store.LoadCursors().value(), ElementsAre(EqualsProto(ws.cursors[0])));
  EXPECT_THAT(store.LoadCounters().value(), EqualsProto(*ws.counters));
  EXPECT_THAT(store.GetRefund("R000000000001").value(), Optional(EqualsProto(ws.refunds[0])));
  RefundQuery refunds_of_number;
  refunds_of_number.msisdn = "13800000001";
  EXPECT_THAT(store.ListRefunds(refunds_of_number).value().refunds,
              ElementsAre(EqualsProto(ws.refunds[0])));
  EXPECT_THAT(store.GetOutbox("R000000000001").value(), Optional(EqualsProto(ws.outbox_put[0])));
  EXPECT_THAT(store.LoadOutbox().value(), ElementsAre(EqualsProto(ws.outbox_put[0])));
}

void ExpectNothingOfSampleWriteSet(Store& store) {
  const WriteSet ws = SampleWriteSet();
  EXPECT_EQ(store.GetNumber("13800000001").value(), std::nullopt);
  EXPECT_EQ(store.GetPort("P000000000001").value(), std::nullopt);
  EXPECT_THAT(store.ListPorts(PortQuery()).value().ports, IsEmpty());
  EXPECT_THAT(store.ReadHistory("13800000001", 0, 10).value(), IsEmpty());
  EXPECT_THAT(store.ReadFeed(0, 10).value(), IsEmpty());
  EXPECT_THAT(store.LoadTimers().value(), IsEmpty());
  EXPECT_EQ(store.GetIdempotency(ws.idempotency[0].first).value(), std::nullopt);
  EXPECT_THAT(store.LoadCursors().value(), IsEmpty());
  EXPECT_THAT(store.LoadCounters().value(), EqualsProto(npd::store::v1::Counters()));
  EXPECT_EQ(store.GetRefund("R000000000001").value(), std::nullopt);
  EXPECT_THAT(store.ListRefunds(RefundQuery()).value().refunds, IsEmpty());
  EXPECT_EQ(store.GetOutbox("R000000000001").value(), std::nullopt);
  EXPECT_THAT(store.LoadOutbox().value(), IsEmpty());
}

}  // namespace npd::storage::testing
