#include "sys/open_file_limit.hpp"

#include <sys/resource.h>

namespace hookd::sys {

open_file_limit raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
    return {};
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
      limit = raised;
  }
  auto size = [](rlim_t v) {
    return v == RLIM_INFINITY ? static_cast<std::size_t>(-1) : static_cast<std::size_t>(v);
  };
  return {size(limit.rlim_cur), size(limit.rlim_max)};
}

} // namespace hookd::sys
