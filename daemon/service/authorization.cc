#include "daemon/service/authorization.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/core/string_view_compat.h"

namespace npd::service {
namespace {

using K = PrincipalKind;
constexpr size_t kKiB = 1024;

constexpr KindSet kCarrier{K::kCarrier};
constexpr KindSet kCarrierOrSelf{K::kCarrier, K::kSelfService};
constexpr KindSet kCarrierOrOperator{K::kCarrier, K::kOperator};
constexpr KindSet kReaders{K::kCarrier, K::kSelfService, K::kOperator};
constexpr KindSet kOperator{K::kOperator};

constexpr std::string_view kParty =
    "a carrier (and its self-service backend) only ports it is donor or recipient of; the "
    "operator every port";

}  // namespace

const std::vector<RpcRule>& AuthorizationMatrix() {
  static const std::vector<RpcRule> kMatrix = {
      // PortingService
      {"/npd.v1.PortingService/IssueAuthCode", kCarrier, RpcShape::kMutation, 16 * kKiB,
       "the carrier serving the number (the donor)"},
      {"/npd.v1.PortingService/SubmitPort", kCarrierOrSelf, RpcShape::kMutation, 16 * kKiB,
       "submits as the recipient: the principal's carrier"},
      {"/npd.v1.PortingService/AnswerPort", kCarrier, RpcShape::kMutation, 16 * kKiB,
       "the port's donor"},
      {"/npd.v1.PortingService/CancelPort", kCarrierOrSelf, RpcShape::kMutation, 16 * kKiB,
       "the port's recipient, before cutover"},
      {"/npd.v1.PortingService/ResendRouting", kOperator, RpcShape::kMutation, 16 * kKiB,
       "any PARTIAL_FAILURE transaction"},
      {"/npd.v1.PortingService/DisconnectNumber", kCarrier, RpcShape::kMutation, 16 * kKiB,
       "the carrier serving the number"},
      {"/npd.v1.PortingService/GetPort", kReaders, RpcShape::kRead, 4 * kKiB, kParty},
      {"/npd.v1.PortingService/ListPorts", kReaders, RpcShape::kRead, 4 * kKiB, kParty},
      // NumberService
      {"/npd.v1.NumberService/Lookup", kReaders, RpcShape::kRead, 4 * kKiB,
       "any number (routing data is shared by every carrier)"},
      {"/npd.v1.NumberService/BatchLookup", kReaders, RpcShape::kRead, 64 * kKiB,
       "any number, at most 1000 per call"},
      // RoutingFeedService
      {"/npd.v1.RoutingFeedService/Subscribe", kCarrierOrOperator, RpcShape::kStream, 4 * kKiB,
       "the global feed; a carrier resumes from its own confirmed position"},
      {"/npd.v1.RoutingFeedService/Confirm", kCarrier, RpcShape::kMutation, 4 * kKiB,
       "confirms for the principal's own carrier only"},
      {"/npd.v1.RoutingFeedService/ExportSnapshot", kCarrierOrOperator, RpcShape::kStream, 4 * kKiB,
       "every ported number (routing data is shared by every carrier)"},
      // AuditService
      {"/npd.v1.AuditService/CompareBlocks", kCarrierOrOperator, RpcShape::kRead, 4096 * kKiB,
       "npd's routing data, compared with the caller's"},
      {"/npd.v1.AuditService/DiffBlock", kCarrierOrOperator, RpcShape::kRead, 1024 * kKiB,
       "npd's routing data, compared with the caller's"},
      // RefundService
      {"/npd.v1.RefundService/GetRefund", kCarrierOrOperator, RpcShape::kRead, 4 * kKiB,
       "a carrier only the cases it refunds (as the donor)"},
      {"/npd.v1.RefundService/ListRefunds", kCarrierOrOperator, RpcShape::kRead, 4 * kKiB,
       "a carrier only the cases it refunds (as the donor)"},
      {"/npd.v1.RefundService/ClaimRefund", kCarrierOrOperator, RpcShape::kMutation, 16 * kKiB,
       "a carrier only the cases it refunds (its halls and app in any province)"},
      {"/npd.v1.RefundService/ReportFinalBill", KindSet{K::kCarrier, K::kBilling},
       RpcShape::kMutation, 16 * kKiB,
       "the cases of the principal's carrier (the donor or its billing)"},
      {"/npd.v1.RefundService/ReportPayoutResult", KindSet{K::kPayment}, RpcShape::kMutation,
       4 * kKiB, "any payout, by its key"},
      {"/npd.v1.RefundService/RedriveRefund", kOperator, RpcShape::kMutation, 4 * kKiB,
       "any STUCK case"},
      // OperationsService
      {"/npd.v1.OperationsService/ListAttention", kOperator, RpcShape::kRead, 4 * kKiB,
       "everything"},
      {"/npd.v1.OperationsService/CancelStalePort", kOperator, RpcShape::kMutation, 4 * kKiB,
       "any live transaction before cutover"},
      // HistoryService
      {"/npd.v1.HistoryService/GetHistory", kCarrierOrOperator, RpcShape::kRead, 4 * kKiB,
       "a carrier only the transactions it is party to and what it did itself"},
      // ReportService
      {"/npd.v1.ReportService/GetReport", kCarrierOrOperator, RpcShape::kRead, 4 * kKiB,
       "a carrier only its own figures"},
      // AdminService
      {"/npd.v1.AdminService/Checkpoint", kOperator, RpcShape::kRead, 4 * kKiB, "the whole store"},
  };
  return kMatrix;
}

const RpcRule* FindRule(std::string_view method) {
  for (const RpcRule& rule : AuthorizationMatrix()) {
    if (rule.method == method) return &rule;
  }
  return nullptr;
}

absl::Status Authorize(const RpcRule& rule, const Principal& principal) {
  if (rule.allowed.Contains(principal.kind)) return absl::OkStatus();
  std::vector<std::string> allowed;
  for (int k = 0; k < kPrincipalKinds; ++k) {
    const auto kind = static_cast<PrincipalKind>(k);
    if (rule.allowed.Contains(kind)) allowed.emplace_back(PrincipalKindName(kind));
  }
  return absl::PermissionDeniedError(
      absl::StrCat(core::AbslView(rule.method), " is not for a ",
                   core::AbslView(PrincipalKindName(principal.kind)),
                   " principal; it may be called by: ", absl::StrJoin(allowed, ", ")));
}

std::string AuthorizationMatrixMarkdown() {
  std::string out = "| rpc |";
  std::string rule_line = "|---|";
  for (int k = 0; k < kPrincipalKinds; ++k) {
    absl::StrAppend(&out, " ", core::AbslView(PrincipalKindName(static_cast<PrincipalKind>(k))),
                    " |");
    rule_line += ":-:|";
  }
  absl::StrAppend(&out, " what a non-operator caller is scoped to |\n", rule_line, "---|\n");
  for (const RpcRule& rule : AuthorizationMatrix()) {
    absl::StrAppend(&out, "| `", core::AbslView(rule.method.substr(8)), "` |");  // "/npd.v1."
    for (int k = 0; k < kPrincipalKinds; ++k) {
      absl::StrAppend(&out, rule.allowed.Contains(static_cast<PrincipalKind>(k)) ? " yes |" : " |");
    }
    absl::StrAppend(&out, " ", core::AbslView(rule.scope), " |\n");
  }
  return out;
}

absl::Status CheckMatrixCovers(const google::protobuf::ServiceDescriptor& service) {
  for (int i = 0; i < service.method_count(); ++i) {
    const std::string method =
        absl::StrCat("/", service.full_name(), "/", service.method(i)->name());
    if (FindRule(method) == nullptr) {
      return absl::InternalError(absl::StrCat(method,
                                              " has no row in the authorization matrix "
                                              "(daemon/service/authorization.cc)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace npd::service
