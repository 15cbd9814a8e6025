#pragma once
// The process's open-file limit (RLIMIT_NOFILE). hookd raises the soft limit to the hard one at
// start: every API connection, attempt, pooled connection and store file is a descriptor, and
// the soft default (often 1024) is far below what the daemon is sized for.
#include <cstddef>

namespace hookd::sys {

struct open_file_limit {
  std::size_t soft = 0; ///< in force after the call
  std::size_t hard = 0;
};

/// Raises the soft limit to the hard limit (never lowers it) and returns both as they are now.
/// On failure the limits are left as they were (and reported as they are).
open_file_limit raise_open_file_limit();

} // namespace hookd::sys
