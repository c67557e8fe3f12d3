// What the donor's billing knows of a ported-out number: its balance, deductions and charges, and
// how billing behaves for it (a slow final bill, a judicial hold, a pushed bill).
#ifndef NPD_TESTS_FAKES_BILL_SCENARIO_H_
#define NPD_TESTS_FAKES_BILL_SCENARIO_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace npd::fakes {

struct BillScenario {
  // FinalBill fields, in fen, each >= 0.
  int64_t cash_balance_fen = 0;
  int64_t non_refundable_fen = 0;
  int64_t third_party_topup_fen = 0;
  int64_t final_charges_fen = 0;
  // GetFinalBill answers ready = false this many times for the refund before the bill.
  int polls_until_ready = 0;
  // FreezeAccount answers judicial_hold = true (every time while the scenario says so).
  bool judicial_hold = false;
  // After the first successful freeze, billing also pushes the bill to npd (ReportFinalBill).
  bool push = false;

  // cash - non_refundable - third_party - charges; negative means arrears.
  int64_t refundable_fen() const {
    return cash_balance_fen - non_refundable_fen - third_party_topup_fen - final_charges_fen;
  }
};

// The kinds of number the default distribution produces.
enum class BillKind { kZero, kArrears, kPromo, kThirdParty, kTypical };

// FNV-1a 64 of the number: stable across builds and machines.
uint64_t MsisdnHash(std::string_view msisdn);

// BillKind of the default scenario, from h = MsisdnHash(msisdn), bucket = h % 100:
// 0-9 zero balance (refundable 0); 10-19 arrears (charges exceed cash, refundable < 0);
// 20-34 promo credit (non_refundable > 0, refundable > 0); 35-44 third-party top-ups
// (third_party > 0, refundable > 0); 45-99 typical (refundable > 0).
BillKind DefaultBillKind(std::string_view msisdn);

// The default scenario, a pure function of the number. Besides the amounts (see DefaultBillKind):
// polls_until_ready = (h >> 8) % 3; judicial_hold when (h >> 16) % 100 == 0 (1%); push when
// (h >> 24) % 4 == 0 (25%).
BillScenario DefaultBillScenario(std::string_view msisdn);

}  // namespace npd::fakes

#endif  // NPD_TESTS_FAKES_BILL_SCENARIO_H_
