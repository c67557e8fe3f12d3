// Per-principal limits on a real npd over mutual TLS: the request rate (with the retry hint), open
// streams, connections; and a flooding principal does not slow another one down.
#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "npd/v1/feed.grpc.pb.h"
#include "npd/v1/number.grpc.pb.h"
#include "tests/service/npd_fixture.h"

namespace npd::testing {
namespace {

using ::testing::HasSubstr;

npd::v1::LookupRequest LookupOf(const std::string& msisdn) {
  npd::v1::LookupRequest request;
  request.set_msisdn(msisdn);
  return request;
}

// One Lookup over `channel`; the status, and the retry-after-ms trailer if any.
grpc::Status Lookup(const std::shared_ptr<grpc::Channel>& channel,
                    std::string* retry_after = nullptr) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  npd::v1::LookupResponse response;
  grpc::Status status =
      npd::v1::NumberService::NewStub(channel)->Lookup(&context, LookupOf(kCmccNumber), &response);
  if (retry_after != nullptr) {
    auto it = context.GetServerTrailingMetadata().find("retry-after-ms");
    *retry_after = it == context.GetServerTrailingMetadata().end()
                       ? ""
                       : std::string(it->second.data(), it->second.size());
  }
  return status;
}

class RateLimitTest : public NpdTest {
 protected:
  void Configure(Config& config) override {
    config.caller_limits.requests_per_second = 20;
    config.caller_limits.burst = 30;
  }
};

TEST_F(RateLimitTest, APrincipalOverItsRateIsToldWhenToRetryWhileOthersAreServed) {
  auto cmcc = ChannelAs("cmcc");
  int ok = 0;
  int refused = 0;
  std::string retry_after;
  grpc::Status last;
  for (int i = 0; i < 60; ++i) {
    std::string hint;
    grpc::Status status = Lookup(cmcc, &hint);
    if (status.ok()) {
      ++ok;
    } else {
      ASSERT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
          << status.error_message();
      ++refused;
      retry_after = hint;
      last = status;
    }
  }
  // The burst of 30, and the few tokens that refilled while the calls ran.
  EXPECT_GE(ok, 30);
  EXPECT_LT(ok, 50);
  EXPECT_GT(refused, 10);
  EXPECT_THAT(last.error_message(), HasSubstr("rate limit"));
  EXPECT_THAT(last.error_message(), HasSubstr("retry after"));
  int64_t delay_ms = 0;
  ASSERT_TRUE(absl::SimpleAtoi(retry_after, &delay_ms)) << "'" << retry_after << "'";
  EXPECT_GT(delay_ms, 0);
  EXPECT_LE(delay_ms, 50);  // one token at 20 per second
  // Meanwhile another principal is served; and the first again after the delay its latest
  // refusal hinted.
  EXPECT_TRUE(Lookup(ChannelAs("ctcc")).ok());
  for (int i = 0; i < 100 && Lookup(cmcc, &retry_after).ok(); ++i) {
  }
  ASSERT_TRUE(absl::SimpleAtoi(retry_after, &delay_ms)) << "'" << retry_after << "'";
  absl::SleepFor(absl::Milliseconds(delay_ms + 10));
  grpc::Status again = Lookup(cmcc);
  EXPECT_TRUE(again.ok()) << again.error_message();
}

class StreamLimitTest : public NpdTest {
 protected:
  void Configure(Config& config) override {
    config.caller_limits.max_streams = 2;
    config.heartbeat_interval = absl::Milliseconds(100);
  }
};

// An open Subscribe of `as` until destroyed.
struct OpenStream {
  OpenStream(const std::shared_ptr<grpc::Channel>& channel) {
    stub = npd::v1::RoutingFeedService::NewStub(channel);
    reader = stub->Subscribe(&context, npd::v1::SubscribeRequest());
    npd::v1::SubscribeResponse first;
    admitted = reader->Read(&first);
    if (!admitted) status = reader->Finish();
  }
  ~OpenStream() {
    if (admitted) {
      context.TryCancel();
      npd::v1::SubscribeResponse ignored;
      while (reader->Read(&ignored)) {
      }
      reader->Finish();
    }
  }
  grpc::ClientContext context;
  std::unique_ptr<npd::v1::RoutingFeedService::Stub> stub;
  std::unique_ptr<grpc::ClientReader<npd::v1::SubscribeResponse>> reader;
  bool admitted = false;
  grpc::Status status;
};

TEST_F(StreamLimitTest, APrincipalHoldsAtMostItsStreams) {
  auto ctcc = ChannelAs("ctcc");
  auto first = std::make_unique<OpenStream>(ctcc);
  OpenStream second(ctcc);
  ASSERT_TRUE(first->admitted && second.admitted);
  OpenStream third(ctcc);
  EXPECT_FALSE(third.admitted);
  EXPECT_EQ(third.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(third.status.error_message(), HasSubstr("open streams"));
  OpenStream other(ChannelAs("cmcc"));
  EXPECT_TRUE(other.admitted) << "another principal has its own streams";
  first.reset();
  // The slot is free once npd is done with the cancelled stream.
  bool readmitted = false;
  for (int i = 0; i < 50 && !readmitted; ++i) {
    OpenStream again(ctcc);
    readmitted = again.admitted;
    if (!readmitted) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(readmitted);
}

class ConnectionLimitTest : public NpdTest {
 protected:
  void Configure(Config& config) override { config.connections.max_connections_per_principal = 3; }
};

TEST_F(ConnectionLimitTest, ConnectionsBeyondAPrincipalsCapAreRefusedAndClosed) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < 4; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("npd.test.connection", i);  // distinct arguments: distinct connections
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channels.push_back(NewTestChannel(server_->address(), "cmcc", args));
  }
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Lookup(channels[i]).ok()) << i;
  grpc::Status fourth = Lookup(channels[3]);
  EXPECT_EQ(fourth.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(fourth.error_message(), HasSubstr("too many connections"));
  EXPECT_EQ(server_->connections().ForPrincipal("spiffe://npd/carrier/cmcc"), 3u);
  // npd shuts the extra connection after a grace second; the first three keep working, and the
  // principal's other calls were never refused.
  bool closed = false;
  for (int i = 0; i < 60 && !closed; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    closed = channels[3]->GetState(false) != GRPC_CHANNEL_READY;
  }
  EXPECT_TRUE(closed);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Lookup(channels[i]).ok()) << i;
  // Another principal connects as usual.
  EXPECT_TRUE(Lookup(ChannelAs("ctcc")).ok());
}

