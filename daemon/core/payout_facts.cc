#include "daemon/core/payout_facts.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/core/string_view_compat.h"
#include "daemon/core/time_convert.h"

namespace npd::core {
namespace {

using npd::v1::PayoutOutcome;
using npd::v1::Refund;

// Only facts about what happened to a payout are held: a definite status of a key npd issued, or
// anything said about a key it never issued (so that the same report again is recognised). A
// "not received" is not held: the key may be paid under later.
bool Holdable(const PayoutOutcome& fact) {
  if (fact.source() == npd::v1::PAYOUT_SOURCE_REQUEST || fact.not_received()) return false;
  return fact.generation() == 0 || fact.status() == npd::v1::PAYOUT_STATUS_SUCCEEDED ||
         fact.status() == npd::v1::PAYOUT_STATUS_FAILED_PAYEE_INVALID;
}

// Whether `held` counts when `fact` is checked against what npd holds: a report is compared with
// every held fact, an answer (Pay, QueryPayout) only with held answers: a report the channel
// contradicted once must not make a later answer look agreed.
bool Comparable(const PayoutOutcome& held, const PayoutOutcome& fact) {
  return held.payout_key() == fact.payout_key() &&
         (fact.source() == npd::v1::PAYOUT_SOURCE_CALLBACK ||
          held.source() != npd::v1::PAYOUT_SOURCE_CALLBACK);
}

std::string_view StatusWord(npd::v1::PayoutStatus status) {
  constexpr std::string_view kPrefix = "PAYOUT_STATUS_";
  std::string_view name = npd::v1::PayoutStatus_Name(status);
  if (name.substr(0, kPrefix.size()) == kPrefix) name.remove_prefix(kPrefix.size());
  return name;
}

std::string_view ConflictKind(const PayoutOutcome& earlier, const PayoutOutcome& reported) {
  if (earlier.source() == npd::v1::PAYOUT_SOURCE_REQUEST) {
    if (earlier.generation() == 0) return "a result for a payout key npd never issued";
    if (reported.status() == npd::v1::PAYOUT_STATUS_SUCCEEDED &&
        reported.amount_fen() != earlier.amount_fen()) {
      return "a payout of another amount than requested";
    }
    return "a result for a payout npd is not making and holds no outcome of";
  }
  if (earlier.not_received() || reported.not_received()) {
    return "the channel has no payout under a key it reported on";
  }
  if (earlier.source() == npd::v1::PAYOUT_SOURCE_CALLBACK &&
      reported.source() != npd::v1::PAYOUT_SOURCE_CALLBACK) {
    return "the channel's answer contradicts its report";
  }
  if (earlier.status() != reported.status()) {
    if (reported.status() == npd::v1::PAYOUT_STATUS_SUCCEEDED) {
      return "a success after a definite failure";
    }
    if (earlier.status() == npd::v1::PAYOUT_STATUS_SUCCEEDED) return "a failure after a success";
    return "another outcome";
  }
  if (earlier.amount_fen() != reported.amount_fen()) return "another amount";
  return "another reference";
}

}  // namespace

int32_t IssuedGeneration(const Refund& refund, std::string_view key) {
  const std::string prefix = StepKey(refund, "payout:");
  if (key.size() <= prefix.size() || key.substr(0, prefix.size()) != prefix) return 0;
  const std::string_view digits = key.substr(prefix.size());
  if (digits.size() > 9 || digits.front() == '0') return 0;
  int32_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n <= refund.payout_generation() ? n : 0;
}

PayoutOutcome NewFact(const Refund& refund, const std::string& key, npd::v1::PayoutSource source,
                      absl::Time at) {
  PayoutOutcome fact;
  fact.set_generation(IssuedGeneration(refund, key));
  fact.set_payout_key(key);
  fact.set_source(source);
  *fact.mutable_at() = ToProto(at);
  if (fact.generation() == 0) return fact;
  for (const PayoutOutcome& held : refund.payout_outcomes()) {
    if (held.generation() == fact.generation() && !held.claim_province().empty()) {
      fact.set_claim_province(held.claim_province());
      fact.set_payee_last4(held.payee_last4());
      return fact;
    }
  }
  if (fact.generation() == refund.payout_generation() && refund.has_claim()) {
    fact.set_claim_province(refund.claim().claim_province());
    fact.set_payee_last4(refund.claim().payee_last4());
  }
  return fact;
}

PayoutOutcome RequestedFact(const Refund& refund, const std::string& key, absl::Time at) {
  PayoutOutcome fact = NewFact(refund, key, npd::v1::PAYOUT_SOURCE_REQUEST, at);
  if (fact.generation() != 0) fact.set_amount_fen(refund.refundable_fen());
  return fact;
}

bool Agrees(const PayoutOutcome& a, const PayoutOutcome& b) {
  if (a.not_received() || b.not_received()) return a.not_received() == b.not_received();
  if (a.status() != b.status()) return false;
  if (a.status() == npd::v1::PAYOUT_STATUS_SUCCEEDED && a.amount_fen() != b.amount_fen()) {
    return false;
  }
  return a.reference().empty() || b.reference().empty() || a.reference() == b.reference();
}

std::optional<PayoutOutcome> ContradictedFact(const Refund& refund, const PayoutOutcome& fact) {
  std::optional<PayoutOutcome> answer, report;
  for (const PayoutOutcome& held : refund.payout_outcomes()) {
    if (!Comparable(held, fact)) continue;
    if (Agrees(held, fact)) return std::nullopt;
    (held.source() == npd::v1::PAYOUT_SOURCE_CALLBACK ? report : answer) = held;
  }
  return answer.has_value() ? answer : report;
}

bool IsHeld(const Refund& refund, const PayoutOutcome& fact) {
  for (const PayoutOutcome& held : refund.payout_outcomes()) {
    if (Comparable(held, fact) && Agrees(held, fact)) return true;
  }
  return false;
}

void HoldFact(RefundBuilder& b, const PayoutOutcome& fact) {
  Refund& r = b.refund();
  if (!Holdable(fact) || IsHeld(r, fact) || r.payout_outcomes_size() >= kMaxPayoutFacts) return;
  *r.add_payout_outcomes() = fact;
}

bool CouldStillPay(const Refund& refund) {
  switch (refund.state()) {
    case npd::v1::REFUND_STATE_FUNDS_RESERVED:
    case npd::v1::REFUND_STATE_PAYOUT_REQUESTED:
    case npd::v1::REFUND_STATE_AWAIT_CLAIM:
      return true;
    case npd::v1::REFUND_STATE_STUCK:
      return refund.stuck().step() == npd::v1::REFUND_STEP_PAYOUT;
    default:
      return false;
  }
}

bool HasOpenConflict(const Refund& refund) {
  for (const auto& conflict : refund.payout_conflicts()) {
    if (!conflict.resolved()) return true;
  }
  return false;
}

void RecordConflict(RefundBuilder& b, const PayoutOutcome& earlier, const PayoutOutcome& reported) {
  Refund& r = b.refund();
  r.clear_reported_payout();
  HoldFact(b, earlier);
  HoldFact(b, reported);
  const int32_t number = r.payout_conflicts_size() + 1;
  std::string description = absl::StrCat("payout conflict #", number, " on ", reported.payout_key(),
                                         ": ", AbslView(ConflictKind(earlier, reported)), ": ",
                                         FactText(earlier), ", then ", FactText(reported));
  if (r.payout_conflicts_size() < kMaxPayoutFacts) {
    npd::v1::PayoutConflict& conflict = *r.add_payout_conflicts();
    conflict.set_number(number);
    conflict.set_payout_key(reported.payout_key());
    *conflict.mutable_earlier() = earlier;
    *conflict.mutable_reported() = reported;
    conflict.set_description(description);
    *conflict.mutable_at() = ToProto(b.now());
  }
  b.Note("REFUND_PAYOUT_CONFLICT", description);
  if (!CouldStillPay(r)) return;  // past its payout: keeps its state, the conflict stays open
  if (r.state() == npd::v1::REFUND_STATE_STUCK) {
    r.mutable_stuck()->set_last_error(std::move(description));
    b.ClearStep();
    return;
  }
  const int attempts = b.t().outbox.has_value() ? b.t().outbox->attempts() : 0;
  b.Stick(npd::v1::REFUND_STEP_PAYOUT, std::move(description), attempts);
}

void ResolveConflicts(RefundBuilder& b, const std::string& note) {
  std::vector<std::string> numbers;
  for (npd::v1::PayoutConflict& conflict : *b.refund().mutable_payout_conflicts()) {
    if (conflict.resolved()) continue;
    conflict.set_resolved(true);
    *conflict.mutable_resolved_at() = ToProto(b.now());
    conflict.set_resolution(note);
    numbers.push_back(absl::StrCat("#", conflict.number()));
  }
  if (numbers.empty()) return;
  b.Note("REFUND_PAYOUT_CONFLICT_RESOLVED", absl::StrCat("operator reconciled payout conflict ",
                                                         absl::StrJoin(numbers, ", "), ": ", note));
}

std::string FactText(const PayoutOutcome& fact) {
  std::string text;
  switch (fact.source()) {
    case npd::v1::PAYOUT_SOURCE_REQUEST:
      return fact.generation() == 0 ? "npd never issued this key"
                                    : absl::StrCat("npd requested ", FormatFen(fact.amount_fen()));
    case npd::v1::PAYOUT_SOURCE_PAY_ANSWER:
      text = "Pay answered ";
      break;
    case npd::v1::PAYOUT_SOURCE_QUERY_ANSWER:
      if (fact.not_received()) return "QueryPayout found no payout under the key";
      text = "QueryPayout answered ";
      break;
    case npd::v1::PAYOUT_SOURCE_CALLBACK:
      text = "the channel reported ";
      break;
    default:
      text = "an unknown source said ";
      break;
  }
  absl::StrAppend(&text, AbslView(StatusWord(fact.status())));
  if (fact.status() == npd::v1::PAYOUT_STATUS_SUCCEEDED) {
    absl::StrAppend(&text, " ", FormatFen(fact.amount_fen()));
  }
  if (!fact.reference().empty()) absl::StrAppend(&text, " (reference ", fact.reference(), ")");
  return text;
}

}  // namespace npd::core
