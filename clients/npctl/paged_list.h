// The paging loop every `list` command shares: call, print the page (JSON: one document per page;
// text: one line per item), follow next_page_token with --all, otherwise say how to go on.
#ifndef NPD_CLIENTS_NPCTL_PAGED_LIST_H_
#define NPD_CLIENTS_NPCTL_PAGED_LIST_H_

#include <iostream>
#include <string>

#include <grpcpp/grpcpp.h>

#include "clients/npctl/session.h"

namespace npd::npctl {

// `fetch(context, request, response)` makes the rpc; `items(response)` is the repeated field;
// `line(item)` one text line. `noun` names the items in messages ("ports"). Returns the exit code.
template <typename Req, typename Resp, typename Fetch, typename Items, typename Line>
int ListPages(Session& session, Req request, bool all, const char* noun, Fetch fetch, Items items,
              Line line) {
  int listed = 0;
  while (true) {
    Resp response;
    const grpc::Status status = session.Unary(
        [&](grpc::ClientContext* context) { return fetch(context, request, &response); });
    if (!status.ok()) return session.Fail(status);
    listed += items(response).size();
    if (session.json()) {
      session.Print(response, [] { return std::string(); });
    } else {
      for (const auto& item : items(response)) std::cout << line(item) << '\n';
      std::cout << std::flush;
    }
    if (response.next_page_token().empty()) break;
    if (!all) {
      if (!session.json()) {
        std::cerr << "more " << noun << ": --page-token " << response.next_page_token()
                  << " (or --all for every page)" << std::endl;
      }
      break;
    }
    request.set_page_token(response.next_page_token());
  }
  if (listed == 0 && !session.json()) std::cerr << "no matching " << noun << std::endl;
  return kExitOk;
}

}  // namespace npd::npctl

#endif  // NPD_CLIENTS_NPCTL_PAGED_LIST_H_
