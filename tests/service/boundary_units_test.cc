// The trust boundary's pieces on their own: the principal naming scheme, per-field limits, the
// per-principal call limits (with a clock the test moves) and the connection table.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/service/caller_limits.h"
#include "daemon/service/connection_table.h"
#include "daemon/service/field_limits.h"
#include "daemon/service/principal.h"
#include "npd/v1/audit.pb.h"
#include "npd/v1/porting.pb.h"
#include "npd/v1/refund.pb.h"

namespace npd::service {
namespace {

using ::testing::HasSubstr;

TEST(PrincipalTest, EveryKindParsesAndRoundTrips) {
  struct Case {
    const char* uri;
    PrincipalKind kind;
    const char* actor;
    const char* carrier;
    const char* person;
  };
  for (const Case& c : {
           Case{"spiffe://npd/carrier/cmcc", PrincipalKind::kCarrier, "cmcc", "cmcc", ""},
           Case{"spiffe://npd/carrier/cucc/selfservice", PrincipalKind::kSelfService, "cucc",
                "cucc", ""},
           Case{"spiffe://npd/operator/alice.w", PrincipalKind::kOperator, "operator", "",
                "alice.w"},
           Case{"spiffe://npd/payment/unionpay", PrincipalKind::kPayment, "payment", "", ""},
           Case{"spiffe://npd/billing/ctcc", PrincipalKind::kBilling, "ctcc", "ctcc", ""},
       }) {
    auto p = ParsePrincipalUri(c.uri);
    ASSERT_TRUE(p.ok()) << c.uri << ": " << p.status();
    EXPECT_EQ(p->kind, c.kind) << c.uri;
    EXPECT_EQ(p->Uri(), c.uri);
    EXPECT_EQ(p->Actor(), c.actor) << c.uri;
    EXPECT_EQ(p->Carrier(), c.carrier) << c.uri;
    EXPECT_EQ(p->OperatorName(), c.person) << c.uri;
  }
}

TEST(PrincipalTest, AnythingElseIsRefusedWithTheReason) {
  for (const char* uri : {
           "",
           "spiffe://npd/",
           "spiffe://npd/carrier",
           "spiffe://npd/carrier/",
           "spiffe://npd/carrier/CMCC",
           "spiffe://npd/carrier/1cmcc",
           "spiffe://npd/carrier/cmcc/",
           "spiffe://npd/carrier/cmcc/billing",
           "spiffe://npd/carrier/cmcc/selfservice/x",
           "spiffe://npd/operator/",
           "spiffe://npd/operator/a/b",
           "spiffe://npd/operator/..",
           "spiffe://npd/operator/a b",
           "spiffe://npd/operator/a%2fb",
           "spiffe://npd/operator/x?admin=1",
           "spiffe://npd/payment/p#f",
           "spiffe://npd/billing/Cmcc",
           "spiffe://npd/admin/root",
           "spiffe://other/carrier/cmcc",
           "https://npd/carrier/cmcc",
           "spiffe://npd//carrier/cmcc",
           "spiffe://npd/carrier/averyveryverylongid",
       }) {
    auto p = ParsePrincipalUri(uri);
    EXPECT_FALSE(p.ok()) << "'" << uri << "' was accepted";
    EXPECT_TRUE(absl::IsInvalidArgument(p.status())) << uri;
  }
  EXPECT_THAT(std::string(ParsePrincipalUri("spiffe://npd/admin/root").status().message()),
              HasSubstr("expected carrier/<id>"));
  // An attacker-chosen URI is shown escaped and cut.
  const std::string evil = "spiffe://npd/x\x1b[2J" + std::string(300, 'a');
  const std::string message(ParsePrincipalUri(evil).status().message());
  EXPECT_THAT(message, Not(HasSubstr("\x1b")));
  EXPECT_LT(message.size(), 300u);
  EXPECT_FALSE(ParsePrincipalUri("spiffe://npd/operator/" + std::string(65, 'a')).ok());
  EXPECT_TRUE(ParsePrincipalUri("spiffe://npd/operator/" + std::string(64, 'a')).ok());
}

TEST(FieldLimitsTest, DefaultsAndAnnotatedLimitsAtEveryDepth) {
  npd::v1::SubmitPortRequest submit;
  submit.set_msisdn(std::string(256, '1'));
  EXPECT_TRUE(CheckFieldLimits(submit).ok());
  submit.set_msisdn(std::string(257, '1'));
  EXPECT_THAT(std::string(CheckFieldLimits(submit).message()),
              HasSubstr("msisdn is 257 bytes long; at most 256"));
  submit.clear_msisdn();
  submit.mutable_applicant()->set_id_number(std::string(257, 'x'));
  EXPECT_THAT(std::string(CheckFieldLimits(submit).message()), HasSubstr("applicant.id_number"));

  npd::v1::AnswerPortRequest answer;
  answer.set_note(std::string(500, 'n'));
  EXPECT_TRUE(CheckFieldLimits(answer).ok());
  answer.set_note(std::string(501, 'n'));
  EXPECT_FALSE(CheckFieldLimits(answer).ok());
  answer.clear_note();
  for (int i = 0; i < 101; ++i) answer.add_reasons(npd::v1::REASON_CODE_R03_ARREARS_BILLED);
  EXPECT_THAT(std::string(CheckFieldLimits(answer).message()),
              HasSubstr("reasons has 101 entries; at most 100"));

  npd::v1::DiffBlockRequest diff;
  for (int i = 0; i < 10000; ++i) diff.add_entries()->set_msisdn("13800130000");
  EXPECT_TRUE(CheckFieldLimits(diff).ok());
  diff.mutable_entries(9999)->set_serving_carrier(std::string(300, 'c'));
  EXPECT_THAT(std::string(CheckFieldLimits(diff).message()),
              HasSubstr("entries[9999].serving_carrier is 300 bytes long"));
  diff.mutable_entries(9999)->clear_serving_carrier();
  diff.add_entries();
  EXPECT_THAT(std::string(CheckFieldLimits(diff).message()), HasSubstr("10001 entries"));
}

// A clock the test moves.
struct FakeClock {
  absl::Duration now = absl::Seconds(1000);
  std::function<absl::Duration()> Fn() {
    return [this] { return now; };
  }
};

TEST(CallerLimitsTest, BurstThenSustainedRateWithARetryDelay) {
  FakeClock clock;
  CallerLimits limits({.requests_per_second = 10, .burst = 5, .max_in_flight = 100}, clock.Fn());
  absl::Duration retry;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limits.Acquire("a", false, retry).ok()) << i;
  auto refused = limits.Acquire("a", false, retry);
  ASSERT_TRUE(absl::IsResourceExhausted(refused.status()));
  EXPECT_EQ(retry, absl::Milliseconds(100));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("retry after 100ms"));
  // Another principal has its own budget.
  EXPECT_TRUE(limits.Acquire("b", false, retry).ok());
  clock.now += absl::Milliseconds(100);
  EXPECT_TRUE(limits.Acquire("a", false, retry).ok());
  EXPECT_FALSE(limits.Acquire("a", false, retry).ok());
  // A long pause refills up to the burst, not beyond.
  clock.now += absl::Hours(1);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limits.Acquire("a", false, retry).ok()) << i;
  EXPECT_FALSE(limits.Acquire("a", false, retry).ok());
}

