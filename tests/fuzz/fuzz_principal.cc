// fuzz_principal: any bytes as the URI SAN of a client certificate, through ParsePrincipalUri
// (daemon/service/principal.h). It never crashes; a URI it accepts is exactly the principal's
// Uri() (one spelling per principal, so a certificate cannot name one principal two ways), its
// kind's name is known, its id has the shape of its kind, and a refusal says it is not a
// principal without echoing more than 80 bytes of the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/service/principal.h"
#include "tests/fuzz/support/fuzz_world.h"

namespace npd::fuzz {
namespace {

bool CarrierShape(std::string_view id) {
  if (id.empty() || id.size() > 16 || id[0] < 'a' || id[0] > 'z') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

void Check(std::string_view uri) {
  auto parsed = service::ParsePrincipalUri(uri);
  if (!parsed.ok()) {
    if (parsed.status().code() != absl::StatusCode::kInvalidArgument) {
      Violation("ParsePrincipalUri refused with " + parsed.status().ToString());
    }
    // The message quotes at most 80 input bytes, escaped (4 bytes each at worst), plus the why.
    if (parsed.status().message().size() > 80 * 4 + 256) {
      Violation("ParsePrincipalUri's refusal echoes too much of the input");
    }
    return;
  }
  const service::Principal& p = *parsed;
  if (p.Uri() != uri) Violation("accepted '" + std::string(uri) + "' but it is " + p.Uri());
  if (service::PrincipalKindName(p.kind) == "unknown") Violation("accepted an unknown kind");
  const bool carrier_scoped = p.kind == service::PrincipalKind::kCarrier ||
                              p.kind == service::PrincipalKind::kSelfService ||
                              p.kind == service::PrincipalKind::kBilling;
  if (carrier_scoped != !p.Carrier().empty()) Violation("Carrier() disagrees with the kind");
  if (carrier_scoped && !CarrierShape(p.id)) Violation("accepted carrier id '" + p.id + "'");
  if ((p.kind == service::PrincipalKind::kOperator) != !p.OperatorName().empty()) {
    Violation("OperatorName() disagrees with the kind");
  }
  if (p.Actor().empty()) Violation("a principal without an actor");
  auto again = service::ParsePrincipalUri(p.Uri());
  if (!again.ok() || !(*again == p)) Violation("Uri() of " + p.Uri() + " does not parse back");
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
