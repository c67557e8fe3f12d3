#include "tests/crash_loop/load_driver.h"

#include <chrono>
#include <deque>
#include <optional>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tests/crash_loop/port_states.h"
#include "tests/support/npd_client.h"

namespace npd::crash_loop {
namespace {

using npd::testing::Holder;
using npd::testing::NewRequestId;
using npd::testing::NpdClient;

// The codes a client sees while npd is down or restarting; anything else is an answer.
bool NpdWasDown(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

std::string Describe(const grpc::Status& status) {
  return absl::StrCat(status.error_code(), " ", status.error_message());
}

}  // namespace

// One client thread's state: its random source and the ports whose number it will return.
class LoadDriver::Client {
 public:
  Client(LoadDriver& driver, uint64_t seed)
      : driver_(driver), npd_(driver.address_, npd::testing::FastReconnectArgs()), rng_(seed) {}

  void Run() {
    const double pace = driver_.options_.pace_ms;
    std::uniform_real_distribution<double> jitter(0.5 * pace, 1.5 * pace);
    while (!driver_.stop_) {
      std::this_thread::sleep_for(
          std::chrono::microseconds(static_cast<int64_t>(jitter(rng_) * 1000)));
      if (!returns_.empty() && Coin(0.25)) {
        ReturnOne();
        continue;
      }
      std::optional<PoolNumber> number = driver_.pool_.Next();
      if (number) {
        PortOne(*number);
      } else if (!returns_.empty()) {
        ReturnOne();
      }
    }
  }

 private:
  struct ReturnCandidate {
    std::string port_id;
    std::string msisdn;
    std::string recipient;
  };

  bool Coin(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  // Runs `attempt` (which must reuse one request_id) until npd answers; nullopt once stopping.
  template <typename Attempt>
  auto Retry(Attempt attempt) -> std::optional<decltype(attempt())> {
    while (!driver_.stop_) {
      decltype(attempt()) reply;
      {
        absl::ReaderMutexLock gate(&driver_.gate_);
        reply = attempt();
      }
      if (reply.ok() || !NpdWasDown(reply.status.error_code())) return reply;
      ++driver_.retries_;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::nullopt;
  }

  void PortOne(const PoolNumber& number) {
    ++driver_.operations_;
    const std::vector<std::string>& carriers = Carriers();
    std::string recipient;
    do {
      recipient = carriers[std::uniform_int_distribution<size_t>(0, carriers.size() - 1)(rng_)];
    } while (recipient == number.range_holder);

    // A replayed IssueAuthCode (its first reply lost in a kill) returns no code: ask again with a
    // new request_id, which revokes the lost one.
    std::string code;
    for (int attempt = 0; attempt < 3 && code.empty(); ++attempt) {
      const std::string request_id = NewRequestId();
      auto issued = Retry(
          [&] { return npd_.IssueCode(number.range_holder, number.msisdn, Holder(), request_id); });
      if (!issued) return;
      if (!issued->ok()) {
        return Fail("IssueAuthCode", number.msisdn, number.range_holder, Describe(issued->status));
      }
      if (!issued->response.issued()) {
        return Fail("IssueAuthCode", number.msisdn, number.range_holder,
                    "refused: " + issued->response.refusal().text());
      }
      code = issued->response.code();
    }
    if (code.empty()) {
      return Fail("IssueAuthCode", number.msisdn, number.range_holder, "three replays, no code");
    }

    const std::string request_id = NewRequestId();
    auto submitted = Retry([&] {
      return npd_.Submit(recipient, number.msisdn, code, Holder(), kBeijing, request_id);
    });
    if (!submitted) return;
    if (!submitted->ok()) {
      return Fail("SubmitPort", number.msisdn, recipient, Describe(submitted->status));
    }
    const npd::v1::Port& port = submitted->response.port();
    driver_.ledger_.Record("SubmitPort", port);
    if (port.state() != npd::v1::PORT_STATE_PENDING_DONOR) {
      return Fail("SubmitPort", number.msisdn, recipient,
                  "refused a valid request: " + port.refusal().text());
    }
    if (Coin(driver_.options_.return_ratio)) {
      returns_.push_back({port.port_id(), number.msisdn, recipient});
    }
  }

  // Looks at the oldest candidate: returns its number once COMPLETED, keeps it while live, drops it
  // when the donor rejected the port.
  void ReturnOne() {
    ++driver_.operations_;
    ReturnCandidate candidate = std::move(returns_.front());
    returns_.pop_front();
    auto got = Retry([&] { return npd_.GetPort(candidate.recipient, candidate.port_id); });
    if (!got) return;
    if (!got->ok()) {
      return Fail("GetPort " + candidate.port_id, candidate.msisdn, candidate.recipient,
                  Describe(got->status));
    }
    const npd::v1::PortState state = got->response.port().state();
    if (IsLive(state)) {
      returns_.push_back(std::move(candidate));
      return;
    }
    if (state != npd::v1::PORT_STATE_COMPLETED) return;
    const std::string request_id = NewRequestId();
    auto returned = Retry([&] {
      return npd_.Disconnect(candidate.recipient, candidate.msisdn, absl::InfinitePast(),
                             request_id);
    });
    if (!returned) return;
    if (!returned->ok()) {
      return Fail("DisconnectNumber", candidate.msisdn, candidate.recipient,
                  Describe(returned->status));
    }
    driver_.ledger_.Record("DisconnectNumber", returned->response.port());
  }

  void Fail(const std::string& rpc, const std::string& msisdn, const std::string& as,
            const std::string& what) {
    driver_.Error(absl::StrCat(rpc, " ", msisdn, " as ", as, ": ", what));
  }

  LoadDriver& driver_;
  NpdClient npd_;
  std::mt19937_64 rng_;
  std::deque<ReturnCandidate> returns_;
};

LoadDriver::LoadDriver(std::string address, NumberPool& pool, AckLedger& ledger,
                       LoadOptions options)
    : address_(std::move(address)), pool_(pool), ledger_(ledger), options_(options) {}

LoadDriver::~LoadDriver() { Stop(); }

void LoadDriver::Start() {
  stop_ = false;
  for (int i = 0; i < options_.clients; ++i) {
    threads_.emplace_back([this, seed = options_.seed * 1000 + static_cast<uint64_t>(i)] {
      Client(*this, seed).Run();
    });
  }
}

void LoadDriver::Stop() {
  stop_ = true;
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void LoadDriver::Pause() { gate_.WriterLock(); }
void LoadDriver::Resume() { gate_.WriterUnlock(); }

LoadStats LoadDriver::stats() const { return {operations_.load(), retries_.load()}; }

std::vector<std::string> LoadDriver::errors() const {
  absl::MutexLock lock(&errors_mu_);
  return errors_;
}

void LoadDriver::Error(std::string line) {
  absl::MutexLock lock(&errors_mu_);
  errors_.push_back(std::move(line));
}

}  // namespace npd::crash_loop