class FloodTest : public NpdTest {
 protected:
  void Configure(Config& config) override {
    if (limited_) {
      config.refusal_delay = absl::Milliseconds(100);  // npd's default
      config.caller_limits.requests_per_second = 400;
      config.caller_limits.burst = 400;
      config.caller_limits.max_in_flight = 64;
    } else {  // the control: as good as no limits
      config.caller_limits.requests_per_second = 1e9;
      config.caller_limits.burst = 1e9;
      config.caller_limits.max_in_flight = 1000000;
    }
  }

  // Latencies (microseconds) of `n` IssueAuthCode + Lookup pairs made by ctcc on its own numbers,
  // a pair every 5 ms at most (within ctcc's own rate).
  std::vector<int64_t> Measure(int n, int first) {
    std::vector<int64_t> micros;
    for (int i = 0; i < n; ++i) {
      const std::string msisdn = absl::StrFormat("1330100%04d", first + i);
      const absl::Time start = absl::Now();
      auto code = client().IssueCode("ctcc", msisdn, Holder());
      EXPECT_TRUE(code.ok()) << code.status.error_message();
      EXPECT_TRUE(Lookup(ChannelAs("ctcc")).ok());
      micros.push_back(absl::ToInt64Microseconds(absl::Now() - start));
      absl::SleepFor(absl::Milliseconds(5));
    }
    std::sort(micros.begin(), micros.end());
    return micros;
  }

  struct Flooded {
    std::vector<int64_t> latencies;  // ctcc's, sorted
    int64_t sent = 0, served = 0, refused = 0;
  };

