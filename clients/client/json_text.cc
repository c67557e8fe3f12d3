#include "clients/client/json_text.h"

#include <google/protobuf/util/json_util.h>

namespace npd::client {

std::string ToJsonLine(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  options.add_whitespace = false;
  std::string json;
  // Printing a well-formed message into a string cannot fail; an empty object keeps the output
  // parseable should it ever.
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) return "{}";
  return json;
}

}  // namespace npd::client
