// Configuration: precedence flag > env > file > default, validation with the key and source named.
#include "daemon/config.h"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace npd {
namespace {

using ::testing::HasSubstr;

std::string WriteFile(const testing::TempDir& dir, const std::string& text) {
  const std::string path = dir.Sub("npd.toml");
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigTest, DefaultsMatchTheDocumentedOnes) {
  auto config = LoadConfig({});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "127.0.0.1:50051");
  EXPECT_EQ(config->data_dir, "./var/npd");
  EXPECT_EQ(config->policy.auth_code_ttl, absl::Minutes(60));
  EXPECT_EQ(config->policy.donor_answer_time, absl::Hours(1));
  EXPECT_EQ(config->policy.port_interval, absl::Hours(24 * 120));
  EXPECT_EQ(config->policy.cutover.mode, core::CutoverPolicy::Mode::kNextHour);
  EXPECT_EQ(config->policy.donor_timeout, core::DonorTimeoutPolicy::kEscalate);
}

TEST(ConfigTest, ShippedExampleConfigLoadsAndEqualsTheDefaults) {
  auto shipped = LoadConfig({.file = NPD_SOURCE_DIR "/deploy/npd.toml"});
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  auto defaults = LoadConfig({});
  EXPECT_EQ(DescribeConfig(*shipped), DescribeConfig(*defaults));
}

TEST(ConfigTest, TextTakesThePlaceOfTheFile) {
  auto config =
      LoadConfig({.file = "inline.toml", .file_text = "[server]\nlisten = \"127.0.0.1:7000\"\n"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "127.0.0.1:7000");
  auto broken = LoadConfig({.file_text = "[server\n"});
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(broken.status().message(), HasSubstr("config text:1"));
}

TEST(ConfigTest, FlagBeatsEnvBeatsFileBeatsDefault) {
  testing::TempDir dir;
  const std::string file = WriteFile(dir, R"(
[server]
listen = "127.0.0.1:7000"
[storage]
data_dir = "/from/file"
block_cache_mb = 32
[porting]
cutover_mode = "window"
cutover_window = "22:00-02:00"
auth_code_ttl = "10m"
)");
  ConfigSources sources{
      .file = file,
      .env = {{"NPD_SERVER_LISTEN", "127.0.0.1:8000"},
              {"NPD_STORAGE_DATA_DIR", "/from/env"},
              {"UNRELATED", "x"}},
      .flags = {{"server.listen", "127.0.0.1:9000"}},
  };
  auto config = LoadConfig(sources);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "127.0.0.1:9000");  // flag
  EXPECT_EQ(config->data_dir, "/from/env");     // env over file
  EXPECT_EQ(config->block_cache_mb, 32);        // file over default
  EXPECT_EQ(config->policy.auth_code_ttl, absl::Minutes(10));
  EXPECT_EQ(config->policy.cutover.mode, core::CutoverPolicy::Mode::kWindow);
  EXPECT_EQ(config->policy.cutover.window_start, absl::Hours(22));
  EXPECT_EQ(config->policy.cutover.window_end, absl::Hours(2));
  EXPECT_EQ(config->policy.port_interval, absl::Hours(24 * 120));  // default
}

TEST(ConfigTest, ErrorsNameTheKeyAndTheSource) {
  testing::TempDir dir;
  auto unknown = LoadConfig({.file = WriteFile(dir, "[server]\nlisen = \"x\"\n")});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("server.lisen"));

  auto bad_env = LoadConfig({.env = {{"NPD_PORTING_AUTH_CODE_TTL", "soon"}}});
  ASSERT_FALSE(bad_env.ok());
  EXPECT_THAT(bad_env.status().message(), HasSubstr("NPD_PORTING_AUTH_CODE_TTL"));
  EXPECT_THAT(bad_env.status().message(), HasSubstr("porting.auth_code_ttl"));

  auto bad_flag = LoadConfig({.flags = {{"porting.cutover_mode", "tomorrow"}}});
  ASSERT_FALSE(bad_flag.ok());
  EXPECT_THAT(bad_flag.status().message(), HasSubstr("porting.cutover_mode"));

  auto range = LoadConfig({.flags = {{"engine.max_batch", "0"}}});
  ASSERT_FALSE(range.ok());
  EXPECT_THAT(range.status().message(), HasSubstr("between"));

  auto negative = LoadConfig({.flags = {{"porting.donor_answer_time", "-5m"}}});
  EXPECT_FALSE(negative.ok());

  auto window = LoadConfig({.flags = {{"porting.cutover_window", "02:00"}}});
  EXPECT_FALSE(window.ok());

  auto missing = LoadConfig({.file = dir.Sub("absent.toml")});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);

  auto syntax = LoadConfig({.file = WriteFile(dir, "[server\nlisten=1")});
  ASSERT_FALSE(syntax.ok());
  EXPECT_THAT(syntax.status().message(), HasSubstr("npd.toml:"));
}

