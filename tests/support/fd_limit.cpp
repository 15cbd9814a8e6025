// Raising RLIMIT_NOFILE for socket-heavy tests (see fd_limit.hpp).
#include "tests/support/fd_limit.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace hookd::testing {

std::size_t raise_fd_limit(std::size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
    return 0;
  rlim_t target = std::max<rlim_t>(limit.rlim_cur, static_cast<rlim_t>(wanted));
  if (limit.rlim_max != RLIM_INFINITY)
    target = std::min(target, limit.rlim_max);
  if (target != limit.rlim_cur) {
    limit.rlim_cur = target;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<std::size_t>(limit.rlim_cur);
}

} // namespace hookd::testing
