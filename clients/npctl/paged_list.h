// The paging loops npctl's commands share. FetchPages is the bare loop (call, hand the page over,
// go on while the handler says so); ListPages is every `list` command on top of it: print the page
// (JSON: one document per page; text: one line per item), follow next_page_token with --all,
// otherwise say how to go on.
#ifndef NPD_CLIENTS_NPCTL_PAGED_LIST_H_
#define NPD_CLIENTS_NPCTL_PAGED_LIST_H_

#include <iostream>
#include <string>
#include <utility>

#include <grpcpp/grpcpp.h>

#include "clients/npctl/session.h"

namespace npd::npctl {

// Calls `fetch(context, request, &response)` for one page after another. `on_page(request,
// response)` gets each page; it returns true to fetch the next one, after moving `request` on to
// it, and false to stop. Returns the first failed call's status, else OK. Prints nothing.
template <typename Resp, typename Req, typename Fetch, typename OnPage>
grpc::Status FetchPages(Session& session, Req request, Fetch fetch, OnPage on_page) {
  while (true) {
    Resp response;
    const grpc::Status status = session.Unary(
        [&](grpc::ClientContext* context) { return fetch(context, request, &response); });
    if (!status.ok()) return status;
    if (!on_page(request, response)) return grpc::Status::OK;
  }
}

// `fetch(context, request, response)` makes the rpc; `items(response)` is the repeated field;
// `line(item)` one text line. `noun` names the items in messages ("ports"). Returns the exit code.
template <typename Req, typename Resp, typename Fetch, typename Items, typename Line>
int ListPages(Session& session, Req request, bool all, const char* noun, Fetch fetch, Items items,
              Line line) {
  int listed = 0;
  const grpc::Status status =
      FetchPages<Resp>(session, std::move(request), fetch, [&](Req& next, const Resp& response) {
        listed += items(response).size();
        if (session.json()) {
          session.Print(response, [] { return std::string(); });
        } else {
          for (const auto& item : items(response)) std::cout << line(item) << '\n';
          std::cout << std::flush;
        }
        if (response.next_page_token().empty()) return false;
        if (!all) {
          if (!session.json()) {
            std::cerr << "more " << noun << ": --page-token " << response.next_page_token()
                      << " (or --all for every page)" << std::endl;
          }
          return false;
        }
        next.set_page_token(response.next_page_token());
        return true;
      });
  if (!status.ok()) return session.Fail(status);
  if (listed == 0 && !session.json()) std::cerr << "no matching " << noun << std::endl;
  return kExitOk;
}

}  // namespace npd::npctl

#endif  // NPD_CLIENTS_NPCTL_PAGED_LIST_H_
