#include "daemon/service/refund_validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "daemon/core/identity.h"
#include "daemon/core/string_view_compat.h"
#include "daemon/service/validation.h"

namespace npd::service {
namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

bool LuhnValid(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

absl::Status ValidateProvince(std::string_view field, std::string_view province,
                              const core::NumberPlan& plan) {
  if (!plan.IsProvince(province)) {
    return absl::InvalidArgumentError(absl::StrCat(core::AbslView(field), " \"",
                                                   core::AbslView(province),
                                                   "\" is not a province of the number plan"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRefundId(std::string_view refund_id) {
  if (refund_id.size() != 13 || refund_id[0] != 'R' || !AllDigits(refund_id.substr(1))) {
    return absl::InvalidArgumentError("refund_id must be 'R' followed by 12 digits");
  }
  return absl::OkStatus();
}

absl::Status ValidatePayee(const npd::v1::PayeeAccount& payee) {
  const std::string& account = payee.account();
  switch (payee.kind()) {
    case npd::v1::PAYEE_KIND_BANK_CARD:
      if (!AllDigits(account) || account.size() < 16 || account.size() > 19) {
        return absl::InvalidArgumentError("payee.account: a bank card is 16-19 digits");
      }
      if (!LuhnValid(account)) {
        return absl::InvalidArgumentError("payee.account: the card number's check digit is wrong");
      }
      break;
    case npd::v1::PAYEE_KIND_WALLET: {
      bool ok = account.size() >= 4 && account.size() <= 64;
      for (char c : account) {
        ok = ok && (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '@' || c == '.' ||
                    c == '_' || c == '-');
      }
      if (!ok) {
        return absl::InvalidArgumentError(
            "payee.account: a wallet id is 4-64 letters, digits, '@', '.', '_' or '-'");
      }
      break;
    }
    default:
      return absl::InvalidArgumentError("payee.kind is required: BANK_CARD or WALLET");
  }
  if (payee.holder_name().empty() || payee.holder_name().size() > 64) {
    return absl::InvalidArgumentError("payee.holder_name must be 1-64 bytes");
  }
  return absl::OkStatus();
}

absl::Status ValidateFinalBill(const npd::v1::FinalBill& bill) {
  if (bill.bill_id().empty() || bill.bill_id().size() > 64) {
    return absl::InvalidArgumentError("bill.bill_id must be 1-64 bytes");
  }
  if (bill.cash_balance_fen() < 0 || bill.non_refundable_fen() < 0 ||
      bill.third_party_topup_fen() < 0 || bill.final_charges_fen() < 0) {
    return absl::InvalidArgumentError("bill amounts must be >= 0 fen");
  }
  if (bill.non_refundable_fen() + bill.third_party_topup_fen() > bill.cash_balance_fen()) {
    return absl::InvalidArgumentError(
        "bill: non_refundable_fen + third_party_topup_fen cannot exceed cash_balance_fen");
  }
  return absl::OkStatus();
}

absl::Status Validate(const npd::v1::ClaimRefundRequest& request, const core::NumberPlan& plan) {
  if (auto s = ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (auto s = ValidateRefundId(request.refund_id()); !s.ok()) return s;
  if (!request.has_claimant()) return absl::InvalidArgumentError("claimant is required");
  if (auto s = core::ValidateIdentity(request.claimant()); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("claimant: ", s.message()));
  }
  if (!request.has_payee()) return absl::InvalidArgumentError("payee is required");
  if (auto s = ValidatePayee(request.payee()); !s.ok()) return s;
  if (request.channel() == npd::v1::CLAIM_CHANNEL_UNSPECIFIED) {
    return absl::InvalidArgumentError("channel is required: HALL, APP or ONLINE");
  }
  return ValidateProvince("claim_province", request.claim_province(), plan);
}

absl::Status Validate(const npd::v1::ReportFinalBillRequest& request) {
  if (auto s = ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (auto s = ValidateRefundId(request.refund_id()); !s.ok()) return s;
  if (!request.has_bill()) return absl::InvalidArgumentError("bill is required");
  return ValidateFinalBill(request.bill());
}

absl::Status Validate(const npd::v1::ReportPayoutResultRequest& request) {
  if (auto s = ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (request.payout_key().empty() || request.payout_key().size() > 128) {
    return absl::InvalidArgumentError("payout_key must be 1-128 bytes");
  }
  if (request.status() == npd::v1::PAYOUT_STATUS_UNSPECIFIED) {
    return absl::InvalidArgumentError("status is required");
  }
  if (request.amount_fen() < 0) return absl::InvalidArgumentError("amount_fen must be >= 0");
  return absl::OkStatus();
}

absl::Status Validate(const npd::v1::RedriveRefundRequest& request) {
  if (auto s = ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (auto s = ValidateRefundId(request.refund_id()); !s.ok()) return s;
  return ValidateReason("note", request.note());
}

absl::Status Validate(const npd::v1::ListRefundsRequest& request, const core::NumberPlan& plan) {
  if (!request.msisdn().empty()) {
    if (auto s = core::ValidateMsisdn(request.msisdn()); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("msisdn: ", s.message()));
    }
  }
  if (!request.carrier().empty() && !plan.IsCarrier(request.carrier())) {
    return absl::InvalidArgumentError(absl::StrCat("carrier: unknown carrier ", request.carrier()));
  }
  if (!request.home_province().empty()) {
    if (auto s = ValidateProvince("home_province", request.home_province(), plan); !s.ok()) {
      return s;
    }
  }
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size must be 0-", kMaxPageSize));
  }
  if (!request.page_token().empty()) {
    if (auto s = ValidateRefundId(request.page_token()); !s.ok()) {
      return absl::InvalidArgumentError("page_token is not a token this service returned");
    }
  }
  return absl::OkStatus();
}

}  // namespace npd::service
