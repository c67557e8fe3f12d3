// fuzz_page_tokens: the paged reads and the positions clients hand back to npd (ListPorts and
// ListRefunds page_token, ListAttention's page_token, GetHistory's after_sequence, Subscribe's
// from_sequence), on the scenario store (support/scenario.h) held twice: in memory and in RocksDB.
//
// Input: kind:u8 (ListPorts, ListRefunds, ListAttention, GetHistory, Subscribe; % 5),
// principal:u8 (% Principals()), then the request's bytes, decoded as gRPC hands them to npd and
// admitted as the gatekeeper admits them. The read runs as the service runs it
// (support/service_reads.h), which checks order, filters and scoping of the page. Then:
//   - the RocksDB store answers exactly as the memory store (status and page);
//   - following the returned tokens page by page ends, and the pages together are exactly what one
//     page large enough for everything after the request's own token holds, in order.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "storage/rocks_store.h"
#include "tests/fuzz/support/fuzz_world.h"
#include "tests/fuzz/support/rpc_cases.h"
#include "tests/fuzz/support/scenario.h"
#include "tests/fuzz/support/service_reads.h"
#include "tests/fuzz/support/store_driver.h"

namespace npd::fuzz {
namespace {

using google::protobuf::Message;
using google::protobuf::util::MessageDifferencer;

constexpr int kMaxPages = 64;

// The scenario in memory and in RocksDB (a temporary directory, removed at exit).
struct Stores {
  std::unique_ptr<storage::Store> memory;
  std::unique_ptr<storage::Store> rocks;
  std::string dir;
};

Stores& TheStores() {
  static Stores* stores = [] {
    auto* s = new Stores;
    const Scenario& scenario = TheScenario();
    s->memory = storage::NewMemoryStore();
    std::string pattern = (std::filesystem::temp_directory_path() / "npd-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) Violation("mkdtemp failed");
    s->dir = pattern;
    auto rocks = storage::OpenRocksStore({.path = s->dir + "/db", .sync_writes = false});
    if (!rocks.ok()) Violation("OpenRocksStore: " + rocks.status().ToString());
    s->rocks = *std::move(rocks);
    for (const auto& commit : scenario.commits) {
      if (!s->memory->Commit(commit).ok() || !s->rocks->Commit(commit).ok()) {
        Violation("the scenario does not commit");
      }
    }
    std::atexit([] {
      Stores& done = TheStores();
      done.rocks.reset();
      std::error_code ignored;
      std::filesystem::remove_all(done.dir, ignored);
    });
    return s;
  }();
  return *stores;
}

// One paged read: its request type, how to run it, and how its pages continue.
template <typename Req, typename Resp>
struct Paged {
  absl::Status (*read)(const ReadContext&, const Req&, Resp&);
  // The request of the next page after `response`, or false when it was the last.
  bool (*next)(const Req& request, const Resp& response, Req& following);
  // The request of one page holding everything `request` and its followers hold.
  void (*whole)(Req& request);
  // Appends `response`'s items to `into`.
  void (*append)(const Resp& response, Resp& into);
};

template <typename Req, typename Resp>
void CheckPaged(const Paged<Req, Resp>& paged, const Req& request, const service::Principal& who) {
  Stores& stores = TheStores();
  const engine::EngineContext& ctx = DefaultContext();
  const absl::Time now = TheScenario().end;
  const ReadContext memory{.store = *stores.memory, .engine = ctx, .now = now, .caller = who};
  const ReadContext rocks{.store = *stores.rocks, .engine = ctx, .now = now, .caller = who};
  Resp first_memory, first_rocks;
  const absl::Status status = paged.read(memory, request, first_memory);
  const absl::Status rocks_status = paged.read(rocks, request, first_rocks);
  if (status != rocks_status || !MessageDifferencer::Equals(first_memory, first_rocks)) {
    Violation(absl::StrCat("the stores answer ", request.GetTypeName(),
                           " differently: ", status.ToString(), " / ", rocks_status.ToString(),
                           "\n", first_memory.DebugString(), "vs\n", first_rocks.DebugString()));
  }
  if (!status.ok()) return;
  Resp walked;
  paged.append(first_memory, walked);
  Req current = request;
  Resp page = first_memory;
  for (int pages = 1;; ++pages) {
    Req following;
    if (!paged.next(current, page, following)) break;
    if (pages == kMaxPages) Violation(request.GetTypeName() + ": the pages do not end");
    page.Clear();
    if (auto s = paged.read(memory, following, page); !s.ok()) {
      Violation(request.GetTypeName() + ": the next page is refused: " + s.ToString());
    }
    paged.append(page, walked);
    current = following;
  }
  Req everything = request;
  paged.whole(everything);
  Resp all;
  if (auto s = paged.read(memory, everything, all); !s.ok()) {
    Violation(request.GetTypeName() + ": one large page is refused: " + s.ToString());
  }
  Resp all_items;
  paged.append(all, all_items);
  if (!MessageDifferencer::Equals(walked, all_items)) {
    Violation(absl::StrCat(request.GetTypeName(), ": the pages together differ from one page:\n",
                           walked.DebugString(), "vs\n", all_items.DebugString()));
  }
}

const Paged<npd::v1::ListPortsRequest, npd::v1::ListPortsResponse> kPorts = {
    &ListPorts,
    [](const npd::v1::ListPortsRequest& r, const npd::v1::ListPortsResponse& page,
       npd::v1::ListPortsRequest& next) {
      if (page.next_page_token().empty()) return false;
      next = r;
      next.set_page_token(page.next_page_token());
      return true;
    },
    [](npd::v1::ListPortsRequest& r) { r.set_page_size(1000); },
    [](const npd::v1::ListPortsResponse& page, npd::v1::ListPortsResponse& into) {
      for (const auto& p : page.ports()) *into.add_ports() = p;
    },
};

const Paged<npd::v1::ListRefundsRequest, npd::v1::ListRefundsResponse> kRefunds = {
    &ListRefunds,
    [](const npd::v1::ListRefundsRequest& r, const npd::v1::ListRefundsResponse& page,
       npd::v1::ListRefundsRequest& next) {
      if (page.next_page_token().empty()) return false;
      next = r;
      next.set_page_token(page.next_page_token());
      return true;
    },
    [](npd::v1::ListRefundsRequest& r) { r.set_page_size(1000); },
    [](const npd::v1::ListRefundsResponse& page, npd::v1::ListRefundsResponse& into) {
      for (const auto& p : page.refunds()) *into.add_refunds() = p;
    },
};

const Paged<npd::v1::ListAttentionRequest, npd::v1::ListAttentionResponse> kAttention = {
    &ListAttention,
    [](const npd::v1::ListAttentionRequest& r, const npd::v1::ListAttentionResponse& page,
       npd::v1::ListAttentionRequest& next) {
      if (page.next_page_token().empty()) return false;
      next = r;
      next.set_page_token(page.next_page_token());
      return true;
    },
    [](npd::v1::ListAttentionRequest& r) { r.set_page_size(1000); },
    [](const npd::v1::ListAttentionResponse& page, npd::v1::ListAttentionResponse& into) {
      for (const auto& i : page.items()) *into.add_items() = i;
    },
};

const Paged<npd::v1::GetHistoryRequest, npd::v1::GetHistoryResponse> kHistory = {
    &GetHistory,
    [](const npd::v1::GetHistoryRequest& r, const npd::v1::GetHistoryResponse& page,
       npd::v1::GetHistoryRequest& next) {
      if (page.next_after_sequence() == 0) return false;
      next = r;
      next.set_after_sequence(page.next_after_sequence());
      return true;
    },
    [](npd::v1::GetHistoryRequest& r) { r.set_page_size(1000); },
    [](const npd::v1::GetHistoryResponse& page, npd::v1::GetHistoryResponse& into) {
      into.set_msisdn(page.msisdn());
      for (const auto& e : page.events()) *into.add_events() = e;
    },
};

void CheckSubscribe(const npd::v1::SubscribeRequest& request, const service::Principal& who) {
  Stores& stores = TheStores();
  const engine::EngineContext& ctx = DefaultContext();
  const absl::Time now = TheScenario().end;
  std::vector<npd::v1::RoutingChange> from_memory, from_rocks;
  const absl::Status status = Subscribe(
      {.store = *stores.memory, .engine = ctx, .now = now, .caller = who}, request, from_memory);
  const absl::Status rocks_status = Subscribe(
      {.store = *stores.rocks, .engine = ctx, .now = now, .caller = who}, request, from_rocks);
  bool same = status == rocks_status && from_memory.size() == from_rocks.size();
  for (size_t i = 0; same && i < from_memory.size(); ++i) {
    same = MessageDifferencer::Equals(from_memory[i], from_rocks[i]);
  }
  if (!same) {
    Violation(absl::StrCat("the stores answer Subscribe from ", request.from_sequence(),
                           " differently: ", status.ToString(), " / ", rocks_status.ToString()));
  }
}

const char* const kMethods[] = {
    "/npd.v1.PortingService/ListPorts", "/npd.v1.RefundService/ListRefunds",
    "/npd.v1.OperationsService/ListAttention", "/npd.v1.HistoryService/GetHistory",
    "/npd.v1.RoutingFeedService/Subscribe"};

void Check(std::string_view input) {
  if (input.size() < 2) return;
  const size_t kind = static_cast<uint8_t>(input[0]) % 5;
  const FuzzPrincipal& principal =
      Principals()[static_cast<uint8_t>(input[1]) % Principals().size()];
  const RpcCase* rpc = nullptr;
  for (const RpcCase& c : RpcCases()) {
    if (c.method == kMethods[kind]) rpc = &c;
  }
  auto request = DecodeAsGrpc(*rpc, input.substr(2));
  if (!Admit(principal, *rpc, *request).ok()) return;
  const service::Principal& who = principal.principal;
  switch (kind) {
    case 0:
      CheckPaged(kPorts, static_cast<const npd::v1::ListPortsRequest&>(*request), who);
      break;
    case 1:
      CheckPaged(kRefunds, static_cast<const npd::v1::ListRefundsRequest&>(*request), who);
      break;
    case 2:
      CheckPaged(kAttention, static_cast<const npd::v1::ListAttentionRequest&>(*request), who);
      break;
    case 3:
      CheckPaged(kHistory, static_cast<const npd::v1::GetHistoryRequest&>(*request), who);
      break;
    default:
      CheckSubscribe(static_cast<const npd::v1::SubscribeRequest&>(*request), who);
  }
}

}  // namespace
}  // namespace npd::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  npd::fuzz::InitFuzzProcess();
  npd::fuzz::TheStores();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  npd::fuzz::Check(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
