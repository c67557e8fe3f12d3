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
