#include "tests/fuzz/support/request_input.h"

namespace npd::fuzz {
namespace {

// Reads from the front of an input; past the end every read gives zero.
class Reader {
 public:
  explicit Reader(std::string_view input) : rest_(input) {}
  bool empty() const { return rest_.empty(); }
  uint8_t Byte() {
    if (rest_.empty()) return 0;
    const auto b = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  uint16_t Uint16() {
    const uint16_t low = Byte();
    return static_cast<uint16_t>(low | (Byte() << 8));
  }
  std::string_view Bytes(size_t length) {
    const std::string_view out = rest_.substr(0, length);
    rest_.remove_prefix(out.size());
    return out;
  }

 private:
  std::string_view rest_;
};

void AppendUint16(std::string& out, uint16_t value) {
  out.push_back(static_cast<char>(value & 0xff));
  out.push_back(static_cast<char>(value >> 8));
}

}  // namespace

std::vector<InputStep> DecodeSteps(std::string_view input) {
  std::vector<InputStep> steps;
  Reader in(input);
  while (!in.empty() && steps.size() < kMaxSteps) {
    InputStep step;
    step.op = static_cast<InputStep::Op>(in.Byte() % 4);
    switch (step.op) {
      case InputStep::Op::kRequest:
        step.principal = in.Byte();
        step.rpc = in.Byte();
        step.bytes = in.Bytes(in.Uint16());
        break;
      case InputStep::Op::kClock:
        step.minutes = in.Uint16();
        break;
      case InputStep::Op::kOutside:
        step.refund = in.Byte();
        step.jitter = in.Byte();
        step.bytes = in.Bytes(in.Uint16());
        break;
      case InputStep::Op::kBeginPayout:
        step.refund = in.Byte();
        break;
    }
    steps.push_back(step);
  }
  return steps;
}

std::string EncodeRequest(uint8_t principal, uint8_t rpc, std::string_view request) {
  std::string out = {static_cast<char>(InputStep::Op::kRequest), static_cast<char>(principal),
                     static_cast<char>(rpc)};
  AppendUint16(out, static_cast<uint16_t>(request.size()));
  out.append(request);
  return out;
}

std::string EncodeClock(uint16_t minutes) {
  std::string out(1, static_cast<char>(InputStep::Op::kClock));
  AppendUint16(out, minutes);
  return out;
}

std::string EncodeOutside(uint8_t refund, uint8_t jitter, std::string_view step_result) {
  std::string out = {static_cast<char>(InputStep::Op::kOutside), static_cast<char>(refund),
                     static_cast<char>(jitter)};
  AppendUint16(out, static_cast<uint16_t>(step_result.size()));
  out.append(step_result);
  return out;
}

std::string EncodeBeginPayout(uint8_t refund) {
  return {static_cast<char>(InputStep::Op::kBeginPayout), static_cast<char>(refund)};
}

}  // namespace npd::fuzz
