#include "daemon/service/history_service.h"

#include <string>
#include <unordered_map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/core/port_machine.h"
#include "daemon/service/status.h"
#include "daemon/service/unary.h"
#include "daemon/service/validation.h"

namespace npd::service {
namespace {

using npd::store::v1::EventRecord;

// Events read from the store at a time.
constexpr size_t kScanChunk = 256;
// Most events one GetHistory call scans. A number's history is normally far shorter; the bound
// keeps one call's work on the reactor thread finite when the caller may see few of a long
// history's events (the page then ends early with a cursor to go on from).
constexpr size_t kMaxScannedEvents = 10'000;

// Which events of the number belong to the requested subject.
struct Subject {
  std::string msisdn;
  std::string port_id;    // set: only this port's events
  std::string refund_id;  // set: only this case's events

  bool Includes(const EventRecord& event) const {
    if (!port_id.empty()) return event.port_id() == port_id;
    if (!refund_id.empty()) return event.refund_id() == refund_id;
    return true;
  }
};

// Decides which events a caller may see (history.proto): the operator all of them; a carrier those
// it caused, those of ports it is the donor or recipient of, and those of refund cases it refunds.
// Looks each port and case up once per call.
class Visibility {
 public:
  Visibility(storage::Store& store, std::string caller)
      : store_(store), caller_(std::move(caller)) {}

  absl::StatusOr<bool> MaySee(const EventRecord& event) {
    if (caller_ == core::kOperatorActor || event.actor() == caller_) return true;
    if (!event.refund_id().empty()) return RefundsCase(event.refund_id());
    if (!event.port_id().empty()) return PartyToPort(event.port_id());
    return false;  // an event of the number alone (a code) is its actor's
  }

  // Whether the caller is the donor or recipient of `port`.
  bool PartyTo(const npd::v1::Port& port) const {
    return caller_ == core::kOperatorActor || port.donor() == caller_ ||
           port.recipient() == caller_;
  }
  // Whether the caller refunds (is the donor of) `refund`.
  bool Refunds(const npd::v1::Refund& refund) const {
    return caller_ == core::kOperatorActor || refund.donor() == caller_;
  }

 private:
  absl::StatusOr<bool> PartyToPort(const std::string& port_id) {
    if (auto it = ports_.find(port_id); it != ports_.end()) return it->second;
    auto record = store_.GetPort(port_id);
    if (!record.ok()) return record.status();
    const bool party = record->has_value() && PartyTo((*record)->port());
    ports_.emplace(port_id, party);
    return party;
  }

  absl::StatusOr<bool> RefundsCase(const std::string& refund_id) {
    if (auto it = refunds_.find(refund_id); it != refunds_.end()) return it->second;
    auto record = store_.GetRefund(refund_id);
    if (!record.ok()) return record.status();
    const bool donor = record->has_value() && Refunds((*record)->refund());
    refunds_.emplace(refund_id, donor);
    return donor;
  }

  storage::Store& store_;
  const std::string caller_;
  std::unordered_map<std::string, bool> ports_;
  std::unordered_map<std::string, bool> refunds_;
};

// The subject of `request`, or NOT_FOUND for a port or case that does not exist or that the caller
// may not see (the two are indistinguishable to a carrier).
absl::StatusOr<Subject> ResolveSubject(storage::Store& store,
                                       const npd::v1::GetHistoryRequest& request,
                                       const Visibility& visibility) {
  Subject subject;
  switch (request.subject_case()) {
    case npd::v1::GetHistoryRequest::kPortId: {
      auto record = store.GetPort(request.port_id());
      if (!record.ok()) return record.status();
      if (!record->has_value() || !visibility.PartyTo((*record)->port())) {
        return absl::NotFoundError(absl::StrCat("no port ", request.port_id()));
      }
      subject.msisdn = (*record)->port().msisdn();
      subject.port_id = request.port_id();
      return subject;
    }
    case npd::v1::GetHistoryRequest::kRefundId: {
      auto record = store.GetRefund(request.refund_id());
      if (!record.ok()) return record.status();
      if (!record->has_value() || !visibility.Refunds((*record)->refund())) {
        return absl::NotFoundError(absl::StrCat("no refund ", request.refund_id()));
      }
      subject.msisdn = (*record)->refund().msisdn();
      subject.refund_id = request.refund_id();
      return subject;
    }
    default:  // kMsisdn; validation refused a missing subject
      subject.msisdn = request.msisdn();
      return subject;
  }
}

// Fills `response` with the subject's events after request.after_sequence that the caller may see,
// at most `page_size`. next_after_sequence is the last event returned when another visible event of
// the subject follows, the last event scanned when the scan bound stopped the page, else 0.
absl::Status FillPage(storage::Store& store, const Subject& subject, Visibility& visibility,
                      uint64_t after_sequence, int page_size,
                      npd::v1::GetHistoryResponse& response) {
  uint64_t cursor = after_sequence;
  size_t scanned = 0;
  while (true) {
    auto chunk = store.ReadHistory(subject.msisdn, cursor, kScanChunk);
    if (!chunk.ok()) return chunk.status();
    for (const EventRecord& event : *chunk) {
      cursor = event.sequence();
      ++scanned;
      if (!subject.Includes(event)) continue;
      auto visible = visibility.MaySee(event);
      if (!visible.ok()) return visible.status();
      if (!*visible) continue;
      if (response.events_size() == page_size) {
        response.set_next_after_sequence(response.events(page_size - 1).sequence());
        return absl::OkStatus();
      }
      *response.add_events() = ToHistoryEvent(event);
    }
    if (chunk->size() < kScanChunk) return absl::OkStatus();
    if (scanned >= kMaxScannedEvents) {
      response.set_next_after_sequence(cursor);
      return absl::OkStatus();
    }
  }
}

}  // namespace

grpc::ServerUnaryReactor* HistoryService::GetHistory(grpc::CallbackServerContext* context,
                                                     const npd::v1::GetHistoryRequest* request,
                                                     npd::v1::GetHistoryResponse* response) {
  return RunRead(gatekeeper_, context, *request, "/npd.v1.HistoryService/GetHistory",
                 [&](const Principal& caller) -> absl::Status {
                   if (auto s = Validate(*request); !s.ok()) return s;
                   Visibility visibility(store_, caller.Actor());
                   auto subject = ResolveSubject(store_, *request, visibility);
                   if (!subject.ok()) return subject.status();
                   response->set_msisdn(subject->msisdn);
                   const int page_size =
                       request->page_size() == 0 ? kDefaultPageSize : request->page_size();
                   return FillPage(store_, *subject, visibility, request->after_sequence(),
                                   page_size, *response);
                 });
}

}  // namespace npd::service
