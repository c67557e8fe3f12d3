#include "daemon/logging.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <utility>

#include <google/protobuf/stubs/logging.h>
#include <grpc/support/log.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace npd {
namespace {

// %* : the message, JSON-escaped (quotes, backslashes, control characters).
class JsonEscapedMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      switch (c) {
        case '"':
          dest.append(std::string_view("\\\""));
          break;
        case '\\':
          dest.append(std::string_view("\\\\"));
          break;
        case '\n':
          dest.append(std::string_view("\\n"));
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            const std::string escaped = absl::StrFormat("\\u%04x", c);
            dest.append(std::string_view(escaped));
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonEscapedMessage>();
  }
};

// %* in the text pattern: the message with control characters escaped (\n, \x1b, ...), so that a
// value a caller chose (a note, a refused principal) cannot forge log lines or drive a terminal.
class TextEscapedMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '\n') {
        dest.append(std::string_view("\\n"));
      } else if (u < 0x20 || u == 0x7f) {
        const std::string escaped = absl::StrFormat("\\x%02x", u);
        dest.append(std::string_view(escaped));
      } else {
        dest.push_back(c);
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<TextEscapedMessage>();
  }
};

// One warning per interval at most for messages that anyone who can connect can cause (gRPC's
// failed TLS handshakes, protobuf's parse errors), with the count of those not logged.
class Sampled {
 public:
  void Log(spdlog::level::level_enum level, std::string_view source, std::string_view message) {
    const auto now = std::chrono::steady_clock::now();
    int64_t skipped = 0;
    {
      std::lock_guard lock(mu_);
      if (now < next_) {
        ++skipped_;
        return;
      }
      next_ = now + std::chrono::seconds(10);
      skipped = std::exchange(skipped_, 0);
    }
    spdlog::log(level, "{}: {}{}", source, message,
                skipped > 0 ? absl::StrCat(" (and ", skipped, " such lines in the last 10s)") : "");
  }

 private:
  std::mutex mu_;
  std::chrono::steady_clock::time_point next_{};
  int64_t skipped_ = 0;
};

Sampled& GrpcSample() {
  static Sampled* sample = new Sampled();
  return *sample;
}

// gRPC core's log lines: errors sampled (a client can cause one per connection), the rest at debug.
void GrpcLog(gpr_log_func_args* args) {
  const std::string_view message = args->message != nullptr ? args->message : "";
  if (args->severity == GPR_LOG_SEVERITY_ERROR) {
    GrpcSample().Log(spdlog::level::warn, "grpc", message);
  } else {
    spdlog::debug("grpc: {}", message);
  }
}

// protobuf's log lines: a request with invalid UTF-8 makes it log an error while parsing, before
// npd answers INVALID_ARGUMENT; keep those at debug.
void ProtobufLog(google::protobuf::LogLevel level, const char* /*filename*/, int /*line*/,
                 const std::string& message) {
  if (level >= google::protobuf::LOGLEVEL_FATAL) {
    spdlog::critical("protobuf: {}", message);
  } else {
    spdlog::debug("protobuf: {}", message);
  }
}

}  // namespace

void RouteLibraryLogs() {
  gpr_set_log_function(&GrpcLog);
  gpr_set_log_verbosity(GPR_LOG_SEVERITY_ERROR);
  google::protobuf::SetLogHandler(&ProtobufLog);
}

absl::Status SetUpLogging(const std::string& level, const std::string& format) {
  auto logger =
      std::make_shared<spdlog::logger>("npd", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<JsonEscapedMessage>('*').set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%f%z","level":"%l","thread":%t,"msg":"%*"})");
    logger->set_formatter(std::move(formatter));
  } else {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<TextEscapedMessage>('*').set_pattern(
        "%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ [%t] %*");
    logger->set_formatter(std::move(formatter));
  }
  const auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    return absl::InvalidArgumentError(absl::StrFormat("unknown log level '%s'", level));
  }
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
  return absl::OkStatus();
}

}  // namespace npd
