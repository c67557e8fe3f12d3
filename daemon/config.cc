#include "daemon/config.h"

#include <filesystem>
#include <functional>
#include <optional>

#include <toml++/toml.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "daemon/core/calendar.h"

namespace npd {
namespace {

// Debian's abseil has its own string_view type; this bridges std::string_view to it.
absl::string_view Sv(std::string_view v) { return absl::string_view(v.data(), v.size()); }

// Durations accept absl forms ("90s", "60m", "1h30m") and whole days ("120d").
absl::Status ParseDurationValue(std::string_view text, absl::Duration& out) {
  int64_t days = 0;
  if (!text.empty() && text.back() == 'd' &&
      absl::SimpleAtoi(Sv(text.substr(0, text.size() - 1)), &days)) {
    out = absl::Hours(24 * days);
  } else if (!absl::ParseDuration(Sv(text), &out)) {
    return absl::InvalidArgumentError("not a duration (e.g. 90s, 60m, 1h, 120d)");
  }
  if (out <= absl::ZeroDuration()) return absl::InvalidArgumentError("must be positive");
  return absl::OkStatus();
}

absl::Status ParseInt(std::string_view text, int64_t min, int64_t max, int64_t& out) {
  if (!absl::SimpleAtoi(Sv(text), &out)) return absl::InvalidArgumentError("not an integer");
  if (out < min || out > max) {
    return absl::InvalidArgumentError(absl::StrCat("must be between ", min, " and ", max));
  }
  return absl::OkStatus();
}

absl::Status ParseChoice(std::string_view text, std::initializer_list<std::string_view> choices,
                         std::string& out) {
  for (auto c : choices) {
    if (text == c) {
      out = std::string(text);
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("must be one of: ",
                   absl::StrJoin(std::vector<std::string>(choices.begin(), choices.end()), ", ")));
}

std::string ModeName(core::CutoverPolicy::Mode mode) {
  switch (mode) {
    case core::CutoverPolicy::Mode::kImmediate:
      return "immediate";
    case core::CutoverPolicy::Mode::kWindow:
      return "window";
    case core::CutoverPolicy::Mode::kNextHour:
      break;
  }
  return "next_hour";
}

std::string TimeOfDay(absl::Duration d) {
  const int64_t minutes = absl::ToInt64Minutes(d);
  return absl::StrFormat("%02d:%02d", minutes / 60, minutes % 60);
}

struct Key {
  const char* name;
  std::function<absl::Status(std::string_view, Config&)> set;
  std::function<std::string(const Config&)> get;
  bool secret = false;
};

Key DurationKey(const char* name, absl::Duration Config::*field) {
  return {name, [field](std::string_view v, Config& c) { return ParseDurationValue(v, c.*field); },
          [field](const Config& c) { return absl::FormatDuration(c.*field); }};
}

// A duration between min and max (inclusive), e.g. retention no shorter than an hour.
Key BoundedDurationKey(const char* name, absl::Duration min, absl::Duration max,
                       std::function<absl::Duration&(Config&)> field) {
  return {
      name,
      [=](std::string_view v, Config& c) {
        absl::Duration d;
        if (auto s = ParseDurationValue(v, d); !s.ok()) return s;
        if (d < min || d > max) {
          return absl::InvalidArgumentError(absl::StrCat(
              "must be between ", absl::FormatDuration(min), " and ", absl::FormatDuration(max)));
        }
        field(c) = d;
        return absl::OkStatus();
      },
      [=](const Config& c) { return absl::FormatDuration(field(const_cast<Config&>(c))); }};
}

Key PolicyDurationKey(const char* name, absl::Duration core::PortPolicy::*field) {
  return {name,
          [field](std::string_view v, Config& c) { return ParseDurationValue(v, c.policy.*field); },
          [field](const Config& c) { return absl::FormatDuration(c.policy.*field); }};
}

Key StringKey(const char* name, std::string Config::*field, bool secret = false) {
  return {name,
          [field](std::string_view v, Config& c) {
            c.*field = std::string(v);
            return absl::OkStatus();
          },
          [field](const Config& c) { return c.*field; }, secret};
}

Key BoolKey(const char* name, bool Config::*field) {
  return {name,
          [field](std::string_view v, Config& c) {
            if (v == "true" || v == "1") {
              c.*field = true;
            } else if (v == "false" || v == "0") {
              c.*field = false;
            } else {
              return absl::InvalidArgumentError("must be true or false");
            }
            return absl::OkStatus();
          },
          [field](const Config& c) { return std::string(c.*field ? "true" : "false"); }};
}

Key DoubleKey(const char* name, double min, double max, std::function<double&(Config&)> field) {
  return {name,
          [=](std::string_view v, Config& c) {
            double d = 0;
            if (!absl::SimpleAtod(Sv(v), &d) || !(d >= min && d <= max)) {
              return absl::InvalidArgumentError(
                  absl::StrCat("must be a number between ", min, " and ", max));
            }
            field(c) = d;
            return absl::OkStatus();
          },
          [=](const Config& c) { return absl::StrCat(field(const_cast<Config&>(c))); }};
}

template <typename T, typename Owner>
Key IntKey(const char* name, int64_t min, int64_t max, std::function<T&(Owner&)> field) {
  return {name,
          [=](std::string_view v, Config& c) {
            int64_t n = 0;
            if (auto s = ParseInt(v, min, max, n); !s.ok()) return s;
            field(c) = static_cast<T>(n);
            return absl::OkStatus();
          },
          [=](const Config& c) { return absl::StrCat(field(const_cast<Config&>(c))); }};
}

Key RefundDurationKey(const char* name, absl::Duration min, absl::Duration max,
                      absl::Duration core::RefundPolicy::*field) {
  return BoundedDurationKey(
      name, min, max, [field](Config& c) -> absl::Duration& { return c.refund_policy.*field; });
}

Key AddressKey(const char* name, std::string outbox::OutsideAddresses::*field) {
  return {name,
          [field](std::string_view v, Config& c) {
            c.outside.*field = std::string(absl::StripAsciiWhitespace(Sv(v)));
            return absl::OkStatus();
          },
          [field](const Config& c) { return c.outside.*field; }};
}

// "carrier=host:port, carrier/Province=host:port, *=host:port".
absl::Status ParseBillingAddresses(std::string_view v, std::map<std::string, std::string>& out) {
  std::map<std::string, std::string> parsed;
  for (absl::string_view item : absl::StrSplit(Sv(v), ',', absl::SkipWhitespace())) {
    std::vector<absl::string_view> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    if (kv.size() != 2 || absl::StripAsciiWhitespace(kv[0]).empty() ||
        absl::StripAsciiWhitespace(kv[1]).empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", item, "' is not carrier=host:port (or carrier/Province=..., or *=...)"));
    }
    parsed[std::string(absl::StripAsciiWhitespace(kv[0]))] =
        std::string(absl::StripAsciiWhitespace(kv[1]));
  }
  out = std::move(parsed);
  return absl::OkStatus();
}

std::string DescribeBillingAddresses(const std::map<std::string, std::string>& addresses) {
  std::string out;
  for (const auto& [k, v] : addresses) absl::StrAppend(&out, out.empty() ? "" : ",", k, "=", v);
  return out;
}

const std::vector<Key>& Keys() {
  static const std::vector<Key> keys = {
      StringKey("server.listen", &Config::listen),
      StringKey("server.port_file", &Config::port_file),
      DurationKey("server.drain_timeout", &Config::drain_timeout),
      StringKey("server.tls_cert", &Config::tls_cert),
      StringKey("server.tls_key", &Config::tls_key),
      StringKey("server.tls_client_ca", &Config::tls_client_ca),
      StringKey("server.tls_crl_dir", &Config::tls_crl_dir),
      BoundedDurationKey("server.tls_refresh_interval", absl::Seconds(1), absl::Hours(24),
                         [](Config& c) -> absl::Duration& { return c.tls_refresh_interval; }),
      BoundedDurationKey("server.handshake_timeout", absl::Milliseconds(100), absl::Minutes(5),
                         [](Config& c) -> absl::Duration& { return c.handshake_timeout; }),
      BoundedDurationKey("server.max_connection_idle", absl::Seconds(1), absl::Hours(24 * 7),
                         [](Config& c) -> absl::Duration& { return c.max_connection_idle; }),
      IntKey<int, Config>("server.max_connections", 1, 1000000,
                          [](Config& c) -> int& { return c.connections.max_connections; }),
      IntKey<int, Config>("server.max_connections_per_ip", 1, 1000000,
                          [](Config& c) -> int& { return c.connections.max_connections_per_ip; }),
      DoubleKey("server.accepts_per_ip_per_second", 0.1, 1e6,
                [](Config& c) -> double& { return c.listener.accepts_per_ip_per_second; }),
      DoubleKey("limits.requests_per_second", 0.1, 1e9,
                [](Config& c) -> double& { return c.caller_limits.requests_per_second; }),
      DoubleKey("limits.burst", 1, 1e9, [](Config& c) -> double& { return c.caller_limits.burst; }),
      IntKey<int, Config>("limits.max_in_flight", 1, 1000000,
                          [](Config& c) -> int& { return c.caller_limits.max_in_flight; }),
      IntKey<int, Config>("limits.max_streams", 1, 100000,
                          [](Config& c) -> int& { return c.caller_limits.max_streams; }),
      {"limits.refusal_delay",
       [](std::string_view v, Config& c) {
         absl::Duration d;
         if (v == "0" || v == "0s") {
           c.refusal_delay = absl::ZeroDuration();
           return absl::OkStatus();
         }
         if (auto s = ParseDurationValue(v, d); !s.ok()) return s;
         if (d > absl::Seconds(10)) return absl::InvalidArgumentError("must be at most 10s");
         c.refusal_delay = d;
         return absl::OkStatus();
       },
       [](const Config& c) { return absl::FormatDuration(c.refusal_delay); }},
      IntKey<int, Config>(
          "limits.max_connections", 1, 100000,
          [](Config& c) -> int& { return c.connections.max_connections_per_principal; }),
      StringKey("storage.data_dir", &Config::data_dir),
      IntKey<int, Config>("storage.block_cache_mb", 1, 1 << 20,
                          [](Config& c) -> int& { return c.block_cache_mb; }),
      IntKey<int, Config>("storage.max_open_files", 64, 1000000,
                          [](Config& c) -> int& { return c.max_open_files; }),
      StringKey("plan.dir", &Config::plan_dir),
      StringKey("security.identity_secret", &Config::identity_secret, /*secret=*/true),
      StringKey("security.payee_key_file", &Config::payee_key_file),
      BoolKey("security.dev_header_identity", &Config::dev_header_identity),
      IntKey<size_t, Config>("engine.max_batch", 1, 100000,
                             [](Config& c) -> size_t& { return c.engine.max_batch; }),
      IntKey<size_t, Config>("engine.queue_limit", 1, 10000000,
                             [](Config& c) -> size_t& { return c.engine.queue_limit; }),
      PolicyDurationKey("porting.auth_code_ttl", &core::PortPolicy::auth_code_ttl),
      IntKey<int, Config>("porting.max_failed_code_attempts", 1, 100,
                          [](Config& c) -> int& { return c.policy.max_failed_code_attempts; }),
      PolicyDurationKey("porting.port_interval", &core::PortPolicy::port_interval),
      PolicyDurationKey("porting.donor_answer_time", &core::PortPolicy::donor_answer_time),
      {"porting.donor_timeout_policy",
       [](std::string_view v, Config& c) {
         std::string choice;
         if (auto s = ParseChoice(v, {"escalate", "deemed_consent"}, choice); !s.ok()) return s;
         c.policy.donor_timeout = choice == "escalate" ? core::DonorTimeoutPolicy::kEscalate
                                                       : core::DonorTimeoutPolicy::kDeemedConsent;
         return absl::OkStatus();
       },
       [](const Config& c) {
         return std::string(c.policy.donor_timeout == core::DonorTimeoutPolicy::kEscalate
                                ? "escalate"
                                : "deemed_consent");
       }},
      {"porting.cutover_mode",
       [](std::string_view v, Config& c) {
         auto mode = core::ParseCutoverMode(v);
         if (!mode.ok()) return mode.status();
         c.policy.cutover.mode = *mode;
         return absl::OkStatus();
       },
       [](const Config& c) { return ModeName(c.policy.cutover.mode); }},
      {"porting.cutover_window",
       [](std::string_view v, Config& c) {
         std::vector<std::string> parts = absl::StrSplit(Sv(v), '-');
         if (parts.size() != 2) return absl::InvalidArgumentError("must look like 02:00-06:00");
         auto start = core::ParseTimeOfDay(parts[0]);
         if (!start.ok()) return start.status();
         auto end = core::ParseTimeOfDay(parts[1]);
         if (!end.ok()) return end.status();
         if (*start == *end) return absl::InvalidArgumentError("window start and end are equal");
         c.policy.cutover.window_start = *start;
         c.policy.cutover.window_end = *end;
         return absl::OkStatus();
       },
       [](const Config& c) {
         return absl::StrCat(TimeOfDay(c.policy.cutover.window_start), "-",
                             TimeOfDay(c.policy.cutover.window_end));
       }},
      PolicyDurationKey("porting.stale_after", &core::PortPolicy::stale_after),
      PolicyDurationKey("porting.ack_timeout", &core::PortPolicy::ack_timeout),
      IntKey<int, Config>("porting.ack_resends", 0, 10,
                          [](Config& c) -> int& { return c.policy.ack_resends; }),
      PolicyDurationKey("porting.max_return_notice", &core::PortPolicy::max_return_notice),
      IntKey<int, Config>("porting.blackout_last_days_of_month", 0, 27,
                          [](Config& c) -> int& { return c.policy.blackout.last_days_of_month; }),
      {"porting.rule_version",
       [](std::string_view v, Config& c) {
         if (v.empty()) return absl::InvalidArgumentError("must not be empty");
         c.policy.rule_version = std::string(v);
         return absl::OkStatus();
       },
       [](const Config& c) { return c.policy.rule_version; }},
      DurationKey("feed.heartbeat_interval", &Config::heartbeat_interval),
      BoundedDurationKey("feed.retention", absl::Hours(1), absl::Hours(24 * 366),
                         [](Config& c) -> absl::Duration& { return c.feed_prune.retention; }),
      BoundedDurationKey("feed.prune_interval", absl::Seconds(1), absl::Hours(24),
                         [](Config& c) -> absl::Duration& { return c.feed_prune.interval; }),
      RefundDurationKey("refund.claim_window", absl::Hours(1), absl::Hours(24 * 3650),
                        &core::RefundPolicy::claim_window),
      RefundDurationKey("refund.payee_fix_grace", absl::ZeroDuration(), absl::Hours(24 * 365),
                        &core::RefundPolicy::payee_fix_grace),
      IntKey<int, Config>("refund.max_attempts", 1, 1000,
                          [](Config& c) -> int& { return c.refund_policy.max_attempts; }),
      RefundDurationKey("refund.retry_initial", absl::Milliseconds(10), absl::Hours(1),
                        &core::RefundPolicy::retry_initial),
      RefundDurationKey("refund.retry_max", absl::Milliseconds(10), absl::Hours(24),
                        &core::RefundPolicy::retry_max),
      RefundDurationKey("refund.poll_interval", absl::Milliseconds(10), absl::Hours(24),
                        &core::RefundPolicy::poll_interval),
      RefundDurationKey("refund.final_bill_wait", absl::Seconds(1), absl::Hours(24 * 365),
                        &core::RefundPolicy::final_bill_wait),
      BoundedDurationKey("refund.call_timeout", absl::Milliseconds(50), absl::Minutes(5),
                         [](Config& c) -> absl::Duration& { return c.outside.call_timeout; }),
      IntKey<size_t, Config>("refund.max_in_flight", 1, 10000,
                             [](Config& c) -> size_t& { return c.dispatcher.max_in_flight; }),
      {"refund.billing",
       [](std::string_view v, Config& c) { return ParseBillingAddresses(v, c.outside.billing); },
       [](const Config& c) { return DescribeBillingAddresses(c.outside.billing); }},
      AddressKey("refund.payment", &outbox::OutsideAddresses::payment),
      AddressKey("refund.settlement", &outbox::OutsideAddresses::settlement),
      AddressKey("refund.sms", &outbox::OutsideAddresses::sms),
      AddressKey("refund.tls_ca", &outbox::OutsideAddresses::tls_ca),
      {"log.level",
       [](std::string_view v, Config& c) {
         return ParseChoice(v, {"trace", "debug", "info", "warn", "error"}, c.log_level);
       },
       [](const Config& c) { return c.log_level; }},
      {"log.format",
       [](std::string_view v, Config& c) {
         return ParseChoice(v, {"text", "json"}, c.log_format);
       },
       [](const Config& c) { return c.log_format; }},
  };
  return keys;
}

const Key* FindKey(std::string_view name) {
  for (const auto& k : Keys()) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

absl::Status Apply(std::string_view key, std::string_view value, std::string_view source,
                   Config& config) {
  const Key* k = FindKey(key);
  if (k == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(source), ": unknown configuration key '", Sv(key), "'"));
  }
  // No value (a path, an address, a name, a secret) has a use for control characters, and a line
  // break would split the line DescribeConfig logs for the key (found by fuzz_config).
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(Sv(source), ": ", Sv(key),
                       ": must not contain control characters (such as a line break)"));
    }
  }
  if (absl::Status s = k->set(value, config); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(Sv(source), ": ", Sv(key), ": ", s.message()));
  }
  return absl::OkStatus();
}

