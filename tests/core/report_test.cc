// The report fold (daemon/core/report.h) over hand-built event lists whose figures are counted by
// hand in the comments: ports in and out, requests, refusals by reason, submit-to-completion and
// donor answer times (nearest-rank medians and p95), the on-time share, refund cases by state at
// the end of the window, port-to-payout, claims from another province, and the window's edges.
#include "daemon/core/report.h"

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/core/time_convert.h"
#include "tests/core/core_test_util.h"

namespace npd::core {
namespace {

using npd::store::v1::EventRecord;
using npd::v1::CarrierReport;
using npd::v1::PortState;
using npd::v1::RefundState;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::Local;

// The window of every test: one day of China time.
const absl::Time kFrom = Local(2026, 11, 2);
const absl::Time kTo = Local(2026, 11, 3);

absl::Time H(double hours) { return kFrom + absl::Seconds(hours * 3600); }

ReportPortFacts PortFacts(const std::string& donor, const std::string& recipient,
                          absl::Time submitted, absl::Time deadline,
                          std::vector<npd::v1::ReasonCode> reasons = {}) {
  return ReportPortFacts{.donor = donor,
                         .recipient = recipient,
                         .submitted_at = submitted,
                         .donor_deadline_at = deadline,
                         .refusal_reasons = std::move(reasons)};
}

ReportRefundFacts RefundFacts(const std::string& donor, absl::Time opened,
                              const std::string& claim_province = "", int64_t paid_fen = 0) {
  return ReportRefundFacts{.donor = donor,
                           .home_province = "Beijing",
                           .opened_at = opened,
                           .claim_province = claim_province,
                           .paid_fen = paid_fen};
}

// Builds the events of a scenario and the facts the lookups answer with.
class Scenario {
 public:
  void Port(const std::string& port_id, ReportPortFacts facts) { ports_[port_id] = facts; }
  void Refund(const std::string& refund_id, ReportRefundFacts facts) {
    refunds_[refund_id] = facts;
  }

  void PortEvent(const std::string& port_id, const std::string& type, absl::Time at,
                 PortState before = npd::v1::PORT_STATE_UNSPECIFIED,
                 PortState after = npd::v1::PORT_STATE_UNSPECIFIED) {
    EventRecord& e = events_.emplace_back();
    e.set_sequence(events_.size());
    e.set_msisdn("138" + port_id.substr(port_id.size() - 8));
    e.set_port_id(port_id);
    *e.mutable_at() = ToProto(at);
    e.set_type(type);
    e.set_state_before(before);
    e.set_state_after(after);
  }

  void RefundEvent(const std::string& refund_id, const std::string& type, absl::Time at,
                   RefundState after) {
    EventRecord& e = events_.emplace_back();
    e.set_sequence(events_.size());
    e.set_msisdn("138" + refund_id.substr(refund_id.size() - 8));
    e.set_port_id("P" + refund_id.substr(1));
    e.set_refund_id(refund_id);
    *e.mutable_at() = ToProto(at);
    e.set_type(type);
    e.set_refund_state_after(after);
  }

  ReportLookups Lookups() {
    return ReportLookups{
        .port = [this](const std::string& id) -> absl::StatusOr<ReportPortFacts> {
          ++port_lookups_;
          auto it = ports_.find(id);
          if (it == ports_.end()) return absl::NotFoundError("no port " + id);
          return it->second;
        },
        .refund = [this](const std::string& id) -> absl::StatusOr<ReportRefundFacts> {
          auto it = refunds_.find(id);
          if (it == refunds_.end()) return absl::NotFoundError("no refund " + id);
          return it->second;
        }};
  }

  // The report over `events` (default: all, in the order written).
  npd::v1::Report Run(const std::vector<std::string>& carriers = {"cmcc", "ctcc", "cucc"},
                      std::vector<EventRecord> events = {}) {
    if (events.empty()) events = events_;
    ReportBuilder builder(kFrom, kTo, carriers, Lookups());
    for (const EventRecord& e : events) {
      absl::Status s = builder.Add(e);
      EXPECT_TRUE(s.ok()) << s;
    }
    return std::move(builder).Finish(events_.size());
  }

