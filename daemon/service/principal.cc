#include "daemon/service/principal.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "daemon/core/string_view_compat.h"

namespace npd::service {
namespace {

constexpr size_t kMaxSegment = 64;

// A carrier id as the number plan allows it: 1-16 lower-case letters and digits, starting with a
// letter.
bool IsCarrierShape(std::string_view id) {
  if (id.empty() || id.size() > 16 || !absl::ascii_islower(static_cast<unsigned char>(id[0]))) {
    return false;
  }
  for (char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if (!absl::ascii_islower(u) && !absl::ascii_isdigit(u)) return false;
  }
  return true;
}

// A person or channel name: 1-64 of [A-Za-z0-9._-], not "." or "..".
bool IsNameShape(std::string_view name) {
  if (name.empty() || name.size() > kMaxSegment || name == "." || name == "..") return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (!absl::ascii_isalnum(u) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

absl::Status Malformed(std::string_view uri, std::string_view why) {
  // The URI is attacker-chosen: show at most 80 bytes of it, escaped.
  const std::string_view shown = uri.substr(0, 80);
  return absl::InvalidArgumentError(
      absl::StrCat("'", absl::CHexEscape(core::AbslView(shown)), uri.size() > 80 ? "..." : "",
                   "' is not an npd principal: ", core::AbslView(why)));
}

}  // namespace

std::string_view PrincipalKindName(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::kCarrier:
      return "carrier";
    case PrincipalKind::kSelfService:
      return "selfservice";
    case PrincipalKind::kOperator:
      return "operator";
    case PrincipalKind::kPayment:
      return "payment";
    case PrincipalKind::kBilling:
      return "billing";
  }
  return "unknown";
}

std::string Principal::Uri() const {
  switch (kind) {
    case PrincipalKind::kCarrier:
      return absl::StrCat(kTrustDomainPrefix, "carrier/", id);
    case PrincipalKind::kSelfService:
      return absl::StrCat(kTrustDomainPrefix, "carrier/", id, "/selfservice");
    case PrincipalKind::kOperator:
      return absl::StrCat(kTrustDomainPrefix, "operator/", id);
    case PrincipalKind::kPayment:
      return absl::StrCat(kTrustDomainPrefix, "payment/", id);
    case PrincipalKind::kBilling:
      return absl::StrCat(kTrustDomainPrefix, "billing/", id);
  }
  return std::string();
}

std::string Principal::Actor() const {
  switch (kind) {
    case PrincipalKind::kOperator:
      return "operator";
    case PrincipalKind::kPayment:
      return "payment";
    case PrincipalKind::kCarrier:
    case PrincipalKind::kSelfService:
    case PrincipalKind::kBilling:
      break;
  }
  return id;
}

const std::string& Principal::Carrier() const {
  static const std::string kNone;
  return kind == PrincipalKind::kOperator || kind == PrincipalKind::kPayment ? kNone : id;
}

std::string Principal::OperatorName() const {
  return kind == PrincipalKind::kOperator ? id : std::string();
}

absl::StatusOr<Principal> ParsePrincipalUri(std::string_view uri) {
  const std::string_view prefix = kTrustDomainPrefix;
  if (uri.size() > 256) return Malformed(uri, "longer than 256 bytes");
  if (uri.substr(0, prefix.size()) != prefix) {
    return Malformed(uri, absl::StrCat("it does not start with ", kTrustDomainPrefix));
  }
  const std::string_view path = uri.substr(prefix.size());
  if (path.find_first_of("?#%") != std::string_view::npos) {
    return Malformed(uri, "queries, fragments and escapes are not allowed");
  }
  const std::vector<absl::string_view> parts = absl::StrSplit(core::AbslView(path), '/');
  const auto kind = parts.front();
  Principal p;
  if (kind == "carrier" && (parts.size() == 2 || parts.size() == 3)) {
    p.kind = PrincipalKind::kCarrier;
    if (parts.size() == 3) {
      if (parts[2] != "selfservice") {
        return Malformed(uri, "the only carrier sub-principal is 'selfservice'");
      }
      p.kind = PrincipalKind::kSelfService;
    }
    if (!IsCarrierShape(std::string_view(parts[1].data(), parts[1].size()))) {
      return Malformed(uri, "a carrier id is 1-16 lower-case letters and digits");
    }
  } else if ((kind == "operator" || kind == "payment") && parts.size() == 2) {
    p.kind = kind == "operator" ? PrincipalKind::kOperator : PrincipalKind::kPayment;
    if (!IsNameShape(std::string_view(parts[1].data(), parts[1].size()))) {
      return Malformed(uri, "a person or channel name is 1-64 characters of [A-Za-z0-9._-]");
    }
  } else if (kind == "billing" && parts.size() == 2) {
    p.kind = PrincipalKind::kBilling;
    if (!IsCarrierShape(std::string_view(parts[1].data(), parts[1].size()))) {
      return Malformed(uri, "a carrier id is 1-16 lower-case letters and digits");
    }
  } else {
    return Malformed(uri,
                     "expected carrier/<id>, carrier/<id>/selfservice, operator/<person>, "
                     "payment/<channel> or billing/<carrier>");
  }
  p.id = std::string(parts[1]);
  return p;
}

}  // namespace npd::service