// Parses the TOML of `sources` (the file, or file_text) and flattens it into "section.key" -> text
// value.
absl::Status ApplyFile(const ConfigSources& sources, Config& config) {
  const std::string& path = sources.file.empty() ? std::string("config text") : sources.file;
  if (!sources.file_text.has_value() && !std::filesystem::exists(path)) {
    return absl::NotFoundError(absl::StrCat("config file ", path, " does not exist"));
  }
  toml::table root;
  try {
    root = sources.file_text.has_value() ? toml::parse(*sources.file_text, path)
                                         : toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ":", static_cast<int64_t>(e.source().begin.line), ": ", Sv(e.description())));
  }
  for (const auto& [section, node] : root) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": top-level key '", Sv(section.str()), "' must be a [section]"));
    }
    for (const auto& [name, value] : *table) {
      const std::string key = absl::StrCat(Sv(section.str()), ".", Sv(name.str()));
      // By the node's own type: toml++'s value<T>() converts between types, and converting a float
      // such as 1e35 to an integer is undefined behaviour (found by fuzz_config under UBSan).
      std::string text;
      if (const auto* s = value.as_string()) {
        text = s->get();
      } else if (const auto* i = value.as_integer()) {
        text = absl::StrCat(i->get());
      } else if (const auto* b = value.as_boolean()) {
        text = b->get() ? "true" : "false";
      } else if (const auto* d = value.as_floating_point()) {
        text = absl::StrCat(d->get());
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": ", key, ": must be a string, a number or a boolean"));
      }
      if (auto s = Apply(key, text, path, config); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

// The host part of "host:port" or "[v6]:port".
std::string HostOf(const std::string& address) {
  std::string host = address.substr(0, address.rfind(':'));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host;
}

bool IsLoopback(const std::string& address) {
  const std::string host = HostOf(address);
  return host == "localhost" || host == "::1" || absl::StartsWith(host, "127.");
}

}  // namespace

