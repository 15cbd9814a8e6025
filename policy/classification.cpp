#include "policy/classification.hpp"

#include <algorithm>

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

} // namespace hookd::policy
