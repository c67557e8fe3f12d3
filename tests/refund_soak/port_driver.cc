#include "tests/refund_soak/port_driver.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tests/refund_soak/npd_calls.h"
#include "tests/support/npd_client.h"

namespace npd::refund_soak {

using npd::testing::Holder;
using npd::testing::NpdClient;

PortDriver::PortDriver(std::string address, const SoakNumbers& numbers, int clients)
    : address_(std::move(address)), numbers_(numbers), clients_(clients) {}

PortDriver::~PortDriver() { Stop(); }

void PortDriver::Start() {
  for (int i = 0; i < clients_; ++i) {
    threads_.emplace_back(
        [this, i] { PortAll(static_cast<size_t>(i), static_cast<size_t>(clients_)); });
  }
  threads_.emplace_back([this] { ConfirmLoop(); });
}

void PortDriver::Stop() {
  stop_ = true;
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void PortDriver::PortAll(size_t first, size_t step) {
  for (size_t i = first; i < numbers_.all().size() && !stop_; i += step) {
    PortOne(numbers_.all()[i]);
    ++finished_;
  }
}

void PortDriver::PortOne(const SoakNumber& number) {
  NpdClient npd(address_, FastReconnectArgs());
  const std::string& msisdn = number.msisdn;
  auto fail = [&](const std::string& rpc, const std::string& as, const std::string& what) {
    Error(absl::StrCat(rpc, " ", msisdn, " as ", as, ": ", what));
  };

  // A replayed IssueAuthCode (its first reply lost in a kill) returns no code; the next request_id
  // issues a new one, which revokes the lost code.
  std::string code;
  for (int attempt = 0; attempt < 5 && code.empty(); ++attempt) {
    const std::string request_id = absl::StrCat("soak-", msisdn, "-code-", attempt);
    auto issued = UntilAnswered(
        stop_, retries_, [&] { return npd.IssueCode(number.donor, msisdn, Holder(), request_id); });
    if (!issued) return;
    if (!issued->ok()) return fail("IssueAuthCode", number.donor, Describe(issued->status));
    if (!issued->response.issued()) {
      return fail("IssueAuthCode", number.donor, "refused: " + issued->response.refusal().text());
    }
    code = issued->response.code();
  }
  if (code.empty()) return fail("IssueAuthCode", number.donor, "five replays, no code");

  const std::string submit_id = absl::StrCat("soak-", msisdn, "-submit");
  auto submitted = UntilAnswered(stop_, retries_, [&] {
    return npd.Submit(number.recipient, msisdn, code, Holder(), number.local_network, submit_id);
  });
  if (!submitted) return;
  if (!submitted->ok()) return fail("SubmitPort", number.recipient, Describe(submitted->status));
  const npd::v1::Port& port = submitted->response.port();
  if (port.state() != npd::v1::PORT_STATE_PENDING_DONOR) {
    return fail("SubmitPort", number.recipient,
                "refused a valid request: " + port.refusal().text());
  }

  const std::string approve_id = absl::StrCat("soak-", msisdn, "-approve");
  auto approved = UntilAnswered(
      stop_, retries_, [&] { return npd.Approve(number.donor, port.port_id(), approve_id); });
  if (!approved) return;
  if (!approved->ok()) return fail("AnswerPort", number.donor, Describe(approved->status));
  {
    absl::MutexLock lock(&mu_);
    port_ids_[msisdn] = port.port_id();
  }
  ++approved_;
}

// Confirms, as every carrier, the highest feed position npd reported. Confirming at or below a
// carrier's position changes nothing, so repeats after a kill are harmless.
void PortDriver::ConfirmLoop() {
  NpdClient npd(address_, FastReconnectArgs());
  const std::vector<std::string> carriers = {"cmcc", "ctcc", "cucc"};
  uint64_t head = 0;
  while (!stop_) {
    const uint64_t before = head;
    for (const std::string& carrier : carriers) {
      auto reply = npd.Confirm(carrier, head == 0 ? 1 : head);
      if (reply.ok()) {
        head = std::max<uint64_t>(head, reply.response.head_sequence());
      } else if (!NpdWasDown(reply.status.error_code()) &&
                 !(head == 0 && reply.status.error_code() == grpc::StatusCode::INVALID_ARGUMENT)) {
        Error(absl::StrCat("Confirm ", head, " as ", carrier, ": ", Describe(reply.status)));
      }
    }
    if (head == before) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::map<std::string, std::string> PortDriver::port_ids() const {
  absl::MutexLock lock(&mu_);
  return port_ids_;
}

std::vector<std::string> PortDriver::errors() const {
  absl::MutexLock lock(&mu_);
  return errors_;
}

void PortDriver::Error(std::string line) {
  absl::MutexLock lock(&mu_);
  errors_.push_back(std::move(line));
}

}  // namespace npd::refund_soak
