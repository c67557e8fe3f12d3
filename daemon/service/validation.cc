#include "daemon/service/validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "daemon/core/identity.h"
#include "daemon/core/string_view_compat.h"
#include "daemon/service/refund_validation.h"

namespace npd::service {
namespace {

absl::Status Prefixed(absl::string_view field, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(field, ": ", status.message()));
}

absl::Status ValidateNote(absl::string_view field, std::string_view text) {
  if (text.size() > kMaxNoteBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is longer than ", kMaxNoteBytes, " bytes"));
  }
  return absl::OkStatus();
}

// An area code: 3 or 4 digits starting with 0 ("010", "0755").
absl::Status ValidateLocalNetwork(std::string_view code) {
  bool digits = !code.empty();
  for (char c : code) digits = digits && absl::ascii_isdigit(static_cast<unsigned char>(c));
  if (!digits || code.size() < 3 || code.size() > 4 || code[0] != '0') {
    return absl::InvalidArgumentError(
        "local_network must be an area code of 3-4 digits starting with 0, e.g. 010 or 0755");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRequestId(std::string_view request_id) {
  if (request_id.empty() || request_id.size() > 128) {
    return absl::InvalidArgumentError("request_id must be 1-128 characters");
  }
  for (char c : request_id) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError("request_id must be printable ASCII without spaces");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateReason(std::string_view field, std::string_view text) {
  if (absl::StripAsciiWhitespace(core::AbslView(text)).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(core::AbslView(field), " is required"));
  }
  return ValidateNote(core::AbslView(field), text);
}

absl::Status ValidatePortId(std::string_view port_id) {
  bool ok = port_id.size() == 13 && port_id[0] == 'P';
  for (size_t i = 1; ok && i < port_id.size(); ++i) {
    ok = absl::ascii_isdigit(static_cast<unsigned char>(port_id[i]));
  }
  if (!ok) return absl::InvalidArgumentError("port_id must be 'P' followed by 12 digits");
  return absl::OkStatus();
}

absl::Status ValidateTimestamp(std::string_view field, const google::protobuf::Timestamp& time) {
  // 0001-01-01 to 9999-12-31, as google.protobuf.Timestamp defines its range.
  constexpr int64_t kMinSeconds = -62135596800;
  constexpr int64_t kMaxSeconds = 253402300799;
  if (time.seconds() < kMinSeconds || time.seconds() > kMaxSeconds || time.nanos() < 0 ||
      time.nanos() > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat(core::AbslView(field), " is not a valid timestamp"));
  }
  return absl::OkStatus();
}

absl::Status Validate(const npd::v1::IssueAuthCodeRequest& request) {
  if (auto s = ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (auto s = Prefixed("msisdn", core::ValidateMsisdn(request.msisdn())); !s.ok()) return s;
  if (!request.has_holder()) return absl::InvalidArgumentError("holder is required");
  return Prefixed("holder", core::ValidateIdentity(request.holder()));
}

absl::Status Validate(const npd::v1::SubmitPortRequest& request) {
  if (auto s = ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (auto s = Prefixed("msisdn", core::ValidateMsisdn(request.msisdn())); !s.ok()) return s;
  if (auto s = Prefixed("auth_code", core::ValidateAuthCodeFormat(request.auth_code())); !s.ok()) {
    return s;
  }
  if (!request.has_applicant()) return absl::InvalidArgumentError("applicant is required");
  if (auto s = Prefixed("applicant", core::ValidateIdentity(request.applicant())); !s.ok()) {
    return s;
  }
  if (auto s = ValidateLocalNetwork(request.local_network()); !s.ok()) return s;
  if (!npd::v1::Channel_IsValid(request.channel())) {
    return absl::InvalidArgumentError("channel is not a known channel");
  }
  return absl::OkStatus();
}

absl::Status Validate(const npd::v1::AnswerPortRequest& request) {
  if (auto s = ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (auto s = ValidatePortId(request.port_id()); !s.ok()) return s;
  if (request.approve() && request.reasons_size() > 0) {
    return absl::InvalidArgumentError("an approval carries no reasons");
  }
  if (!request.approve() && request.reasons_size() == 0) {
    return absl::InvalidArgumentError("a rejection needs at least one reason code");
  }
  for (int r : request.reasons()) {
    if (!npd::v1::ReasonCode_IsValid(r) || r == npd::v1::REASON_CODE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat("reasons: unknown reason code ", r));
    }
  }
  return ValidateNote("note", request.note());
}

absl::Status Validate(const npd::v1::CancelPortRequest& request) {
  if (auto s = ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (auto s = ValidatePortId(request.port_id()); !s.ok()) return s;
  return ValidateNote("reason", request.reason());
}

absl::Status Validate(const npd::v1::ResendRoutingRequest& request) {
  if (auto s = ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (auto s = ValidatePortId(request.port_id()); !s.ok()) return s;
  return ValidateReason("reason", request.reason());
}

absl::Status Validate(const npd::v1::DisconnectNumberRequest& request) {
  if (auto s = ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (auto s = Prefixed("msisdn", core::ValidateMsisdn(request.msisdn())); !s.ok()) return s;
  if (request.has_effective_at()) {
    if (auto s = ValidateTimestamp("effective_at", request.effective_at()); !s.ok()) return s;
  }
  return ValidateNote("note", request.note());
}

absl::Status Validate(const npd::v1::ListPortsRequest& request, const core::NumberPlan& plan) {
  if (!request.msisdn().empty()) {
    if (auto s = Prefixed("msisdn", core::ValidateMsisdn(request.msisdn())); !s.ok()) return s;
  }
  if (!request.carrier().empty() && !plan.IsCarrier(request.carrier())) {
    return absl::InvalidArgumentError(
        absl::StrCat("carrier: unknown carrier '", request.carrier(), "'"));
  }
  if (!npd::v1::PortState_IsValid(request.state())) {
    return absl::InvalidArgumentError("state is not a known port state");
  }
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size must be 0-", kMaxPageSize));
  }
  if (!request.page_token().empty()) {
    if (auto s = ValidatePortId(request.page_token()); !s.ok()) {
      return absl::InvalidArgumentError("page_token is not one this server returned");
    }
  }
  return absl::OkStatus();
}

absl::Status Validate(const npd::v1::ConfirmRequest& request) {
  if (auto s = ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (request.sequence() == 0) return absl::InvalidArgumentError("sequence must be at least 1");
  return absl::OkStatus();
}

absl::Status Validate(const npd::v1::ListAttentionRequest& request) {
  if (!npd::v1::AttentionKind_IsValid(request.kind())) {
    return absl::InvalidArgumentError("kind is not a known attention kind");
  }
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size must be 0-", kMaxPageSize));
  }
  // A token is the last port or refund id a previous page examined.
  const std::string& token = request.page_token();
  if (!token.empty()) {
    std::string as_port = token;
    as_port[0] = 'P';
    if ((token[0] != 'P' && token[0] != 'R') || !ValidatePortId(as_port).ok()) {
      return absl::InvalidArgumentError("page_token is not one this server returned");
    }
  }
  return absl::OkStatus();
}

absl::Status Validate(const npd::v1::CancelStalePortRequest& request) {
  if (auto s = ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (auto s = ValidatePortId(request.port_id()); !s.ok()) return s;
  return ValidateReason("reason", request.reason());
}

absl::Status Validate(const npd::v1::GetHistoryRequest& request) {
  switch (request.subject_case()) {
    case npd::v1::GetHistoryRequest::kMsisdn:
      if (auto s = Prefixed("msisdn", core::ValidateMsisdn(request.msisdn())); !s.ok()) return s;
      break;
    case npd::v1::GetHistoryRequest::kPortId:
      if (auto s = ValidatePortId(request.port_id()); !s.ok()) return s;
      break;
    case npd::v1::GetHistoryRequest::kRefundId:
      if (auto s = ValidateRefundId(request.refund_id()); !s.ok()) return s;
      break;
    case npd::v1::GetHistoryRequest::SUBJECT_NOT_SET:
      return absl::InvalidArgumentError("subject: set one of msisdn, port_id or refund_id");
  }
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size must be 0-", kMaxPageSize));
  }
  return absl::OkStatus();
}

}  // namespace npd::service