// Found by fuzz_config (tests/fuzz/regressions/fuzz_config/line-break-in-a-value): a TOML
// multi-line string put a line break into a value, and the description npd logs split there.
TEST(ConfigTest, ValuesWithControlCharactersAreRefused) {
  auto multiline = LoadConfig({.file_text = "[plan]\ndir = \"\"\"\n./data\n\"\"\"\n"});
  ASSERT_FALSE(multiline.ok());
  EXPECT_EQ(multiline.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(multiline.status().message(), HasSubstr("plan.dir"));
  EXPECT_THAT(multiline.status().message(), HasSubstr("control characters"));
  auto escape = LoadConfig({.flags = {{"server.port_file", "/tmp/p\x1b[2Jort"}}});
  ASSERT_FALSE(escape.ok());
  EXPECT_THAT(escape.status().message(), HasSubstr("server.port_file"));
  EXPECT_TRUE(LoadConfig({.flags = {{"server.port_file", "/tmp/端口"}}}).ok());
}

// Found by fuzz_config (tests/fuzz/regressions/fuzz_config/huge-float-for-an-integer): reading a
// TOML float as an integer converted 1e35 to int64 (undefined behaviour under UBSan).
TEST(ConfigTest, NumbersAreReadAsTheTypeTomlGivesThem) {
  auto huge = LoadConfig({.file_text = "[limits]\nburst = 1e35\n"});
  ASSERT_FALSE(huge.ok());
  EXPECT_THAT(huge.status().message(), HasSubstr("limits.burst"));
  auto whole = LoadConfig({.file_text = "[engine]\nmax_batch = 64.0\n"});
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(whole->engine.max_batch, 64u);
  auto rate = LoadConfig({.file_text = "[limits]\nrequests_per_second = 250.5\n"});
  EXPECT_TRUE(rate.ok()) << rate.status();
}

TEST(ConfigTest, DescriptionRedactsTheSecret) {
  auto config = LoadConfig({.flags = {{"security.identity_secret", "hunter2-very-secret"}}});
  ASSERT_TRUE(config.ok());
  const std::string text = DescribeConfig(*config);
  EXPECT_THAT(text, HasSubstr("security.identity_secret = <redacted>"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("hunter2")));
  EXPECT_THAT(text, HasSubstr("server.listen = 127.0.0.1:50051"));
}

TEST(ConfigTest, EveryKeyHasAnEnvironmentName) {
  EXPECT_EQ(EnvName("server.listen"), "NPD_SERVER_LISTEN");
  EXPECT_EQ(EnvName("porting.cutover_mode"), "NPD_PORTING_CUTOVER_MODE");
  EXPECT_GE(ConfigKeys().size(), 20u);
}

TEST(ConfigTest, FeedRetentionAndPruneIntervalHaveDefaultsAndBounds) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->feed_prune.retention, absl::Hours(24 * 7));
  EXPECT_EQ(defaults->feed_prune.interval, absl::Minutes(1));

  auto set = LoadConfig({.flags = {{"feed.retention", "30d"}, {"feed.prune_interval", "10s"}}});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->feed_prune.retention, absl::Hours(24 * 30));
  EXPECT_EQ(set->feed_prune.interval, absl::Seconds(10));

  auto short_retention = LoadConfig({.flags = {{"feed.retention", "30m"}}});
  EXPECT_EQ(short_retention.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(short_retention.status().message(), HasSubstr("feed.retention: must be between"));
  auto fast = LoadConfig({.flags = {{"feed.prune_interval", "100ms"}}});
  EXPECT_EQ(fast.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(fast.status().message(), HasSubstr("feed.prune_interval"));
}

}  // namespace
}  // namespace npd