  const std::vector<EventRecord>& events() const { return events_; }
  int port_lookups() const { return port_lookups_; }

 private:
  std::map<std::string, ReportPortFacts> ports_;
  std::map<std::string, ReportRefundFacts> refunds_;
  std::vector<EventRecord> events_;
  int port_lookups_ = 0;
};

const CarrierReport& Row(const npd::v1::Report& report, const std::string& carrier) {
  for (const CarrierReport& row : report.carriers()) {
    if (row.carrier() == carrier) return row;
  }
  static const CarrierReport kMissing;
  ADD_FAILURE() << "no row for " << carrier;
  return kMissing;
}

std::vector<std::string> Refusals(const CarrierReport& row) {
  std::vector<std::string> out;
  for (const auto& r : row.refusals()) {
    out.push_back(ReasonName(r.reason()) + " " + std::to_string(r.ports_in()) + "/" +
                  std::to_string(r.ports_out()));
  }
  return out;
}

std::vector<std::string> Cases(const CarrierReport& row) {
  std::vector<std::string> out;
  for (const auto& c : row.refund_cases()) {
    out.push_back(npd::v1::RefundState_Name(c.state()) + " " + std::to_string(c.cases()));
  }
  return out;
}

// Eight ports between three carriers in one day (times are hours after the window opens):
//   P1 cmcc->cucc  submitted 1, deadline 2, approved 1.5 (on time, 30m), completed 3 (2h)
//   P2 cmcc->cucc  submitted 2, deadline 3, approved 4 (late, 2h),      completed 5 (3h)
//   P3 cmcc->ctcc  submitted 3, deadline 4, rejected by cmcc 3h10m (on time, 10m): R03, R05
//   P4 cucc->cmcc  refused by npd at submit 4: R06, R09
//   P5 cmcc->cucc  submitted 5, deadline 6, deemed approved 6
//   P6 ctcc->cmcc  submitted 2h before the window, completed 0.5 (2h30m)
//   P7 cmcc->cucc  submitted 20, deadline 21, expired unanswered 22
//   P8 cucc->ctcc  submitted exactly at `from` (counted), completed exactly at `to` (not counted)
void AddPorts(Scenario& s) {
  using npd::v1::PORT_STATE_COMPLETED;
  using npd::v1::PORT_STATE_CUTOVER;
  using npd::v1::PORT_STATE_EXPIRED;
  using npd::v1::PORT_STATE_PENDING_DONOR;
  using npd::v1::PORT_STATE_REJECTED;
  using npd::v1::PORT_STATE_SCHEDULED;
  using npd::v1::PORT_STATE_UNSPECIFIED;
  s.Port("P000000000001", PortFacts("cmcc", "cucc", H(1), H(2)));
  s.PortEvent("P000000000001", "PORT_SUBMITTED", H(1), PORT_STATE_UNSPECIFIED,
              PORT_STATE_PENDING_DONOR);
  s.PortEvent("P000000000001", "PORT_APPROVED", H(1.5), PORT_STATE_PENDING_DONOR,
              PORT_STATE_SCHEDULED);
  s.PortEvent("P000000000001", "PORT_CUTOVER", H(2), PORT_STATE_SCHEDULED, PORT_STATE_CUTOVER);
  s.PortEvent("P000000000001", "ROUTING_CONFIRMED", H(3), PORT_STATE_CUTOVER, PORT_STATE_CUTOVER);
  s.PortEvent("P000000000001", "PORT_COMPLETED", H(3), PORT_STATE_CUTOVER, PORT_STATE_COMPLETED);

  s.Port("P000000000002", PortFacts("cmcc", "cucc", H(2), H(3)));
  s.PortEvent("P000000000002", "PORT_SUBMITTED", H(2), PORT_STATE_UNSPECIFIED,
              PORT_STATE_PENDING_DONOR);
  s.PortEvent("P000000000002", "DONOR_DEADLINE_PASSED", H(3), PORT_STATE_PENDING_DONOR,
              PORT_STATE_PENDING_DONOR);
  s.PortEvent("P000000000002", "PORT_APPROVED", H(4), PORT_STATE_PENDING_DONOR,
              PORT_STATE_SCHEDULED);
  s.PortEvent("P000000000002", "PORT_COMPLETED", H(5), PORT_STATE_CUTOVER, PORT_STATE_COMPLETED);

  s.Port("P000000000003", PortFacts("cmcc", "ctcc", H(3), H(4),
                                    {npd::v1::REASON_CODE_R03_ARREARS_BILLED,
                                     npd::v1::REASON_CODE_R05_LOCK_IN_CONTRACT}));
  s.PortEvent("P000000000003", "PORT_SUBMITTED", H(3), PORT_STATE_UNSPECIFIED,
              PORT_STATE_PENDING_DONOR);
  s.PortEvent("P000000000003", "PORT_REJECTED", H(3) + absl::Minutes(10), PORT_STATE_PENDING_DONOR,
              PORT_STATE_REJECTED);

  s.Port("P000000000004", PortFacts("cucc", "cmcc", H(4), absl::UnixEpoch(),
                                    {npd::v1::REASON_CODE_R06_PORT_INTERVAL_120D,
                                     npd::v1::REASON_CODE_R09_AUTH_CODE_INVALID}));
  s.PortEvent("P000000000004", "PORT_REJECTED", H(4), PORT_STATE_UNSPECIFIED, PORT_STATE_REJECTED);

  s.Port("P000000000005", PortFacts("cmcc", "cucc", H(5), H(6)));
  s.PortEvent("P000000000005", "PORT_SUBMITTED", H(5), PORT_STATE_UNSPECIFIED,
              PORT_STATE_PENDING_DONOR);
  s.PortEvent("P000000000005", "PORT_DEEMED_APPROVED", H(6), PORT_STATE_PENDING_DONOR,
              PORT_STATE_SCHEDULED);

  s.Port("P000000000006", PortFacts("ctcc", "cmcc", H(-2), H(-1)));
  s.PortEvent("P000000000006", "PORT_SUBMITTED", H(-2), PORT_STATE_UNSPECIFIED,
              PORT_STATE_PENDING_DONOR);
  s.PortEvent("P000000000006", "PORT_APPROVED", H(-1.5), PORT_STATE_PENDING_DONOR,
              PORT_STATE_SCHEDULED);
  s.PortEvent("P000000000006", "PORT_COMPLETED", H(0.5), PORT_STATE_CUTOVER, PORT_STATE_COMPLETED);

  s.Port("P000000000007", PortFacts("cmcc", "cucc", H(20), H(21)));
  s.PortEvent("P000000000007", "PORT_SUBMITTED", H(20), PORT_STATE_UNSPECIFIED,
              PORT_STATE_PENDING_DONOR);
  s.PortEvent("P000000000007", "PORT_EXPIRED", H(22), PORT_STATE_PENDING_DONOR, PORT_STATE_EXPIRED);

  s.Port("P000000000008", PortFacts("cucc", "ctcc", kFrom, H(1)));
  s.PortEvent("P000000000008", "PORT_SUBMITTED", kFrom, PORT_STATE_UNSPECIFIED,
              PORT_STATE_PENDING_DONOR);
  s.PortEvent("P000000000008", "PORT_APPROVED", H(0.25), PORT_STATE_PENDING_DONOR,
              PORT_STATE_SCHEDULED);
  s.PortEvent("P000000000008", "PORT_COMPLETED", kTo, PORT_STATE_CUTOVER, PORT_STATE_COMPLETED);
}

TEST(ReportTest, PortFiguresMatchTheHandCount) {
  Scenario s;
  AddPorts(s);
  const npd::v1::Report report = s.Run();
  ASSERT_EQ(report.carriers_size(), 3);
  EXPECT_EQ(report.carriers(0).carrier(), "cmcc");
  EXPECT_EQ(report.carriers(1).carrier(), "ctcc");
  EXPECT_EQ(report.carriers(2).carrier(), "cucc");
  EXPECT_EQ(core::FromProto(report.from()), kFrom);
  EXPECT_EQ(core::FromProto(report.to()), kTo);
  // Every event but P6's two before the window and P8's completion at `to`.
  EXPECT_EQ(report.events_in_window(), s.events().size() - 3);
  EXPECT_EQ(report.last_event_sequence(), s.events().size());

  const CarrierReport& cmcc = Row(report, "cmcc");
  EXPECT_EQ(cmcc.ports_out(), 2u);     // P1, P2
  EXPECT_EQ(cmcc.ports_in(), 1u);      // P6
  EXPECT_EQ(cmcc.requests_out(), 5u);  // P1, P2, P3, P5, P7
  EXPECT_EQ(cmcc.requests_in(), 1u);   // P4 (P6 was submitted before the window)
  EXPECT_EQ(cmcc.refused_out(), 1u);   // P3
  EXPECT_EQ(cmcc.refused_in(), 1u);    // P4
  EXPECT_THAT(Refusals(cmcc),
              ElementsAre("R03_ARREARS_BILLED 0/1", "R05_LOCK_IN_CONTRACT 0/1",
                          "R06_PORT_INTERVAL_120D 1/0", "R09_AUTH_CODE_INVALID 1/0"));
  // Completion out: 2h, 3h -> median rank ceil(1) = 2h, p95 rank ceil(1.9) = 3h.
  EXPECT_EQ(cmcc.completion_out().count(), 2u);
  EXPECT_EQ(cmcc.completion_out().median_seconds(), 7200);
  EXPECT_EQ(cmcc.completion_out().p95_seconds(), 10800);
  EXPECT_EQ(cmcc.completion_in().count(), 1u);  // P6: 2h30m
  EXPECT_EQ(cmcc.completion_in().median_seconds(), 9000);
  EXPECT_EQ(cmcc.completion_in().p95_seconds(), 9000);
  // Answers 10m (P3), 30m (P1), 2h (P2): median rank 2 = 30m, p95 rank ceil(2.85) = 3 = 2h.
  EXPECT_EQ(cmcc.donor_answers().count(), 3u);
  EXPECT_EQ(cmcc.donor_answers().median_seconds(), 1800);
  EXPECT_EQ(cmcc.donor_answers().p95_seconds(), 7200);
  EXPECT_EQ(cmcc.donor_answers_on_time(), 2u);     // P1, P3
  EXPECT_EQ(cmcc.donor_deemed_approvals(), 1u);    // P5
  EXPECT_EQ(cmcc.donor_unanswered_expired(), 1u);  // P7
  EXPECT_DOUBLE_EQ(cmcc.donor_on_time_share(), 2.0 / 5.0);

  const CarrierReport& cucc = Row(report, "cucc");
  EXPECT_EQ(cucc.ports_in(), 2u);      // P1, P2
  EXPECT_EQ(cucc.ports_out(), 0u);     // P8 completed at `to`, outside
  EXPECT_EQ(cucc.requests_in(), 4u);   // P1, P2, P5, P7
  EXPECT_EQ(cucc.requests_out(), 2u);  // P4 refused at submit, P8 submitted at `from`
  EXPECT_EQ(cucc.refused_in(), 0u);
  EXPECT_EQ(cucc.refused_out(), 1u);  // P4
  EXPECT_THAT(Refusals(cucc),
              ElementsAre("R06_PORT_INTERVAL_120D 0/1", "R09_AUTH_CODE_INVALID 0/1"));
  EXPECT_EQ(cucc.completion_in().median_seconds(), 7200);
  EXPECT_EQ(cucc.completion_in().p95_seconds(), 10800);
  EXPECT_EQ(cucc.completion_out().count(), 0u);
  // P8 answered 15m after submit, deadline 1h: on time.
  EXPECT_EQ(cucc.donor_answers().count(), 1u);
  EXPECT_EQ(cucc.donor_answers().median_seconds(), 900);
  EXPECT_DOUBLE_EQ(cucc.donor_on_time_share(), 1.0);

  const CarrierReport& ctcc = Row(report, "ctcc");
  EXPECT_EQ(ctcc.ports_out(), 1u);  // P6
  EXPECT_EQ(ctcc.completion_out().median_seconds(), 9000);
  EXPECT_EQ(ctcc.requests_in(), 2u);  // P3, P8
  EXPECT_EQ(ctcc.refused_in(), 1u);   // P3
  EXPECT_THAT(Refusals(ctcc), ElementsAre("R03_ARREARS_BILLED 1/0", "R05_LOCK_IN_CONTRACT 1/0"));
  // ctcc's only answer (P6) was before the window: nothing was due in it.
  EXPECT_EQ(ctcc.donor_answers().count(), 0u);
  EXPECT_DOUBLE_EQ(ctcc.donor_on_time_share(), 0.0);
  EXPECT_THAT(Cases(ctcc), IsEmpty());
}

// Refund cases (all home province Beijing):
//   R1 cmcc  opened 3, await claim 4, claimed 5, paid 6 in Guangdong (82.00), settled 25 (after)
//   R2 cmcc  opened 5, stuck 6
//   R3 cmcc  opened the day before at 22:00 (H(-2)), paid 2 in Beijing (50.00): 4h port-to-payout
//   R4 cucc  opened 10, closed without refund 11
void AddRefunds(Scenario& s) {
  using npd::v1::REFUND_STATE_AWAIT_CLAIM;
  using npd::v1::REFUND_STATE_CLOSED_NO_REFUND;
  using npd::v1::REFUND_STATE_FUNDS_RESERVED;
  using npd::v1::REFUND_STATE_OPENED;
  using npd::v1::REFUND_STATE_PAID;
  using npd::v1::REFUND_STATE_SETTLED;
  using npd::v1::REFUND_STATE_STUCK;
  s.Refund("R000000000011", RefundFacts("cmcc", H(3), "Guangdong", 8200));
  s.RefundEvent("R000000000011", "REFUND_OPENED", H(3), REFUND_STATE_OPENED);
  s.RefundEvent("R000000000011", "REFUND_AWAIT_CLAIM", H(4), REFUND_STATE_AWAIT_CLAIM);
  s.RefundEvent("R000000000011", "REFUND_CLAIMED", H(5), REFUND_STATE_FUNDS_RESERVED);
  s.RefundEvent("R000000000011", "REFUND_PAID", H(6), REFUND_STATE_PAID);
  s.RefundEvent("R000000000011", "REFUND_SETTLED", H(25), REFUND_STATE_SETTLED);

  s.Refund("R000000000012", RefundFacts("cmcc", H(5)));
  s.RefundEvent("R000000000012", "REFUND_OPENED", H(5), REFUND_STATE_OPENED);
  s.RefundEvent("R000000000012", "REFUND_STUCK", H(6), REFUND_STATE_STUCK);

  s.Refund("R000000000013", RefundFacts("cmcc", H(-2), "Beijing", 5000));
  s.RefundEvent("R000000000013", "REFUND_OPENED", H(-2), REFUND_STATE_OPENED);
  s.RefundEvent("R000000000013", "REFUND_PAID", H(2), REFUND_STATE_PAID);

  s.Refund("R000000000014", RefundFacts("cucc", H(10)));
  s.RefundEvent("R000000000014", "REFUND_OPENED", H(10), REFUND_STATE_OPENED);
  s.RefundEvent("R000000000014", "REFUND_CLOSED_NO_REFUND", H(11), REFUND_STATE_CLOSED_NO_REFUND);
}

TEST(ReportTest, RefundFiguresMatchTheHandCount) {
  Scenario s;
  AddRefunds(s);
  const npd::v1::Report report = s.Run();

  const CarrierReport& cmcc = Row(report, "cmcc");
  EXPECT_EQ(cmcc.refunds_opened(), 2u);  // R1, R2 (R3 opened before the window)
  // R1's settlement comes after the window: it is PAID at its end.
  EXPECT_THAT(Cases(cmcc), ElementsAre("REFUND_STATE_PAID 1", "REFUND_STATE_STUCK 1"));
  EXPECT_EQ(cmcc.refunds_paid(), 2u);  // R1, R3
  EXPECT_EQ(cmcc.refunds_paid_fen(), 13200);
  // Port to payout: R1 3h, R3 4h: median rank 1 = 3h, p95 rank 2 = 4h.
  EXPECT_EQ(cmcc.port_to_payout().count(), 2u);
  EXPECT_EQ(cmcc.port_to_payout().median_seconds(), 3 * 3600);
  EXPECT_EQ(cmcc.port_to_payout().p95_seconds(), 4 * 3600);
  EXPECT_EQ(cmcc.paid_claims_other_province(), 1u);  // R1 in Guangdong; R3 at home

  const CarrierReport& cucc = Row(report, "cucc");
  EXPECT_EQ(cucc.refunds_opened(), 1u);
  EXPECT_THAT(Cases(cucc), ElementsAre("REFUND_STATE_CLOSED_NO_REFUND 1"));
  EXPECT_EQ(cucc.refunds_paid(), 0u);
  EXPECT_EQ(cucc.port_to_payout().count(), 0u);

  EXPECT_EQ(Row(report, "ctcc").refunds_opened(), 0u);
}

TEST(ReportTest, PayoutConflictsAndReconciliationsAreCountedPerDonorInTheWindow) {
  using npd::v1::REFUND_STATE_PAID;
  using npd::v1::REFUND_STATE_STUCK;
  Scenario s;
  // R5 cmcc: two conflicts in the window (one stopped the case), reconciled in it; one after it.
  s.Refund("R000000000015", RefundFacts("cmcc", H(-30)));
  s.RefundEvent("R000000000015", "REFUND_PAYOUT_CONFLICT", H(2), REFUND_STATE_PAID);
  s.RefundEvent("R000000000015", "REFUND_PAYOUT_CONFLICT", H(3), REFUND_STATE_PAID);
  s.RefundEvent("R000000000015", "REFUND_STUCK", H(3), REFUND_STATE_STUCK);
  s.RefundEvent("R000000000015", "REFUND_PAYOUT_CONFLICT_RESOLVED", H(5), REFUND_STATE_STUCK);
  s.RefundEvent("R000000000015", "REFUND_PAYOUT_CONFLICT", H(25), REFUND_STATE_PAID);
  // R6 ctcc: a conflict before the window, its reconciliation in it.
  s.Refund("R000000000016", RefundFacts("ctcc", H(-30)));
  s.RefundEvent("R000000000016", "REFUND_PAYOUT_CONFLICT", H(-1), REFUND_STATE_PAID);
  s.RefundEvent("R000000000016", "REFUND_PAYOUT_CONFLICT_RESOLVED", H(1), REFUND_STATE_PAID);
  const npd::v1::Report report = s.Run();
  EXPECT_EQ(Row(report, "cmcc").payout_conflicts(), 2u);
  EXPECT_EQ(Row(report, "cmcc").payout_reconciliations(), 1u);
  EXPECT_EQ(Row(report, "ctcc").payout_conflicts(), 0u);
  EXPECT_EQ(Row(report, "ctcc").payout_reconciliations(), 1u);
  EXPECT_EQ(Row(report, "cucc").payout_conflicts(), 0u);
  EXPECT_EQ(Row(report, "cmcc").refunds_opened(), 0u);  // opened before the window
}

TEST(ReportTest, EventOrderDoesNotMatter) {
  Scenario s;
  AddPorts(s);
  AddRefunds(s);
  const npd::v1::Report in_order = s.Run();
  std::vector<EventRecord> shuffled = s.events();
  std::mt19937 random(7);
  std::shuffle(shuffled.begin(), shuffled.end(), random);
  const npd::v1::Report out_of_order = s.Run({"cmcc", "ctcc", "cucc"}, shuffled);
  EXPECT_EQ(in_order.SerializeAsString(), out_of_order.SerializeAsString());
}

TEST(ReportTest, AnAnswerExactlyAtTheDeadlineIsOnTimeAMicrosecondLaterIsNot) {
  Scenario s;
  s.Port("P000000000001", PortFacts("cmcc", "cucc", H(1), H(2)));
  s.PortEvent("P000000000001", "PORT_APPROVED", H(2), npd::v1::PORT_STATE_PENDING_DONOR,
              npd::v1::PORT_STATE_SCHEDULED);
  s.Port("P000000000002", PortFacts("cmcc", "cucc", H(1), H(2)));
  s.PortEvent("P000000000002", "PORT_APPROVED", H(2) + absl::Microseconds(1),
              npd::v1::PORT_STATE_PENDING_DONOR, npd::v1::PORT_STATE_SCHEDULED);
  const npd::v1::Report report = s.Run();
  const CarrierReport& cmcc = Row(report, "cmcc");
  EXPECT_EQ(cmcc.donor_answers().count(), 2u);
  EXPECT_EQ(cmcc.donor_answers_on_time(), 1u);
  EXPECT_DOUBLE_EQ(cmcc.donor_on_time_share(), 0.5);
}

TEST(ReportTest, OnlyTheNamedCarriersGetRows) {
  Scenario s;
  AddPorts(s);
  AddRefunds(s);
  const npd::v1::Report all = s.Run();
  const npd::v1::Report only = s.Run({"cucc"});
  ASSERT_EQ(only.carriers_size(), 1);
  EXPECT_EQ(only.carriers(0).SerializeAsString(), Row(all, "cucc").SerializeAsString());
  EXPECT_EQ(only.events_in_window(), all.events_in_window());
}

TEST(ReportTest, EmptyWindowGivesZeroRowsForEveryCarrier) {
  Scenario s;
  const npd::v1::Report report = s.Run({"cmcc", "cucc"});
  ASSERT_EQ(report.carriers_size(), 2);
  for (const CarrierReport& row : report.carriers()) {
    EXPECT_EQ(row.ports_in() + row.ports_out() + row.requests_in() + row.refunds_opened(), 0u);
    EXPECT_EQ(row.donor_answers().count(), 0u);
    EXPECT_THAT(row.refusals(), IsEmpty());
  }
  EXPECT_EQ(report.events_in_window(), 0u);
}

TEST(ReportTest, EventsOutsideTheWindowAreNotLookedUp) {
  Scenario s;
  s.PortEvent("P000000000099", "PORT_SUBMITTED", kFrom - absl::Microseconds(1));
  s.PortEvent("P000000000099", "PORT_COMPLETED", kTo);
  const npd::v1::Report report = s.Run();  // P99 has no facts: a lookup would fail the test
  EXPECT_EQ(report.events_in_window(), 0u);
  EXPECT_EQ(s.port_lookups(), 0);
}

TEST(ReportTest, EventsOfOnePortAreLookedUpOnce) {
  Scenario s;
  AddPorts(s);
  s.Run();
  // P1-P8 with counted events in the window, each looked up once: P1 and P2 have an uncounted
  // event between counted ones; P6's counted event is its completion only.
  EXPECT_EQ(s.port_lookups(), 8);
}

TEST(ReportTest, MissingFactsStopTheReport) {
  Scenario s;
  s.PortEvent("P000000000099", "PORT_SUBMITTED", H(1));
  ReportBuilder builder(kFrom, kTo, {"cmcc"}, s.Lookups());
  EXPECT_EQ(builder.Add(s.events()[0]).code(), absl::StatusCode::kNotFound);
}

TEST(ReportTest, NearestRankPercentiles) {
  std::vector<absl::Duration> twenty;
  for (int i = 20; i >= 1; --i) twenty.push_back(absl::Seconds(i));
  npd::v1::DurationStats stats = SummariseDurations(twenty);
  EXPECT_EQ(stats.count(), 20u);
  EXPECT_EQ(stats.median_seconds(), 10);  // rank ceil(10) = 10
  EXPECT_EQ(stats.p95_seconds(), 19);     // rank ceil(19) = 19

  std::vector<absl::Duration> five = {absl::Seconds(50), absl::Seconds(10), absl::Seconds(40),
                                      absl::Seconds(20), absl::Seconds(30)};
  stats = SummariseDurations(five);
  EXPECT_EQ(stats.median_seconds(), 30);  // rank ceil(2.5) = 3
  EXPECT_EQ(stats.p95_seconds(), 50);     // rank ceil(4.75) = 5

  std::vector<absl::Duration> one = {absl::Milliseconds(1999)};
  stats = SummariseDurations(one);
  EXPECT_EQ(stats.median_seconds(), 1);  // truncated to whole seconds
  EXPECT_EQ(stats.p95_seconds(), 1);

  std::vector<absl::Duration> none;
  stats = SummariseDurations(none);
  EXPECT_EQ(stats.count(), 0u);
  EXPECT_EQ(stats.median_seconds(), 0);
}

TEST(ReportTest, WindowMustBeForwardAndAtMost400Days) {
  EXPECT_TRUE(ValidateReportWindow(kFrom, kTo).ok());
  EXPECT_TRUE(ValidateReportWindow(kFrom, kFrom + absl::Hours(24 * 400)).ok());
  EXPECT_EQ(ValidateReportWindow(kFrom, kFrom + absl::Hours(24 * 400) + absl::Seconds(1)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateReportWindow(kFrom, kFrom).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateReportWindow(kTo, kFrom).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ReportTest, FactsOfAStoredPortAndCase) {
  npd::v1::Port port;
  port.set_donor("cmcc");
  port.set_recipient("cucc");
  *port.mutable_submitted_at() = ToProto(H(1));
  *port.mutable_donor_deadline_at() = ToProto(H(2));
  port.mutable_refusal()->add_reasons(npd::v1::REASON_CODE_R05_LOCK_IN_CONTRACT);
  const ReportPortFacts p = ReportFactsOf(port);
  EXPECT_EQ(p.donor, "cmcc");
  EXPECT_EQ(p.recipient, "cucc");
  EXPECT_EQ(p.submitted_at, H(1));
  EXPECT_EQ(p.donor_deadline_at, H(2));
  EXPECT_THAT(p.refusal_reasons, ElementsAre(npd::v1::REASON_CODE_R05_LOCK_IN_CONTRACT));

  npd::v1::Refund refund;
  refund.set_donor("cmcc");
  refund.set_home_province("Beijing");
  *refund.mutable_opened_at() = ToProto(H(3));
  refund.mutable_claim()->set_claim_province("Guangdong");
  refund.set_paid_fen(8200);
  const ReportRefundFacts r = ReportFactsOf(refund);
  EXPECT_EQ(r.donor, "cmcc");
  EXPECT_EQ(r.home_province, "Beijing");
  EXPECT_EQ(r.opened_at, H(3));
  EXPECT_EQ(r.claim_province, "Guangdong");
  EXPECT_EQ(r.paid_fen, 8200);
}

}  // namespace
}  // namespace npd::core
