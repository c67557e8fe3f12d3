#include "tests/fuzz/support/fuzz_world.h"

// RAND_set_rand_method is deprecated in OpenSSL 3 but still honoured by RAND_bytes; it is the one
// way to make the codes npd draws reproducible without changing npd.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

#include "absl/time/civil_time.h"
#include "google/protobuf/stubs/logging.h"
#include "spdlog/spdlog.h"

namespace npd::fuzz {
namespace {

uint64_t random_state = 0;

uint64_t NextRandom() {  // splitmix64
  uint64_t z = (random_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

int DeterministicBytes(unsigned char* buf, int num) {
  for (int i = 0; i < num; ++i) buf[i] = static_cast<unsigned char>(NextRandom() >> 56);
  return 1;
}
int DeterministicSeed(const void*, int) { return 1; }
int DeterministicAdd(const void*, int, double) { return 1; }
int DeterministicStatus() { return 1; }

const RAND_METHOD kDeterministicRandom = {
    DeterministicSeed, DeterministicBytes, nullptr,
    DeterministicAdd,  DeterministicBytes, DeterministicStatus,
};

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  if (!in) Violation("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

void Violation(std::string_view what) {
  std::fprintf(stderr, "npd fuzz invariant violated: %.*s\n", static_cast<int>(what.size()),
               what.data());
  std::fflush(stderr);
  std::abort();
}

void InstallDeterministicRandom() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (RAND_set_rand_method(&kDeterministicRandom) != 1) {
      Violation("RAND_set_rand_method failed");
    }
  });
}

void ResetRandom(uint64_t seed) { random_state = seed; }

void InitFuzzProcess() {
  InstallDeterministicRandom();
  google::protobuf::SetLogHandler(
      [](google::protobuf::LogLevel level, const char* file, int line, const std::string& message) {
        if (level >= google::protobuf::LOGLEVEL_FATAL) {
          std::fprintf(stderr, "protobuf %s:%d: %s\n", file, line, message.c_str());
        }
      });
  spdlog::set_level(spdlog::level::critical);
}

const core::NumberPlan& ShippedPlan() {
  static const core::NumberPlan* plan = [] {
    const std::string dir = NPD_DATA_DIR;
    auto parsed = core::NumberPlan::Parse(ReadText(dir + "/carriers.csv"),
                                          ReadText(dir + "/number_blocks.csv"),
                                          ReadText(dir + "/local_networks.csv"));
    if (!parsed.ok()) Violation("the shipped plan does not parse: " + parsed.status().ToString());
    return new core::NumberPlan(*std::move(parsed));
  }();
  return *plan;
}

const engine::EngineContext& DefaultContext() {
  static const engine::EngineContext* context = [] {
    static const core::IdentityHasher hasher(kFuzzIdentitySecret);
    auto* ctx = new engine::EngineContext;
    ctx->plan = &ShippedPlan();
    ctx->hasher = &hasher;
    ctx->carrier_ids = ShippedPlan().CarrierIds();
    static const core::PayeeKeyRing keys =
        *core::PayeeKeyRing::Parse("fuzz-1 " + std::string(64, 'a'));
    ctx->payee_keys = &keys;
    return ctx;
  }();
  return *context;
}

const std::vector<FuzzPrincipal>& Principals() {
  static const std::vector<FuzzPrincipal>* principals = [] {
    auto* out = new std::vector<FuzzPrincipal>;
    for (const char* uri : {
             "spiffe://npd/carrier/cmcc",
             "spiffe://npd/carrier/cucc",
             "spiffe://npd/carrier/ctcc",
             "spiffe://npd/carrier/cucc/selfservice",
             "spiffe://npd/carrier/cmcc/selfservice",
             "spiffe://npd/operator/alice",
             "spiffe://npd/payment/unionpay",
             "spiffe://npd/billing/cmcc",
             "spiffe://npd/billing/ctcc",
             "spiffe://npd/carrier/cbn",
         }) {
      auto parsed = service::ParsePrincipalUri(uri);
      if (!parsed.ok()) Violation(std::string("fixed principal does not parse: ") + uri);
      // The gatekeeper's identification refuses a principal naming a carrier not in the plan.
      const bool known = parsed->Carrier().empty() || ShippedPlan().IsCarrier(parsed->Carrier());
      out->push_back({*std::move(parsed), known});
    }
    return out;
  }();
  return *principals;
}

absl::Time ScenarioStart() {
  static const absl::TimeZone shanghai = absl::FixedTimeZone(8 * 3600);
  return absl::FromCivil(absl::CivilSecond(2026, 11, 24, 10, 0, 0), shanghai);
}

}  // namespace npd::fuzz