namespace npd {
namespace {

Config WithTls() {
  Config config;
  config.tls_cert = "/etc/npd/tls/server.pem";
  config.tls_key = "/etc/npd/tls/server.key";
  config.tls_client_ca = "/etc/npd/tls/ca.pem";
  return config;
}

TEST(TransportSecurityTest, MutualTlsNeedsAllThreeFiles) {
  EXPECT_TRUE(CheckTransportSecurity(WithTls()).ok());
  Config none;
  auto refused = CheckTransportSecurity(none);
  EXPECT_TRUE(absl::IsInvalidArgument(refused));
  EXPECT_THAT(std::string(refused.message()), HasSubstr("server.tls_client_ca"));
  EXPECT_THAT(std::string(refused.message()), HasSubstr("scripts/dev-pki"));
  Config partial = WithTls();
  partial.tls_client_ca.clear();
  EXPECT_TRUE(absl::IsInvalidArgument(CheckTransportSecurity(partial)));
}

TEST(TransportSecurityTest, HeaderIdentityIsForLoopbackDevelopmentOnly) {
  for (const char* listen : {"127.0.0.1:50051", "[::1]:50051", "localhost:0"}) {
    Config dev;
    dev.dev_header_identity = true;
    dev.listen = listen;
    EXPECT_TRUE(CheckTransportSecurity(dev).ok()) << listen;
  }
  for (const char* listen : {"0.0.0.0:50051", "[::]:50051", "10.1.2.3:50051"}) {
    Config exposed;
    exposed.dev_header_identity = true;
    exposed.listen = listen;
    auto refused = CheckTransportSecurity(exposed);
    EXPECT_TRUE(absl::IsInvalidArgument(refused)) << listen;
    EXPECT_THAT(std::string(refused.message()), HasSubstr("loopback")) << listen;
  }
  Config both = WithTls();
  both.dev_header_identity = true;
  EXPECT_TRUE(absl::IsInvalidArgument(CheckTransportSecurity(both)));
  // Plaintext toward a payment channel that is not on this machine would leak card numbers.
  Config remote_payment;
  remote_payment.dev_header_identity = true;
  remote_payment.outside.payment = "10.0.0.8:443";
  EXPECT_THAT(std::string(CheckTransportSecurity(remote_payment).message()),
              HasSubstr("10.0.0.8:443"));
  Config remote_billing;
  remote_billing.dev_header_identity = true;
  remote_billing.outside.billing = {{"cmcc", "billing.example:443"}};
  EXPECT_TRUE(absl::IsInvalidArgument(CheckTransportSecurity(remote_billing)));
}

TEST(ConfigTest, TrustBoundaryKeysParseAndAreChecked) {
  auto config = LoadConfig({.flags = {{"server.tls_cert", "/c.pem"},
                                      {"server.tls_refresh_interval", "5s"},
                                      {"security.dev_header_identity", "false"},
                                      {"limits.requests_per_second", "250.5"},
                                      {"limits.max_streams", "4"},
                                      {"server.max_connections", "100"},
                                      {"server.accepts_per_ip_per_second", "10"}}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->tls_cert, "/c.pem");
  EXPECT_EQ(config->tls_refresh_interval, absl::Seconds(5));
  EXPECT_DOUBLE_EQ(config->caller_limits.requests_per_second, 250.5);
  EXPECT_EQ(config->caller_limits.max_streams, 4);
  EXPECT_EQ(config->connections.max_connections, 100);
  EXPECT_DOUBLE_EQ(config->listener.accepts_per_ip_per_second, 10);
  auto not_bool = LoadConfig({.flags = {{"security.dev_header_identity", "yes please"}}});
  EXPECT_THAT(std::string(not_bool.status().message()), HasSubstr("true or false"));
  auto not_number = LoadConfig({.flags = {{"limits.requests_per_second", "fast"}}});
  EXPECT_THAT(std::string(not_number.status().message()), HasSubstr("limits.requests_per_second"));
  auto too_fast = LoadConfig({.flags = {{"server.tls_refresh_interval", "10ms"}}});
  EXPECT_TRUE(absl::IsInvalidArgument(too_fast.status()));
}

}  // namespace
}  // namespace npd
