// Protobuf JSON as npd's clients print it for scripts.
#ifndef NPD_CLIENTS_CLIENT_JSON_TEXT_H_
#define NPD_CLIENTS_CLIENT_JSON_TEXT_H_

#include <string>

#include <google/protobuf/message.h>

namespace npd::client {

// `message` as one line of canonical protobuf JSON, with the .proto field names (`port_id`, not
// `portId`), enums by name, and fields at their default value printed too (so `"issued": false` is
// there to test). Thread-safe.
std::string ToJsonLine(const google::protobuf::Message& message);

}  // namespace npd::client

#endif  // NPD_CLIENTS_CLIENT_JSON_TEXT_H_
