#include "clients/client/caller.h"

#include <string>

namespace npd::client {

void SetCaller(grpc::ClientContext& context, std::string_view role) {
  context.AddMetadata(kCallerHeader, std::string(role));
}

void SetOperatorName(grpc::ClientContext& context, std::string_view name) {
  context.AddMetadata(kOperatorHeader, std::string(name));
}

}  // namespace npd::client
