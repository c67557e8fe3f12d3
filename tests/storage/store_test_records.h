// Record builders for the storage tests and the child process they start (no gtest here).
#ifndef NPD_TESTS_STORAGE_STORE_TEST_RECORDS_H_
#define NPD_TESTS_STORAGE_STORE_TEST_RECORDS_H_

#include <cstdint>
#include <string>

#include "npd/store/v1/records.pb.h"
#include "npd/v1/common.pb.h"
#include "npd/v1/refund.pb.h"
#include "storage/store.h"

namespace npd::storage::testing {

inline google::protobuf::Timestamp At(int64_t seconds, int32_t nanos = 0) {
  google::protobuf::Timestamp at;
  at.set_seconds(seconds);
  at.set_nanos(nanos);
  return at;
}

inline npd::store::v1::NumberRecord Number(const std::string& msisdn, const std::string& carrier) {
  npd::store::v1::NumberRecord record;
  record.set_msisdn(msisdn);
  record.set_serving_carrier(carrier);
  return record;
}

inline npd::store::v1::PortRecord Port(const std::string& port_id, const std::string& msisdn,
                                       const std::string& donor, const std::string& recipient,
                                       npd::v1::PortState state) {
  npd::store::v1::PortRecord record;
  npd::v1::Port& port = *record.mutable_port();
  port.set_port_id(port_id);
  port.set_msisdn(msisdn);
  port.set_donor(donor);
  port.set_recipient(recipient);
  port.set_state(state);
  return record;
}

inline npd::store::v1::EventRecord Event(const std::string& msisdn, uint64_t sequence) {
  npd::store::v1::EventRecord record;
  record.set_msisdn(msisdn);
  record.set_sequence(sequence);
  record.set_type("PORT_SUBMITTED");
  record.set_actor("cmcc");
  return record;
}

inline npd::v1::RoutingChange Change(uint64_t sequence) {
  npd::v1::RoutingChange change;
  change.set_sequence(sequence);
  change.set_msisdn("138" + std::to_string(10'000'000 + sequence));
  change.set_serving_carrier("cucc");
  change.set_previous_carrier("cmcc");
  change.set_kind(npd::v1::ROUTING_CHANGE_KIND_PORTED);
  return change;
}

inline npd::store::v1::TimerRecord Timer(npd::store::v1::TimerKind kind, int64_t due_seconds,
                                         const std::string& msisdn, const std::string& port_id,
                                         int64_t generation = 0) {
  npd::store::v1::TimerRecord timer;
  timer.set_kind(kind);
  *timer.mutable_due_at() = At(due_seconds);
  timer.set_msisdn(msisdn);
  timer.set_port_id(port_id);
  timer.set_generation(generation);
  return timer;
}

inline npd::store::v1::FeedCursor Cursor(const std::string& carrier, uint64_t confirmed) {
  npd::store::v1::FeedCursor cursor;
  cursor.set_carrier(carrier);
  cursor.set_confirmed_sequence(confirmed);
  return cursor;
}

inline npd::store::v1::Counters MakeCounters(uint64_t ports, uint64_t events, uint64_t feed) {
  npd::store::v1::Counters counters;
  counters.set_last_port_number(ports);
  counters.set_last_event_sequence(events);
  counters.set_last_feed_sequence(feed);
  return counters;
}

inline npd::store::v1::IdempotencyRecord Idempotency(const std::string& method,
                                                     const std::string& response) {
  npd::store::v1::IdempotencyRecord record;
  record.set_method(method);
  record.set_payload_hash(std::string("\x00\x01\xfe\xff", 4));
  record.set_response(response);
  *record.mutable_created_at() = At(1'700'000'000, 123'000'000);
  return record;
}

inline npd::store::v1::RefundRecord Refund(const std::string& refund_id, const std::string& msisdn,
                                           const std::string& donor,
                                           const std::string& home_province,
                                           npd::v1::RefundState state) {
  npd::store::v1::RefundRecord record;
  npd::v1::Refund& refund = *record.mutable_refund();
  refund.set_refund_id(refund_id);
  refund.set_port_id("P" + refund_id.substr(1));
  refund.set_msisdn(msisdn);
  refund.set_donor(donor);
  refund.set_recipient("cucc");
  refund.set_home_province(home_province);
  refund.set_state(state);
  return record;
}

inline npd::store::v1::OutboxRecord Outbox(const std::string& refund_id, npd::v1::RefundStep step,
                                           int64_t version) {
  npd::store::v1::OutboxRecord record;
  record.set_refund_id(refund_id);
  record.set_step(step);
  record.set_idempotency_key(refund_id + ":" + npd::v1::RefundStep_Name(step));
  record.set_attempts(static_cast<int32_t>(version));
  *record.mutable_due_at() = At(1'700'000'000 + version);
  record.set_version(version);
  return record;
}

// What rocks_store_child commits in "commit-and-die" mode.
inline WriteSet ChildWriteSet() {
  WriteSet ws;
  ws.numbers.push_back(Number("13900000009", "ctcc"));
  ws.events.push_back(Event("13900000009", 8));
  ws.feed.push_back(Change(5));
  ws.counters = MakeCounters(1, 8, 5);
  return ws;
}

}  // namespace npd::storage::testing

#endif  // NPD_TESTS_STORAGE_STORE_TEST_RECORDS_H_