TEST(CallerLimitsTest, InFlightAndStreamSlotsAreHeldUntilReleased) {
  FakeClock clock;
  CallerLimits limits(
      {.requests_per_second = 1000, .burst = 1000, .max_in_flight = 2, .max_streams = 1},
      clock.Fn());
  absl::Duration retry;
  auto first = limits.Acquire("a", false, retry);
  auto second = limits.Acquire("a", false, retry);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(limits.InFlight("a"), 2);
  auto third = limits.Acquire("a", false, retry);
  EXPECT_TRUE(absl::IsResourceExhausted(third.status()));
  EXPECT_THAT(std::string(third.status().message()), HasSubstr("calls in progress"));
  first->Release();
  EXPECT_EQ(limits.InFlight("a"), 1);
  EXPECT_TRUE(limits.Acquire("a", false, retry).ok());  // released again at once (temporary)
  auto stream = limits.Acquire("a", true, retry);
  ASSERT_TRUE(stream.ok());
  EXPECT_THAT(std::string(limits.Acquire("a", true, retry).status().message()),
              HasSubstr("open streams"));
  {
    CallerLimits::Slot moved = *std::move(stream);
    EXPECT_EQ(limits.Streams("a"), 1);
  }
  EXPECT_EQ(limits.Streams("a"), 0);
  EXPECT_TRUE(limits.Acquire("a", true, retry).ok());
}

