#include "tests/refund_soak/claim_driver.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tests/support/npd_client.h"

namespace npd::refund_soak {
namespace {

using npd::testing::Holder;
using npd::testing::OtherPerson;

bool HasReason(const google::protobuf::RepeatedField<int>& reasons, npd::v1::RefundReason r) {
  return std::find(reasons.begin(), reasons.end(), r) != reasons.end();
}

npd::v1::PayeeAccount Payee(npd::v1::PayeeKind kind, const std::string& account) {
  npd::v1::PayeeAccount payee;
  payee.set_kind(kind);
  payee.set_account(account);
  payee.set_holder_name("Zhang San");
  return payee;
}

std::string ReasonsText(const npd::v1::RefundRefusal& refusal) {
  std::string out;
  for (int r : refusal.reasons()) {
    absl::StrAppend(&out, npd::v1::RefundReason_Name(static_cast<npd::v1::RefundReason>(r)), " ");
  }
  return absl::StrCat(out, "(", refusal.text(), ")");
}

}  // namespace

std::string LuhnCard(uint64_t seed) {
  std::mt19937_64 rng(seed);
  const int length = std::uniform_int_distribution<int>(16, 19)(rng);
  std::string card = "62";
  while (static_cast<int>(card.size()) < length - 1) {
    card.push_back(static_cast<char>('0' + std::uniform_int_distribution<int>(0, 9)(rng)));
  }
  // The check digit makes the Luhn sum (every second digit from the right doubled) a multiple
  // of 10; counted from the right of the payload, the payload's last digit is doubled.
  int sum = 0;
  for (size_t i = 0; i < card.size(); ++i) {
    int d = card[card.size() - 1 - i] - '0';
    if (i % 2 == 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  card.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
  return card;
}

ClaimDriver::ClaimDriver(const std::string& address, const SoakNumbers& numbers, int clients,
                         uint64_t seed)
    : calls_(address), numbers_(numbers), clients_(clients), seed_(seed) {}

ClaimDriver::~ClaimDriver() { Stop(); }

void ClaimDriver::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void ClaimDriver::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ClaimDriver::Loop() {
  while (!stop_) {
    auto waiting = calls_.ListRefunds(npd::v1::REFUND_STATE_AWAIT_CLAIM);
    if (!waiting.ok()) {
      if (!NpdWasDown(static_cast<grpc::StatusCode>(waiting.status().code()))) {
        Error(absl::StrCat("ListRefunds AWAIT_CLAIM: ", waiting.status().ToString()));
      }
      ++retries_;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    // Each case once per pass, so no two claims of a case race; the next listing is made after
    // this pass's claims were answered.
    std::vector<std::thread> workers;
    for (int w = 0; w < clients_; ++w) {
      workers.emplace_back([this, w, &waiting] {
        for (size_t i = static_cast<size_t>(w); i < waiting->size() && !stop_;
             i += static_cast<size_t>(clients_)) {
          const npd::v1::Refund& refund = (*waiting)[i];
          Act(refund, seed_ ^ std::hash<std::string>{}(refund.refund_id()));
        }
      });
    }
    for (std::thread& t : workers) t.join();
    {
      absl::MutexLock lock(&mu_);
      ++stats_.passes;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

void ClaimDriver::Act(const npd::v1::Refund& refund, uint64_t rng_seed) {
  const std::string& id = refund.refund_id();
  const SoakNumber* number = numbers_.Find(refund.msisdn());
  if (number == nullptr) {
    return Error(absl::StrCat(id, ": a case for ", refund.msisdn(), ", never ported by the soak"));
  }
  if (number->claim_plan == ClaimPlan::kUnclaimed) return;
  ClaimRecord record;
  {
    absl::MutexLock lock(&mu_);
    record = records_[id];
  }
  if (record.done) {
    // Reported once: the case is listed again on every pass.
    absl::MutexLock lock(&mu_);
    if (record.claimed && !records_[id].anomaly_reported) {
      records_[id].anomaly_reported = true;
      errors_.push_back(absl::StrCat(id, ": back in AWAIT_CLAIM after a valid claim was accepted: ",
                                     refund.ShortDebugString()));
    }
    return;
  }
  const npd::v1::PayeeAccount card = Payee(npd::v1::PAYEE_KIND_BANK_CARD, LuhnCard(rng_seed));
  npd::v1::ClaimRefundResponse response;
  std::string valid_request = absl::StrCat("soak-", id, "-claim-1");

  if (number->claim_plan == ClaimPlan::kInvalidPayeeFirst) {
    if (!record.invalid_payee_accepted) {
      const npd::v1::PayeeAccount wallet =
          Payee(npd::v1::PAYEE_KIND_WALLET, "invalid-" + refund.msisdn());
      if (!Send(refund, valid_request, Holder(), wallet, rng_seed, &response)) return;
      absl::MutexLock lock(&mu_);
      if (!response.accepted()) {
        errors_.push_back(
            absl::StrCat(id, ": wallet claim refused: ", ReasonsText(response.refusal())));
        records_[id].done = true;  // gives up on the case; reported
        return;
      }
      records_[id].invalid_payee_accepted = true;
      ++stats_.invalid_payee_sent;
      return;  // the payment channel refuses it; the case comes back to AWAIT_CLAIM
    }
    {
      absl::MutexLock lock(&mu_);
      if (!records_[id].f06_seen) {
        records_[id].f06_seen = true;
        if (HasReason(refund.reasons(), npd::v1::REFUND_REASON_F06_PAYEE_INVALID)) {
          ++stats_.f06_returns;
        } else {
          errors_.push_back(absl::StrCat(id,
                                         ": back in AWAIT_CLAIM after the refused wallet "
                                         "without F06: ",
                                         refund.ShortDebugString()));
        }
      }
    }
    valid_request = absl::StrCat("soak-", id, "-claim-2");
  }

  if (number->claim_plan == ClaimPlan::kWrongIdentityFirst && !record.f05_refused) {
    if (!Send(refund, valid_request, OtherPerson(), card, rng_seed, &response)) return;
    absl::MutexLock lock(&mu_);
    if (response.accepted()) {
      errors_.push_back(absl::StrCat(id, ": another person's claim was ACCEPTED"));
      records_[id].claimed = true;
      records_[id].done = true;
      records_[id].refundable_fen = response.refund().refundable_fen();
      ++stats_.claimed;
      stats_.claimed_fen += response.refund().refundable_fen();
      return;
    }
    if (!HasReason(response.refusal().reasons(), npd::v1::REFUND_REASON_F05_IDENTITY_MISMATCH)) {
      errors_.push_back(absl::StrCat(
          id, ": another person's claim refused without F05: ", ReasonsText(response.refusal())));
    }
    records_[id].f05_refused = true;
    ++stats_.f05_refusals;
    valid_request = absl::StrCat("soak-", id, "-claim-2");
  }

  if (!Send(refund, valid_request, Holder(), card, rng_seed, &response)) return;
  absl::MutexLock lock(&mu_);
  records_[id].done = true;
  if (!response.accepted()) {
    errors_.push_back(
        absl::StrCat(id, ": the holder's claim refused: ", ReasonsText(response.refusal())));
    return;
  }
  records_[id].claimed = true;
  records_[id].refundable_fen = response.refund().refundable_fen();
  ++stats_.claimed;
  stats_.claimed_fen += response.refund().refundable_fen();
}

bool ClaimDriver::Send(const npd::v1::Refund& refund, const std::string& request_id,
                       const npd::v1::Identity& claimant, const npd::v1::PayeeAccount& payee,
                       uint64_t rng_seed, npd::v1::ClaimRefundResponse* response) {
  std::mt19937_64 rng(rng_seed + 1);
  const std::vector<std::string>& provinces = numbers_.provinces();
  npd::v1::ClaimRefundRequest request;
  request.set_request_id(request_id);
  request.set_refund_id(refund.refund_id());
  *request.mutable_claimant() = claimant;
  *request.mutable_payee() = payee;
  request.set_channel(static_cast<npd::v1::ClaimChannel>(std::uniform_int_distribution<int>(
      npd::v1::CLAIM_CHANNEL_HALL, npd::v1::CLAIM_CHANNEL_ONLINE)(rng)));
  request.set_claim_province(
      provinces[std::uniform_int_distribution<size_t>(0, provinces.size() - 1)(rng)]);
  auto reply =
      UntilAnswered(stop_, retries_, [&] { return calls_.Claim(refund.donor(), request); });
  if (!reply) return false;
  if (!reply->ok()) {
    Error(absl::StrCat(refund.refund_id(), ": ClaimRefund ", request_id, " as ", refund.donor(),
                       ": ", Describe(reply->status)));
    absl::MutexLock lock(&mu_);
    records_[refund.refund_id()].done = true;  // gives up on the case; reported
    return false;
  }
  *response = std::move(reply->response);
  return true;
}

ClaimStats ClaimDriver::stats() const {
  absl::MutexLock lock(&mu_);
  ClaimStats out = stats_;
  out.retries = retries_;
  return out;
}

std::map<std::string, ClaimRecord> ClaimDriver::records() const {
  absl::MutexLock lock(&mu_);
  return records_;
}

std::vector<std::string> ClaimDriver::errors() const {
  absl::MutexLock lock(&mu_);
  return errors_;
}

void ClaimDriver::Error(std::string line) {
  absl::MutexLock lock(&mu_);
  errors_.push_back(std::move(line));
}

}  // namespace npd::refund_soak
