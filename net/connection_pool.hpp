#pragma once
// Idle keep-alive connections, per origin ("scheme://host:port"), most recently used first.
//
// Promises: at most `max_per_origin` idle connections per origin; `take` hands out the most
// recently parked one (the least likely to have been closed by the peer's idle timeout).
// The pool only stores; closing and idle expiry are the session's business
// (net/http_session.hpp). Single-threaded: used on the io thread only.
#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace hookd::net {

class http_session;

class connection_pool {
public:
  explicit connection_pool(std::size_t max_per_origin) : max_per_origin_(max_per_origin) {}

  /// The most recently parked connection for `origin`, or null.
  std::shared_ptr<http_session> take(const std::string& origin);

  /// Parks `s`; false (and nothing stored) when the origin is full.
  bool put(const std::string& origin, std::shared_ptr<http_session> s);

  /// Forgets `s` (it closed while idle); no-op when it is not parked.
  void remove(const std::string& origin, const http_session* s);

  /// Empties the pool, handing every parked connection to the caller.
  std::vector<std::shared_ptr<http_session>> take_all();

  std::size_t size() const { return size_; }

private:
  std::size_t max_per_origin_;
  std::size_t size_ = 0;
  std::unordered_map<std::string, std::vector<std::shared_ptr<http_session>>> idle_;
};

} // namespace hookd::net
