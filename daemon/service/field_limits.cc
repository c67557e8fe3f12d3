#include "daemon/service/field_limits.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "npd/v1/limits.pb.h"

namespace npd::service {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// No npd message nests deeper; a deeper one cannot come from npd's schema.
constexpr int kMaxDepth = 16;

size_t MaxBytes(const FieldDescriptor& field) {
  const auto& limits = field.options().GetExtension(npd::v1::limits);
  return limits.max_bytes() > 0 ? limits.max_bytes() : kDefaultMaxFieldBytes;
}

size_t MaxItems(const FieldDescriptor& field) {
  const auto& limits = field.options().GetExtension(npd::v1::limits);
  return limits.max_items() > 0 ? limits.max_items() : kDefaultMaxFieldItems;
}

// Where a value sits ("entries[3].msisdn"), rendered only for an error.
struct PathNode {
  const PathNode* parent;
  const FieldDescriptor* field;
  int index;  // -1 for a singular field
};

std::string Render(const PathNode* node) {
  if (node == nullptr) return "";
  std::string path = Render(node->parent);
  absl::StrAppend(&path, path.empty() ? "" : ".", node->field->name());
  if (node->index >= 0) absl::StrAppend(&path, "[", node->index, "]");
  return path;
}

absl::Status TooLong(const PathNode& at, size_t size, size_t max) {
  return absl::InvalidArgumentError(
      absl::StrCat(Render(&at), " is ", size, " bytes long; at most ", max, " are allowed"));
}

absl::Status Check(const Message& message, const PathNode* at, int depth) {
  if (depth > kMaxDepth) {
    return absl::InvalidArgumentError(absl::StrCat(Render(at), " is nested too deeply"));
  }
  const Reflection& reflection = *message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection.ListFields(message, &fields);
  std::string scratch;
  for (const FieldDescriptor* field : fields) {
    const bool text = field->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
    const bool nested = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (!field->is_repeated()) {
      const PathNode here{at, field, -1};
      if (text) {
        const std::string& value = reflection.GetStringReference(message, field, &scratch);
        if (value.size() > MaxBytes(*field)) return TooLong(here, value.size(), MaxBytes(*field));
      } else if (nested) {
        if (auto s = Check(reflection.GetMessage(message, field), &here, depth + 1); !s.ok()) {
          return s;
        }
      }
      continue;
    }
    const int count = reflection.FieldSize(message, field);
    if (static_cast<size_t>(count) > MaxItems(*field)) {
      return absl::InvalidArgumentError(
          absl::StrCat(Render(at), Render(at).empty() ? "" : ".", field->name(), " has ", count,
                       " entries; at most ", MaxItems(*field), " are allowed"));
    }
    for (int i = 0; (text || nested) && i < count; ++i) {
      const PathNode here{at, field, i};
      if (text) {
        const std::string& value =
            reflection.GetRepeatedStringReference(message, field, i, &scratch);
        if (value.size() > MaxBytes(*field)) return TooLong(here, value.size(), MaxBytes(*field));
      } else if (auto s = Check(reflection.GetRepeatedMessage(message, field, i), &here, depth + 1);
                 !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckFieldLimits(const Message& message) { return Check(message, nullptr, 0); }

}  // namespace npd::service
