// The refund soak: npd (the real binary) ports thousands of numbers and drives their balance
// refunds against the fake outside systems (tests/fakes, in this process) with ~30% injected
// faults, is SIGKILLed and restarted several times midway, then drains with faults off; the run
// checks every case, the payment and settlement ledgers and the amounts, and prints the figures.
// See README.md.
#ifndef NPD_TESTS_REFUND_SOAK_REFUND_SOAK_H_
#define NPD_TESTS_REFUND_SOAK_REFUND_SOAK_H_

#include "tests/fakes/fault_injector.h"
#include "tests/refund_soak/soak_options.h"

namespace npd::refund_soak {

// The faults of every outside call during the load (README.md): independent draws of error 0.10,
// timeout 0.05, slow 0.05, crash_after_effect 0.05, duplicate_callback 0.05 and
// out_of_order_callback 0.05 (1 - 0.9 * 0.95^5 = 30.4% of calls draw at least one); timeouts answer
// after 600 ms, past npd's 300 ms call deadline.
fakes::FaultPlan SoakFaultPlan();

// Runs the soak and prints its figures to stdout (progress to stderr). Returns the exit status:
// 0 pass, 1 a check failed or the run could not complete, 2 bad options or plan.
int RunRefundSoak(SoakOptions options);

}  // namespace npd::refund_soak

#endif  // NPD_TESTS_REFUND_SOAK_REFUND_SOAK_H_
