// The service-quality report of npd/v1/report.proto as a pure fold over stored events: feed it
// every event (any order), get the per-carrier figures. No I/O: the facts of a port or refund case
// an event needs come from lookups the caller supplies, and only facts that are fixed by the time
// of the event are used, so the figures of a window depend on nothing that happened after it. Each
// figure's definition is in report.proto.
#ifndef NPD_DAEMON_CORE_REPORT_H_
#define NPD_DAEMON_CORE_REPORT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "npd/store/v1/records.pb.h"
#include "npd/v1/porting.pb.h"
#include "npd/v1/refund.pb.h"
#include "npd/v1/report.pb.h"

namespace npd::core {

// The longest window a report may cover.
inline constexpr absl::Duration kMaxReportWindow = absl::Hours(24 * 400);

// INVALID_ARGUMENT unless from < to and to - from <= kMaxReportWindow.
absl::Status ValidateReportWindow(absl::Time from, absl::Time to);

// What the report needs of a port. All of it is set when the port is created, except the refusal
// reasons, which are set when it is rejected and never change after.
struct ReportPortFacts {
  std::string donor;
  std::string recipient;
  absl::Time submitted_at;
  absl::Time donor_deadline_at;  // the Unix epoch for a port refused at submit
  std::vector<npd::v1::ReasonCode> refusal_reasons;
};
ReportPortFacts ReportFactsOf(const npd::v1::Port& port);

// What the report needs of a refund case: set when it opens, except the claim province and the
// paid amount, which are those of the payout once it is PAID and never change after.
struct ReportRefundFacts {
  std::string donor;
  std::string home_province;
  absl::Time opened_at;
  std::string claim_province;
  int64_t paid_fen = 0;
};
ReportRefundFacts ReportFactsOf(const npd::v1::Refund& refund);

// Where the builder reads facts. An error (e.g. NOT_FOUND for a port the event names but the store
// lacks) stops the report with that error.
struct ReportLookups {
  std::function<absl::StatusOr<ReportPortFacts>(const std::string& port_id)> port;
  std::function<absl::StatusOr<ReportRefundFacts>(const std::string& refund_id)> refund;
};

// Summary of `durations` as report.proto defines DurationStats (nearest rank, whole seconds
// truncated). Reorders `durations`.
npd::v1::DurationStats SummariseDurations(std::vector<absl::Duration>& durations);

// Accumulates one report. Thread-compatible. Memory grows with the events in the window (one
// duration per counted event, one entry per refund case with events in it), not with the history.
class ReportBuilder {
 public:
  // Rows for exactly `carriers` (each gets one, possibly all zero); figures of any other carrier
  // are dropped. The window must satisfy ValidateReportWindow.
  ReportBuilder(absl::Time from, absl::Time to, const std::vector<std::string>& carriers,
                ReportLookups lookups);

  // Takes one stored event. Events outside [from, to) are skipped without a lookup; events of
  // types no figure counts are only counted in events_in_window. Returns a lookup's error.
  absl::Status Add(const npd::store::v1::EventRecord& event);

  // The report; `last_event_sequence` is the position of the history that was read.
  npd::v1::Report Finish(uint64_t last_event_sequence) &&;

 private:
  struct Row {
    npd::v1::CarrierReport figures;
    std::map<npd::v1::ReasonCode, npd::v1::RefusalCount> refusals;  // ascending reason
    std::map<npd::v1::RefundState, uint64_t> refund_cases;          // ascending state
    std::vector<absl::Duration> completion_in;
    std::vector<absl::Duration> completion_out;
    std::vector<absl::Duration> donor_answers;
    std::vector<absl::Duration> port_to_payout;
  };
  // A refund case with events in the window: its last one (by sequence) and whether it opened.
  struct CaseInWindow {
    uint64_t last_sequence = 0;
    npd::v1::RefundState state = npd::v1::REFUND_STATE_UNSPECIFIED;
    std::string opened_by;  // the donor, when REFUND_OPENED is in the window
  };

  Row* RowOf(const std::string& carrier);
  absl::StatusOr<const ReportPortFacts*> PortFacts(const std::string& port_id);
  absl::Status AddPortEvent(const npd::store::v1::EventRecord& event, absl::Time at);
  absl::Status AddRefundEvent(const npd::store::v1::EventRecord& event, absl::Time at);

  const absl::Time from_;
  const absl::Time to_;
  ReportLookups lookups_;
  std::map<std::string, Row, std::less<>> rows_;
  std::map<std::string, CaseInWindow, std::less<>> cases_;
  uint64_t events_in_window_ = 0;
  // Events of one number arrive together in a store scan, so the last port's facts are kept.
  std::string cached_port_id_;
  ReportPortFacts cached_port_;
};

}  // namespace npd::core

#endif  // NPD_DAEMON_CORE_REPORT_H_
