// Idempotency keys for mutating calls.
#ifndef NPD_CLIENTS_CLIENT_REQUEST_ID_H_
#define NPD_CLIENTS_CLIENT_REQUEST_ID_H_

#include <string>

namespace npd::client {

// A fresh random id in the UUID version 4 layout (36 characters, lower-case hex,
// "xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx"), drawn from std::random_device. Unique with
// overwhelming probability, so two clients never collide on a key. Thread-safe.
std::string NewRequestId();

}  // namespace npd::client

#endif  // NPD_CLIENTS_CLIENT_REQUEST_ID_H_
