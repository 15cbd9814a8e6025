#pragma once
// The state behind one http_client, shared with its sessions: options, the TLS context, the
// pool of idle connections and the request bookkeeping. Sessions hold it by shared_ptr, so it
// outlives the http_client while any connection still has an operation pending.
//
// Promises: every pending_request ends in exactly one `complete` (its callback runs once, on
// the io thread, exceptions from it are swallowed), also when a step throws (no descriptor for
// the reactor, no memory for TLS): that ends the request with `local_resources` or
// `unavailable` (net/failure.hpp), nothing escapes into the io loop; a failed reused
// connection is retried once on a fresh one; after `shutdown`, nothing is parked and in-flight
// requests run to their end.
// Single-threaded: everything runs on the io_context's thread.
#include "net/connection_pool.hpp"
#include "net/http_client.hpp"
#include "net/pending_request.hpp"
#include "net/resolver_pool.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace hookd::net {

class client_core : public std::enable_shared_from_this<client_core> {
public:
  client_core(boost::asio::io_context& io, client_options opts);

  void send(http_request r, http_client::callback done);
  void close_idle();
  /// The http_client is going away: close idle connections, park nothing from now on.
  void shutdown();

  std::size_t in_flight() const { return in_flight_; }
  std::size_t idle_connections() const { return pool_.size(); }

  // For sessions.
  boost::asio::io_context& io() { return io_; }
  const client_options& options() const { return opts_; }
  boost::asio::ssl::context* tls() { return tls_.get(); }
  resolver_pool& resolver() { return resolver_; }
  /// A session finished its exchange (or failed to open); decides reuse, retry and completion.
  void finish(const std::shared_ptr<http_session>& s, std::unique_ptr<pending_request> req,
              exchange_result r);
  /// A parked session closed (peer close or idle timeout).
  void forget_idle(const std::string& origin, const http_session* s);

private:
  /// Fills target, origin and head; a response with an error when the request is unusable.
  http_response prepare(pending_request& req, const http_request& r) const;
  void dispatch(std::unique_ptr<pending_request> req);
  void open_fresh(std::unique_ptr<pending_request> req);
  void complete(std::unique_ptr<pending_request> req, http_response resp);
  void complete_later(std::unique_ptr<pending_request> req, http_response resp);

  boost::asio::io_context& io_;
  client_options opts_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::string tls_error_;
  connection_pool pool_;
  resolver_pool resolver_;
  std::size_t in_flight_ = 0;
  bool closed_ = false;
};

} // namespace hookd::net
