#pragma once
// One http_client::send in flight, handed between the client core and the sessions that carry
// it (at most two: a reused connection, then a fresh one), and what a session hands back.
#include "net/http_client.hpp"
#include "net/url.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

namespace hookd::net {

using steady_clock = std::chrono::steady_clock;

struct pending_request {
  url target;
  std::string origin; ///< target.origin(), the pool key
  std::string head;   ///< request line + headers + blank line
  std::shared_ptr<const std::string> body;
  steady_clock::time_point start;
  steady_clock::time_point deadline; ///< start + total_timeout
  duration connect_timeout{0};
  http_client::callback done;
  bool retried = false; ///< already moved to a fresh connection once

  /// Deadline for resolve + connect + handshake of a connection opened now.
  steady_clock::time_point connect_deadline() const {
    return std::min(steady_clock::now() + connect_timeout, deadline);
  }
};

struct exchange_result {
  http_response response;
  bool reusable = false;    ///< the connection may be parked for the next request
  bool retry_fresh = false; ///< a reused connection failed before any response byte arrived
};

} // namespace hookd::net
