// fuzz_config: npd's configuration sources through LoadConfig (daemon/config.h). Input: TOML text,
// optionally followed by a line "%%" and lines "key=value" (a --set flag) or "NPD_...=value" (an
// environment variable). LoadConfig never crashes and refuses only with INVALID_ARGUMENT; a
// configuration it accepts passes CheckTransportSecurity or is refused with INVALID_ARGUMENT, its
// description (DescribeConfig, what npd logs at start-up) redacts the identity secret, and that
// description, given back as flags, loads to the same description: every value npd reports is one
// it accepts and means the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/str_split.h"
#include "daemon/config.h"
#include "tests/fuzz/support/fuzz_world.h"

namespace npd::fuzz {
namespace {

bool HasControlCharacter(std::string_view text) {
  for (char c : text) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f) return true;
  }
  return false;
}

void CheckRoundTrip(const std::string& described) {
  // A value with a line break or a control character cannot come back through a flag line.
  if (HasControlCharacter(described)) return;
  ConfigSources back;
  for (absl::string_view line : absl::StrSplit(described, '\n', absl::SkipEmpty())) {
    const size_t at = line.find(" = ");
    if (at == absl::string_view::npos) Violation("DescribeConfig line without ' = '");
    back.flags[std::string(line.substr(0, at))] = std::string(line.substr(at + 3));
  }
  auto reloaded = LoadConfig(back);
  if (!reloaded.ok()) {
    Violation("the described configuration does not load back: " + reloaded.status().ToString() +
              "\n" + described);
  }
  const std::string again = DescribeConfig(*reloaded);
  if (again != described) {
    Violation("the described configuration loads back to another one:\n" + described + "vs\n" +
              again);
  }
}

void Check(std::string_view input) {
  ConfigSources sources;
  sources.file = "fuzz.toml";
  const size_t split = input.find("\n%%\n");
  sources.file_text = std::string(input.substr(0, split));
  if (split != std::string_view::npos) {
    for (absl::string_view line :
         absl::StrSplit(absl::string_view(input.data() + split + 4, input.size() - split - 4), '\n',
                        absl::SkipEmpty())) {
      const size_t eq = line.find('=');
      if (eq == absl::string_view::npos) continue;
      const std::string key(line.substr(0, eq));
      const std::string value(line.substr(eq + 1));
      if (key.starts_with("NPD_")) {
        sources.env[key] = value;
      } else {
        sources.flags[key] = value;
      }
    }
  }
  auto config = LoadConfig(sources);
  if (!config.ok()) {
    if (config.status().code() != absl::StatusCode::kInvalidArgument) {
      Violation("LoadConfig refused with " + config.status().ToString());
    }
    return;
  }
  if (auto s = CheckTransportSecurity(*config);
      !s.ok() && s.code() != absl::StatusCode::kInvalidArgument) {
    Violation("CheckTransportSecurity refused with " + s.ToString());
  }
  const std::string described = DescribeConfig(*config);
  const std::string secret_line = "security.identity_secret = " +
                                  std::string(config->identity_secret.empty() ? "" : "<redacted>") +
                                  "\n";
  if (described.find(secret_line) == std::string::npos) {
    Violation("DescribeConfig does not redact the identity secret");
  }
  CheckRoundTrip(described);
}

}  // namespace
}  // namespace npd::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  npd::fuzz::InitFuzzProcess();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  npd::fuzz::Check(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
