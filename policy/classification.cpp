#include "policy/classification.hpp"

#include <algorithm>
#include <cerrno>

namespace hookd::policy {

attempt_outcome classify(int status, attempt_error error, std::span<const int> permanent_statuses) {
  const bool got_response = error == attempt_error::none || error == attempt_error::http_status;
  if (!got_response || status == 0)
    return attempt_outcome::failure;
  if (status >= 200 && status < 300)
    return attempt_outcome::success;
  if (std::ranges::find(permanent_statuses, status) != permanent_statuses.end())
    return attempt_outcome::permanent;
  return attempt_outcome::failure;
}

bool blames_endpoint(attempt_error error) {
  return error != attempt_error::local_resources && error != attempt_error::unavailable;
}

bool is_resource_shortage(int errno_value) {
  switch (errno_value) {
    case EMFILE:  // this process is out of descriptors
    case ENFILE:  // the system is out of descriptors
    case ENOBUFS: // out of socket buffers
    case ENOMEM:  // out of kernel or process memory
      return true;
    default:
      return false;
  }
}

} // namespace hookd::policy