TEST(ConnectionTableTest, TotalAndPerIpCapsAtAccept) {
  ConnectionTable table(
      {.max_connections = 3, .max_connections_per_ip = 2, .max_connections_per_principal = 10});
  const absl::Time now = absl::Now();
  EXPECT_TRUE(table.Admit(10, "ipv4:10.0.0.1:1", "10.0.0.1", now));
  EXPECT_TRUE(table.Admit(11, "ipv4:10.0.0.1:2", "10.0.0.1", now));
  EXPECT_FALSE(table.Admit(12, "ipv4:10.0.0.1:3", "10.0.0.1", now));  // per IP
  EXPECT_TRUE(table.Admit(13, "ipv4:10.0.0.2:1", "10.0.0.2", now));
  EXPECT_FALSE(table.Admit(14, "ipv4:10.0.0.3:1", "10.0.0.3", now));  // total
  EXPECT_EQ(table.size(), 3u);
  // Connections gRPC closed are forgotten at the next sweep, and their room is free again.
  table.Sweep([](int fd, const std::string&) { return fd != 10; }, now, absl::Seconds(1));
  EXPECT_EQ(table.ForIp("10.0.0.1"), 1u);
  EXPECT_TRUE(table.Admit(15, "ipv4:10.0.0.1:4", "10.0.0.1", now));
}

TEST(ConnectionTableTest, ConnectionsBeyondAPrincipalsCapAreRefusedThenShut) {
  ConnectionTable table(
      {.max_connections = 100, .max_connections_per_ip = 100, .max_connections_per_principal = 2});
  const absl::Time now = absl::Now();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(table.Admit(20 + i, "ipv4:127.0.0.1:" + std::to_string(i), "127.0.0.1", now));
  }
  EXPECT_TRUE(table.NoteCall("ipv4:127.0.0.1:0", "spiffe://npd/carrier/cmcc").ok());
  EXPECT_TRUE(table.NoteCall("ipv4:127.0.0.1:1", "spiffe://npd/carrier/cmcc").ok());
  auto third = table.NoteCall("ipv4:127.0.0.1:2", "spiffe://npd/carrier/cmcc");
  EXPECT_TRUE(absl::IsResourceExhausted(third));
  EXPECT_THAT(std::string(third.message()), HasSubstr("too many connections"));
  // Still refused on its next call; the first two are fine.
  EXPECT_FALSE(table.NoteCall("ipv4:127.0.0.1:2", "spiffe://npd/carrier/cmcc").ok());
  EXPECT_TRUE(table.NoteCall("ipv4:127.0.0.1:0", "spiffe://npd/carrier/cmcc").ok());
  // Not shut before the grace, then shut (and forgotten).
  const auto alive = [](int, const std::string&) { return true; };
  EXPECT_TRUE(table.Sweep(alive, absl::Now(), absl::Seconds(10)).empty());
  EXPECT_EQ(table.Sweep(alive, absl::Now() + absl::Seconds(11), absl::Seconds(10)),
            std::vector<int>{22});
  EXPECT_EQ(table.ForPrincipal("spiffe://npd/carrier/cmcc"), 2u);
  // A peer npd did not accept (no listener in front) is not limited here.
  EXPECT_TRUE(table.NoteCall("ipv4:127.0.0.1:999", "spiffe://npd/carrier/cmcc").ok());
}

}  // namespace
}  // namespace npd::service
