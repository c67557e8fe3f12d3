// What must hold of npd's stored state whatever the requests were. The fuzz targets check these
// after every step; a violation aborts (Violation) naming the record and the rule, so libFuzzer
// keeps the input as a crash.
//
// Structure (always): every record parses and sits under its own key; each number has at most one
// live transaction, and a live port is its number's live transaction; the msisdn index, the
// awaiting-confirmation index and the ports agree; event and journal sequences are exactly
// 1..last, the feed exactly first_retained..last; every state is a known enum value; every
// refund case belongs to a completed port and every outbox entry to a case; no cursor is beyond
// the feed head.
//
// Domain (what npd's validation and handlers guarantee, so not for a journal nobody validated):
// every *_hash field is empty or a 32-byte digest (never the clear value); the journal keeps no
// identity and no code; stored IssueAuthCode answers hold no code; every carrier named is in the
// plan; a case never pays more than its refundable amount, and its refundable amount is what its
// final bill gives.
#ifndef NPD_TESTS_FUZZ_SUPPORT_INVARIANTS_H_
#define NPD_TESTS_FUZZ_SUPPORT_INVARIANTS_H_

#include "daemon/engine/command.h"
#include "storage/store.h"

namespace npd::fuzz {

struct InvariantOptions {
  // Check the domain rules too (see above). Default: true.
  bool domain = true;
};

// Checks every invariant of `store` under `ctx`'s number plan; aborts on the first violation.
void CheckStore(storage::Store& store, const engine::EngineContext& ctx,
                const InvariantOptions& options = {});

}  // namespace npd::fuzz

#endif  // NPD_TESTS_FUZZ_SUPPORT_INVARIANTS_H_
