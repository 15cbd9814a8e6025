#pragma once
// Raising the process's open-file limit for tests that hold many sockets at once (each hanging
// request on a loopback receiver costs two descriptors: the client's and the server's).
#include <cstddef>

namespace hookd::testing {

/// Raises the soft RLIMIT_NOFILE towards `wanted` (never above the hard limit, never lowering
/// it) and returns the soft limit now in force.
std::size_t raise_fd_limit(std::size_t wanted);

} // namespace hookd::testing