absl::Status CheckTransportSecurity(const Config& config) {
  const int tls_keys =
      !config.tls_cert.empty() + !config.tls_key.empty() + !config.tls_client_ca.empty();
  if (config.dev_header_identity) {
    if (tls_keys > 0) {
      return absl::InvalidArgumentError(
          "security.dev_header_identity takes the caller from a header over plaintext: unset "
          "server.tls_cert, server.tls_key and server.tls_client_ca, or turn it off");
    }
    if (!IsLoopback(config.listen)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "security.dev_header_identity is for development on loopback only, but server.listen "
          "is ",
          config.listen, ": anyone who can connect could claim any identity"));
    }
    for (const std::string* address :
         {&config.outside.payment, &config.outside.settlement, &config.outside.sms}) {
      if (!address->empty() && !IsLoopback(*address)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "security.dev_header_identity calls outside systems in plaintext, so only on "
            "loopback; ",
            *address, " is not"));
      }
    }
    for (const auto& [who, address] : config.outside.billing) {
      if (!IsLoopback(address)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "security.dev_header_identity calls outside systems in plaintext, so only on "
            "loopback; refund.billing ",
            who, "=", address, " is not"));
      }
    }
    return absl::OkStatus();
  }
  if (tls_keys != 3) {
    return absl::InvalidArgumentError(
        "npd serves only over mutual TLS: set server.tls_cert, server.tls_key and "
        "server.tls_client_ca (scripts/dev-pki DIR makes a development set), or, for "
        "development on a loopback address only, security.dev_header_identity = true");
  }
  return absl::OkStatus();
}

