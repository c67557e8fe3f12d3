// Human-readable text for npd's API messages, as npctl prints it and as simulators and tools log
// it. Times are shown in Asia/Shanghai (UTC+8, no daylight saving) as ISO 8601 with "+08:00"; enum
// names without their type prefix. Pure functions of their arguments; thread-safe.
#ifndef NPD_CLIENTS_CLIENT_HUMAN_TEXT_H_
#define NPD_CLIENTS_CLIENT_HUMAN_TEXT_H_

#include <string>

#include <google/protobuf/timestamp.pb.h>

#include "npd/v1/common.pb.h"
#include "npd/v1/number.pb.h"
#include "npd/v1/porting.pb.h"

namespace npd::client {

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

// A block of "label  value" lines, newline-terminated: number, serving carrier, range holder, local
// network, ported, portable, live port.
std::string NumberBlock(const npd::v1::NumberInfo& number);

// "#12 13800138000 cmcc -> cucc (port P000000000001) at <time>"; a number return is marked as such.
std::string ChangeLine(const npd::v1::RoutingChange& change);

}  // namespace npd::client

#endif  // NPD_CLIENTS_CLIENT_HUMAN_TEXT_H_