  // ctcc's latencies while cucc floods with mutations over 8 connections, 32 in flight on each
  // (as many as npd lets one connection have), as fast as npd answers: a broken or hostile BSS.
  Flooded MeasureDuringFlood(int first) {
    std::atomic<bool> stop{false};
    std::atomic<int64_t> sent{0}, refused{0}, served{0};
    std::vector<std::thread> flooders;
    for (int c = 0; c < 8; ++c) {
      flooders.emplace_back([&, c] {
        grpc::ChannelArguments args;
        args.SetInt("npd.test.flood", c);
        args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
        auto stub =
            npd::v1::PortingService::NewStub(NewTestChannel(server_->address(), "cucc", args));
        std::atomic<int> outstanding{0};
        int64_t n = 0;
        while (!stop) {
          if (outstanding >= 32) {
            std::this_thread::sleep_for(std::chrono::microseconds(200));
            continue;
          }
          struct Call {
            grpc::ClientContext context;
            npd::v1::IssueAuthCodeRequest request;
            npd::v1::IssueAuthCodeResponse response;
          };
          auto* call = new Call;
          call->request.set_request_id(absl::StrCat("flood-", c, "-", n));
          call->request.set_msisdn(absl::StrFormat("18601%02d%04d", c, n % 10000));
          *call->request.mutable_holder() = Holder();
          ++n;
          ++outstanding;
          ++sent;
          stub->async()->IssueAuthCode(&call->context, &call->request, &call->response,
                                       [&, call](grpc::Status s) {
                                         (s.ok() ? served : refused)++;
                                         delete call;
                                         --outstanding;
                                       });
        }
        while (outstanding > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      });
    }
    absl::SleepFor(absl::Milliseconds(500));  // the flood is on
    Flooded out;
    out.latencies = Measure(150, first);
    stop = true;
    for (auto& t : flooders) t.join();
    out.sent = sent;
    out.served = served;
    out.refused = refused;
    return out;
  }

  bool limited_ = true;
};

int64_t Percentile(const std::vector<int64_t>& sorted, double p) {
  return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()))];
}

TEST_F(FloodTest, AFloodingPrincipalDoesNotSlowTheOthers) {
  // The control first: npd as good as without per-principal limits, the same flood.
  limited_ = false;
  RestartServer();
  const Flooded unlimited = MeasureDuringFlood(2000);
  limited_ = true;
  RestartServer();
  const auto quiet = Measure(150, 0);
  const Flooded limited = MeasureDuringFlood(1000);
  const int64_t quiet_p50 = Percentile(quiet, 0.5), quiet_p99 = Percentile(quiet, 0.99);
  const int64_t p50 = Percentile(limited.latencies, 0.5), p99 = Percentile(limited.latencies, 0.99);
  const int64_t unlimited_p50 = Percentile(unlimited.latencies, 0.5);
  const int64_t unlimited_p99 = Percentile(unlimited.latencies, 0.99);
  std::cerr << "ctcc latency (IssueAuthCode + Lookup), us: quiet p50 " << quiet_p50 << " p99 "
            << quiet_p99 << "; cucc flooding, limited: p50 " << p50 << " p99 " << p99 << " (sent "
            << limited.sent << ", served " << limited.served << ", refused " << limited.refused
            << "); unlimited: p50 " << unlimited_p50 << " p99 " << unlimited_p99 << " (sent "
            << unlimited.sent << ", served " << unlimited.served << ")\n";
  // The flood got its budget (400 per second, 400 at once) and no more; the rest was refused,
  // each refusal held for 100 ms, which slows the flood to the pace of its own refusals.
  EXPECT_GT(limited.refused, limited.served);
  EXPECT_LT(limited.served, 2500);
  // Unlimited, ctcc's writes wait behind the flood's in the engine; limited, ctcc sees npd nearly
  // as it was.
  EXPECT_LT(p50, 3 * quiet_p50 + 3'000);
  EXPECT_LT(2 * p50, unlimited_p50);
  EXPECT_LT(p99, unlimited_p99);
}

}  // namespace
}  // namespace npd::testing
