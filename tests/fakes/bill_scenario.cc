#include "tests/fakes/bill_scenario.h"

namespace npd::fakes {

uint64_t MsisdnHash(std::string_view msisdn) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : msisdn) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

BillKind DefaultBillKind(std::string_view msisdn) {
  const uint64_t bucket = MsisdnHash(msisdn) % 100;
  if (bucket < 10) return BillKind::kZero;
  if (bucket < 20) return BillKind::kArrears;
  if (bucket < 35) return BillKind::kPromo;
  if (bucket < 45) return BillKind::kThirdParty;
  return BillKind::kTypical;
}

BillScenario DefaultBillScenario(std::string_view msisdn) {
  const uint64_t h = MsisdnHash(msisdn);
  // Amounts from the high bits, independent of the behaviour bits below.
  const int64_t a = static_cast<int64_t>((h >> 32) % 20000);  // 0..199.99 CNY
  const int64_t b = static_cast<int64_t>((h >> 48) % 3000);
  BillScenario s;
  switch (DefaultBillKind(msisdn)) {
    case BillKind::kZero:
      break;
    case BillKind::kArrears:
      s.cash_balance_fen = a % 1000;
      s.final_charges_fen = s.cash_balance_fen + 100 + b;
      break;
    case BillKind::kPromo:
      s.non_refundable_fen = 500 + b;
      s.final_charges_fen = a % 500;
      s.cash_balance_fen = s.non_refundable_fen + s.final_charges_fen + 100 + a;
      break;
    case BillKind::kThirdParty:
      s.third_party_topup_fen = 1000 + b;
      s.final_charges_fen = a % 300;
      s.cash_balance_fen = s.third_party_topup_fen + s.final_charges_fen + 100 + a;
      break;
    case BillKind::kTypical:
      s.final_charges_fen = b % 800;
      s.cash_balance_fen = s.final_charges_fen + 100 + a;
      break;
  }
  s.polls_until_ready = static_cast<int>((h >> 8) % 3);
  s.judicial_hold = (h >> 16) % 100 == 0;
  s.push = (h >> 24) % 4 == 0;
  return s;
}

}  // namespace npd::fakes
