#pragma once
// Host name resolution off the io thread, so that one slow or black-holed name server cannot
// stall the attempts to other hosts. getaddrinfo blocks; asio's async_resolve runs it on ONE
// background thread per io_context, where lookups queue behind each other. Here:
// - up to `threads` lookups run at once, each on its own thread (started when needed);
// - lookups of the same host:port in flight at the same time are coalesced: one getaddrinfo,
//   every waiter gets its result. A host whose lookup hangs therefore holds one thread, never
//   the whole pool, however many attempts want it.
// - Nothing is cached beyond that: the next lookup asks the system again.
// The caller bounds its wait (the attempt's connect deadline); a lookup it stopped waiting
// for still runs to its end on its thread. Whether its lookup had started by then (or was
// still queued behind busy threads: hookd's shortage, not the host's) the caller reads from
// the `lookup_ticket` that `resolve` returns.
//
// Threading: `resolve` and `shutdown` from any thread. Callbacks run on a pool thread and must
// not block; after `shutdown` returns no callback runs any more (the owner's io_context may
// be gone). Threads stuck in a lookup are detached at destruction rather than joined.
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hookd::net {

struct resolve_result {
  boost::system::error_code error; ///< as asio reports it (host_not_found, EMFILE, ...)
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;
  std::exception_ptr thrown; ///< the lookup threw this (then `error` and `endpoints` are empty)
};

/// A blocking lookup (the default is the system's getaddrinfo; tests inject their own).
using resolve_fn = std::function<resolve_result(const std::string& host, std::uint16_t port)>;

/// True once a pool thread has begun the lookup (false while it waits in the queue). Shared
/// by the waiters of a coalesced lookup; readable from any thread.
using lookup_ticket = std::shared_ptr<const std::atomic<bool>>;

/// The system resolver: getaddrinfo through asio, blocking the calling thread.
resolve_result system_resolve(const std::string& host, std::uint16_t port);

class resolver_pool {
public:
  using callback = std::function<void(resolve_result)>;

  /// `lookup` null: system_resolve. `threads` < 1 means 1.
  resolver_pool(std::size_t threads, resolve_fn lookup);
  ~resolver_pool(); ///< shutdown()
  resolver_pool(const resolver_pool&) = delete;
  resolver_pool& operator=(const resolver_pool&) = delete;

  /// Queues a lookup; `done` runs once on a pool thread (unless shut down first). Throws only
  /// when no thread can be started for it (std::system_error) or memory runs out.
  lookup_ticket resolve(const std::string& host, std::uint16_t port, callback done);

  /// Drops queued lookups and every callback not yet run; waits for callbacks running now.
  void shutdown();

private:
  struct state;
  std::shared_ptr<state> state_;
};

} // namespace hookd::net
