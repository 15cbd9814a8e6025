#pragma once
// Idle keep-alive connections, per origin ("scheme://host:port"), most recently used first.
//
// Promises: at most `max_per_origin` idle connections per origin and `max_total` in all;
// `take` hands out the most recently parked one (the least likely to have been closed by the
// peer's idle timeout); parking one more than `max_total` evicts the one parked longest ago,
// over all origins, and hands it back to be closed. Every idle connection is a descriptor:
// `max_total` keeps them within what config/fd_budget.hpp reserves.
// The pool only stores; closing and idle expiry are the session's business
// (net/http_session.hpp). Single-threaded: used on the io thread only.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace hookd::net {

class http_session;

class connection_pool {
public:
  connection_pool(std::size_t max_per_origin, std::size_t max_total)
      : max_per_origin_(max_per_origin), max_total_(max_total) {}

  /// The most recently parked connection for `origin`, or null.
  std::shared_ptr<http_session> take(const std::string& origin);

  struct put_result {
    bool stored = false; ///< false (nothing stored) when the origin is full or max_total is 0
    std::shared_ptr<http_session> evicted; ///< the oldest idle one, out of the pool: close it
  };
  /// Parks `s`; at max_total the connection parked longest ago makes room.
  put_result put(const std::string& origin, std::shared_ptr<http_session> s);

  /// Forgets `s` (it closed while idle); no-op when it is not parked.
  void remove(const std::string& origin, const http_session* s);

  /// Empties the pool, handing every parked connection to the caller.
  std::vector<std::shared_ptr<http_session>> take_all();

  std::size_t size() const { return order_.size(); }

private:
  struct parked {
    std::uint64_t seq; ///< park order over all origins
    std::shared_ptr<http_session> session;
  };
  /// Takes out the connection parked longest ago (the pool is not empty).
  std::shared_ptr<http_session> take_oldest();

  std::size_t max_per_origin_;
  std::size_t max_total_;
  std::uint64_t next_seq_ = 0;
  std::unordered_map<std::string, std::deque<parked>> idle_; ///< per origin, oldest first
  std::map<std::uint64_t, std::string> order_;               ///< seq -> origin, oldest first
};

} // namespace hookd::net
