#pragma once
// Internal to http_server: what its io threads share (`server_shared`) and what one io thread
// owns (`io_unit`: its io_context and the sessions living on it).
//
// Lifetime: http_server owns the units; each session and each pending `respond` holds its unit
// by shared_ptr, so the io_context outlives every socket bound to it, even when a handler keeps
// a `respond` after the server is gone. The unit's session list owns the open sessions; a
// session leaves it when it closes, and `close_all` empties it, which breaks the
// unit -> session -> unit cycle.
//
// Idle connections (waiting for a request's first byte) are also listed in `idle`, oldest first,
// so that a connection over `max_connections` can take the slot of the oldest idle one
// (http_server.cpp); `oldest_idle` publishes when that one became idle to the accepting thread.
//
// Threading: `sessions`, `idle`, `closed` and `date` belong to the unit's io thread.
// `post_unless_stopped` is the one entry from other threads: after `close_gate` nothing more is
// posted, so nothing is left queued once the io thread has run out of work. `oldest_idle` is
// written on the io thread and read by the acceptor's.
#include "net/http_server.hpp"
#include "net/response_head.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <list>
#include <memory>
#include <mutex>
#include <utility>

namespace hookd::net {

class server_session;

struct server_shared {
  server_shared(server_options o, handler_fn h) : opts(std::move(o)), handler(std::move(h)) {}

  const server_options opts;
  handler_fn handler;               ///< reset by http_server::stop once the io threads are gone
  std::atomic<std::size_t> open{0}; ///< counted connections (reserved at accept)
  std::atomic<std::size_t> body_bytes{0}; ///< reserved for request bodies being read
  std::atomic<bool> draining{false};      ///< stop_accepting (or stop) was called
};

struct io_unit {
  explicit io_unit(std::shared_ptr<server_shared> s) : shared(std::move(s)) {}

  /// Posts `fn` to the io thread unless the server stopped; returns whether it was posted.
  template <class F>
  bool post_unless_stopped(F&& fn) {
    std::lock_guard lock(gate_);
    if (stopped_)
      return false;
    boost::asio::post(io, std::forward<F>(fn));
    return true;
  }
  /// From now on `post_unless_stopped` drops what it is given.
  void close_gate() {
    std::lock_guard lock(gate_);
    stopped_ = true;
  }

  boost::asio::io_context io{1}; // one thread runs it: sessions need no strand
  std::shared_ptr<server_shared> shared;
  std::list<std::shared_ptr<server_session>> sessions; ///< open sessions (io thread)
  std::list<server_session*> idle;                     ///< idle sessions, oldest first (io thread)
  static constexpr std::int64_t none_idle = std::numeric_limits<std::int64_t>::max();
  /// steady_clock ticks since epoch when idle.front() became idle; none_idle when empty.
  std::atomic<std::int64_t> oldest_idle{none_idle};
  bool closed = false; ///< close_all ran: sessions arriving late are dropped (io thread)
  date_cache date;     ///< io thread

private:
  std::mutex gate_;
  bool stopped_ = false;
};

} // namespace hookd::net
