// Human-readable text for npd's API messages, as npctl prints it and as simulators and tools log
// it. Times are shown in Asia/Shanghai (UTC+8, no daylight saving) as ISO 8601 with "+08:00"; enum
// names without their type prefix; money as yuan with two decimals ("12.34 CNY"). Pure functions of
// their arguments; thread-safe.
#ifndef NPD_CLIENTS_CLIENT_HUMAN_TEXT_H_
#define NPD_CLIENTS_CLIENT_HUMAN_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include <google/protobuf/timestamp.pb.h>

#include "npd/v1/common.pb.h"
#include "npd/v1/history.pb.h"
#include "npd/v1/number.pb.h"
#include "npd/v1/operations.pb.h"
#include "npd/v1/porting.pb.h"
#include "npd/v1/refund.pb.h"

namespace npd::client {

// `text` safe to show on a terminal: free text in npd (notes, reasons, details) is stored as the
// caller gave it, so every control character (C0 including newline and tab, DEL, C1) and every
// Unicode bidirectional control (U+202A-U+202E, U+2066-U+2069) is written as an escape (\x1b,
// \n, \u202e), and so is a backslash (\\). Invalid UTF-8 bytes are written as \xNN. Every other
// character, Chinese included, is kept.
std::string Printable(std::string_view text);

// "2026-11-29T11:00:00+08:00" (whole seconds; the fraction is dropped).
std::string ShanghaiTime(const google::protobuf::Timestamp& time);

// "R06_PORT_INTERVAL_120D, R13_PORT_IN_PROGRESS — <text> (rules <version>)"; the text and the rules
// part are left out when empty.
std::string RefusalText(const npd::v1::Refusal& refusal);

// One line for a code request's answer: "code 123456 for 13800138000, expires <time>" or
// "refused: <RefusalText>". A replayed request (same request_id) carries no code, which is said.
std::string AuthCodeText(const npd::v1::IssueAuthCodeResponse& response, const std::string& msisdn);

// A block of "label  value" lines, newline-terminated: id, number, state, donor -> recipient, range
// holder, local network, channel, the times that are set, refusal, confirmations, cancel reason.
std::string PortBlock(const npd::v1::Port& port);

// One line per port for listings: "P000000000001  13800138000  PENDING_DONOR  cmcc -> cucc <time>".
std::string PortLine(const npd::v1::Port& port);

// One line per attention item (operations.proto): kind, number, port (and refund), state, since,
// detail, e.g. "STUCK_REFUND     13800138000  P000000000001 R000000000001  STUCK  <time>  step
// ...".
std::string AttentionLine(const npd::v1::AttentionItem& item);

// A block of "label  value" lines, newline-terminated: number, serving carrier, range holder, local
// network, ported, portable, live port.
std::string NumberBlock(const npd::v1::NumberInfo& number);

// "#12 13800138000 cmcc -> cucc (port P000000000001) at <time>"; a number return is marked as such.
std::string ChangeLine(const npd::v1::RoutingChange& change);

// An amount of integer fen as yuan with exactly two decimals: 1234 -> "12.34 CNY", 5 -> "0.05 CNY",
// -250 -> "-2.50 CNY". Integer arithmetic only, exact for every int64_t including the minimum.
std::string YuanText(int64_t fen);

// "F05_IDENTITY_MISMATCH, F07_CLAIM_EXPIRED — <text>"; the text is left out when empty.
std::string RefundRefusalText(const npd::v1::RefundRefusal& refusal);

// A block of "label  value" lines, newline-terminated: id, port, number, state, donor -> recipient,
// home province, reasons, the final bill and the amounts (once the bill is known), claim deadline,
// the claim (payee by its last four characters), payout and settlement, the pending outbox step
// (attempts, next attempt, last error), why it is stuck, the payout facts npd holds, a payout
// report under check, every payout conflict (OPEN or resolved, with both facts), refused claims,
// and the times that are set. Text from outside (references, notes) is shown through Printable.
std::string RefundBlock(const npd::v1::Refund& refund);

// One line per case for listings:
// "R000000000001  13800138000  AWAIT_CLAIM       cmcc -> cucc  82.00 CNY  <opened>"; the amount is
// "-" until the final bill is known.
std::string RefundLine(const npd::v1::Refund& refund);

// A claim's answer: "claim accepted" or "claim refused: <RefundRefusalText>", then the case's
// RefundBlock when the response carries it.
std::string ClaimText(const npd::v1::ClaimRefundResponse& response);

// "final bill applied" or "final bill already applied; nothing changed", then the case's
// RefundBlock.
std::string FinalBillReportText(const npd::v1::ReportFinalBillResponse& response);

// The first line of a timeline: "history of number 13800138000", "history of port P000000000001
// (number 13800138000)" or "history of refund R000000000001 (number 13800138000)"; `msisdn` is the
// number the answer named (left out when empty).
std::string HistoryHeader(const npd::v1::GetHistoryRequest& request, const std::string& msisdn);

// One event of a timeline, its parts separated by two spaces:
// "#42  2026-11-29T18:00:03+08:00  cmcc  AnswerPort  req-7  PORT_APPROVED  P000000000001
// PENDING_DONOR -> SCHEDULED  approved by the donor" (on one line). The actor of an operator's
// event is "operator <name>" when the name is known; an empty command or request id is "-"; an
// event of a refund case shows the case and its states; an event of the number alone (a code)
// shows "-" instead of a transaction; a state that is not set (before a transaction existed) is
// "-". The detail, when empty, is left out.
std::string HistoryLine(const npd::v1::HistoryEvent& event);

}  // namespace npd::client

#endif  // NPD_CLIENTS_CLIENT_HUMAN_TEXT_H_
