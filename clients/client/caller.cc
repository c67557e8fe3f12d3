#include "clients/client/caller.h"

#include <string>

namespace npd::client {

void SetCaller(grpc::ClientContext& context, std::string_view role) {
  context.AddMetadata(kCallerHeader, std::string(role));
}

}  // namespace npd::client
