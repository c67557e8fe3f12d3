// The input format of fuzz_requests: a sequence of steps on one store, each starting with an op
// byte (op % 4 says which):
//
//   0 request   principal:u8 rpc:u8 length:u16le bytes[length]
//               the request bytes of rpc RpcCases()[rpc % n], sent as Principals()[principal % n]
//   1 clock     minutes:u16le
//               the clock moves on by that many minutes (0: one second); timers due fire
//   2 outside   case:u8 jitter:u8 length:u16le bytes[length]
//               an outside system answers the pending step of the case-th stored refund case
//               (ascending id, modulo their number) with a npd.store.v1.StepResultInput; its
//               version 0 stands for the entry's current version; retry jitter = jitter / 256
//   3 payout    case:u8
//               the dispatcher marks the case's payout as sent (BeginPayout, current version)
//
// A length beyond the input takes what is left. At most kMaxSteps steps are read; the rest of the
// input is ignored. Decoding never fails: every byte string is an input.
#ifndef NPD_TESTS_FUZZ_SUPPORT_REQUEST_INPUT_H_
#define NPD_TESTS_FUZZ_SUPPORT_REQUEST_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace npd::fuzz {

inline constexpr size_t kMaxSteps = 16;

struct InputStep {
  enum class Op : uint8_t { kRequest = 0, kClock = 1, kOutside = 2, kBeginPayout = 3 };
  Op op = Op::kRequest;
  uint8_t principal = 0;
  uint8_t rpc = 0;
  uint16_t minutes = 0;
  uint8_t refund = 0;
  uint8_t jitter = 0;
  std::string_view bytes;  // the request or the StepResultInput; points into the input
};

std::vector<InputStep> DecodeSteps(std::string_view input);

// The encoding of each step, for writing seed inputs.
std::string EncodeRequest(uint8_t principal, uint8_t rpc, std::string_view request);
std::string EncodeClock(uint16_t minutes);
std::string EncodeOutside(uint8_t refund, uint8_t jitter, std::string_view step_result);
std::string EncodeBeginPayout(uint8_t refund);

}  // namespace npd::fuzz

#endif  // NPD_TESTS_FUZZ_SUPPORT_REQUEST_INPUT_H_
