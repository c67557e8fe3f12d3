// `npctl history SUBJECT`: the timeline of a number, port or refund case (HistoryService), every
// page of it, as text or as one JSON document.
//
// The events come from one place (FetchHistory, online) and are printed by another (PrintHistory),
// so that a later offline source (npd's data dir read as of a time) can hand its events to the same
// printer.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "clients/client/human_text.h"
#include "clients/npctl/commands.h"
#include "clients/npctl/paged_list.h"
#include "clients/npctl/replay_command.h"
#include "npd/v1/history.grpc.pb.h"

namespace npd::npctl {
namespace {

// The largest page npd serves; fewer round trips for long histories.
constexpr int kPageSize = 1000;

struct HistoryArgs {
  std::string subject;
  // At most this many events, the oldest first; 0 for all of them.
  int64_t limit = 0;
  // Offline: the number as it was at this event sequence or time, replayed from data_dir.
  std::string at;
  std::string data_dir;
};

bool Digits(const std::string& text, size_t from) {
  return text.size() > from &&
         std::all_of(text.begin() + from, text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Empty when `subject` has the shape of a number (11 digits), a port id ("P" + 12 digits) or a
// refund id ("R" + 12 digits); otherwise what is wrong with it.
std::string SubjectError(const std::string& subject) {
  const bool id = subject.size() == 13 && (subject[0] == 'P' || subject[0] == 'R');
  if ((subject.size() == 11 && Digits(subject, 0)) || (id && Digits(subject, 1))) return "";
  return "must be a number (11 digits), a port id (P + 12 digits) or a refund id (R + 12 "
         "digits), not '" +
         subject + "'";
}

// The request naming `subject` by its shape (SubjectError). Throws UsageError for another shape.
npd::v1::GetHistoryRequest SubjectRequest(const std::string& subject) {
  if (const std::string error = SubjectError(subject); !error.empty()) {
    throw UsageError("SUBJECT " + error);
  }
  npd::v1::GetHistoryRequest request;
  if (subject[0] == 'P') {
    request.set_port_id(subject);
  } else if (subject[0] == 'R') {
    request.set_refund_id(subject);
  } else {
    request.set_msisdn(subject);
  }
  return request;
}

// Every page of `request`'s history, joined into one response: all events ascending, the msisdn,
// and next_after_sequence 0, or the last event kept when `limit` (> 0) cut the history short.
grpc::Status FetchHistory(Session& session, npd::v1::GetHistoryRequest request, int64_t limit,
                          npd::v1::GetHistoryResponse& joined) {
  request.set_page_size(limit > 0 ? static_cast<int>(std::min<int64_t>(limit, kPageSize))
                                  : kPageSize);
  auto stub = npd::v1::HistoryService::NewStub(session.channel());
  return FetchPages<npd::v1::GetHistoryResponse>(
      session, std::move(request),
      [&](grpc::ClientContext* context, const npd::v1::GetHistoryRequest& r,
          npd::v1::GetHistoryResponse* out) { return stub->GetHistory(context, r, out); },
      [&](npd::v1::GetHistoryRequest& next, const npd::v1::GetHistoryResponse& page) {
        joined.set_msisdn(page.msisdn());
        for (const npd::v1::HistoryEvent& event : page.events()) {
          if (limit > 0 && joined.events_size() == limit) {
            joined.set_next_after_sequence(joined.events(joined.events_size() - 1).sequence());
            return false;
          }
          *joined.add_events() = event;
        }
        if (page.next_after_sequence() == 0) return false;
        if (limit > 0 && joined.events_size() == limit) {
          joined.set_next_after_sequence(joined.events(joined.events_size() - 1).sequence());
          return false;
        }
        next.set_after_sequence(page.next_after_sequence());
        return true;
      });
}

// Text: the header, one line per event, and on stderr "no events" or how to see the rest.
// JSON: `history` as one document.
void PrintHistory(Session& session, const npd::v1::GetHistoryRequest& request,
                  const npd::v1::GetHistoryResponse& history) {
  session.Print(history, [&] {
    std::string text = client::HistoryHeader(request, history.msisdn()) + '\n';
    for (const npd::v1::HistoryEvent& event : history.events()) {
      text += client::HistoryLine(event) + '\n';
    }
    return text;
  });
  if (session.json()) return;
  if (history.events().empty()) std::cerr << "no events" << std::endl;
  if (history.next_after_sequence() != 0) {
    std::cerr << "more events after #" << history.next_after_sequence()
              << " (raise --limit, or 0 for all)" << std::endl;
  }
}

int ShowHistory(Session& session, const HistoryArgs& args) {
  const npd::v1::GetHistoryRequest request = SubjectRequest(args.subject);
  if (!args.at.empty()) {
    if (request.msisdn().empty()) throw UsageError("--at shows a number: give an msisdn");
    return ShowNumberAt(session, args.data_dir, request.msisdn(), ParseHistoryPoint(args.at));
  }
  npd::v1::GetHistoryResponse history;
  const grpc::Status status = FetchHistory(session, request, args.limit, history);
  if (!status.ok()) return session.Fail(status);
  PrintHistory(session, request, history);
  return kExitOk;
}

}  // namespace

void AddHistoryCommand(CLI::App& app, Session& session, Action& action) {
  auto args = std::make_shared<HistoryArgs>();
  CLI::App* history =
      app.add_subcommand("history", "Show the timeline of a number, port or refund case");
  history
      ->add_option("SUBJECT", args->subject,
                   "A number (13800138000), port id (P000000000001) or refund id (R000000000001)")
      ->required()
      ->check(CLI::Validator([](std::string& subject) { return SubjectError(subject); }, ""));
  history->add_option("--limit", args->limit, "Show at most N events, the oldest first; 0 for all")
      ->type_name("N")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  Explain(
      *history,
      "Prints a header, then one line per event, oldest first:\n"
      "  #SEQUENCE  TIME  ACTOR  COMMAND  REQUEST-ID  TYPE  TRANSACTION BEFORE -> AFTER  DETAIL\n"
      "ACTOR is a carrier, 'operator <name>', 'payment' or 'npd' (timers, outside systems);\n"
      "'-' stands for an empty field. A number's timeline holds its codes, ports, number\n"
      "returns and refund cases; a port's includes its refund case. A carrier sees the\n"
      "transactions it is a party to and what it did itself; the operator sees everything.\n"
      "Every page is fetched; --json prints one document with all events.\n"
      "With --at and --data-dir it works offline: it replays the checkpoint up to that point and\n"
      "prints the number then (record, transactions, refund cases) and its events so far.\n"
      "Example: npctl --as operator history 13800138000");
  history
      ->add_option("--at", args->at,
                   "Offline: show the number as it was at this event sequence or time (RFC 3339 "
                   "or China time YYYY-MM-DD [HH:MM[:SS]]), replayed from --data-dir")
      ->type_name("SEQ|TIME");
  history
      ->add_option("--data-dir", args->data_dir,
                   "With --at: a checkpoint (npctl admin checkpoint) or a stopped npd's data dir")
      ->type_name("DIR");
  history->callback([&session, &action, args] {
    if (!args->at.empty() || !args->data_dir.empty()) {
      if (args->at.empty() || args->data_dir.empty()) {
        throw UsageError("--at and --data-dir go together");
      }
      session.SetOffline();
    }
    action = [&session, args] { return ShowHistory(session, *args); };
  });
}

}  // namespace npd::npctl