std::string EnvName(const std::string& key) {
  std::string name = absl::StrCat("NPD_", absl::AsciiStrToUpper(key));
  for (char& c : name) {
    if (c == '.') c = '_';
  }
  return name;
}

std::vector<std::string> ConfigKeys() {
  std::vector<std::string> names;
  for (const auto& k : Keys()) names.emplace_back(k.name);
  return names;
}

absl::StatusOr<Config> LoadConfig(const ConfigSources& sources) {
  Config config;
  if (!sources.file.empty() || sources.file_text.has_value()) {
    if (auto s = ApplyFile(sources, config); !s.ok()) return s;
  }
  for (const auto& k : Keys()) {
    auto it = sources.env.find(EnvName(k.name));
    if (it == sources.env.end()) continue;
    if (auto s = Apply(k.name, it->second, absl::StrCat("environment ", it->first), config);
        !s.ok()) {
      return s;
    }
  }
  for (const auto& [key, value] : sources.flags) {
    if (auto s = Apply(key, value, "flag", config); !s.ok()) return s;
  }
  if (config.listen.empty()) return absl::InvalidArgumentError("server.listen must not be empty");
  if (config.data_dir.empty()) {
    return absl::InvalidArgumentError("storage.data_dir must not be empty");
  }
  if (config.refund_policy.retry_initial > config.refund_policy.retry_max) {
    return absl::InvalidArgumentError("refund.retry_initial must not exceed refund.retry_max");
  }
  return config;
}

std::string DescribeConfig(const Config& config) {
  std::string out;
  for (const auto& k : Keys()) {
    std::string value = k.get(config);
    if (k.secret && !value.empty()) value = "<redacted>";
    absl::StrAppend(&out, k.name, " = ", value, "\n");
  }
  return out;
}

}  // namespace npd
