#pragma once
// One connection to one origin (plain TCP or TLS), after Beast's async client examples: the
// session owns its async chain and stays alive (shared_from_this) while an operation is
// pending or while it is parked in the pool.
//
// Chain of a fresh connection:   resolve -> filter -> connect -> [TLS handshake] -> exchange
// Chain of a reused connection:  exchange
// Exchange:                      write head+body -> read header -> read body (keep, then drain)
//
// Timeouts, one per phase: resolve + connect + handshake share the connect deadline
// (min(now + connect_timeout, attempt deadline)); the exchange runs to the attempt deadline.
// Resolve (on the client's resolver_pool, off the io thread) is timed by the session's timer,
// the rest by the tcp_stream's expiry. A lookup still queued at the connect deadline (every
// resolver thread busy with other hosts) fails as local_resources, not as the host's timeout.
//
// While parked, the session watches the socket: readable (peer closed, or stray bytes) or
// idle_timeout elapsed -> it closes itself and leaves the pool. Every outcome goes back to
// client_core::finish exactly once per request, also when a step throws (every completion
// handler and entry point is `guarded`). Single-threaded (the io thread): no strand.
#include "net/failure.hpp"
#include "net/pending_request.hpp"
#include "net/resolver_pool.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

namespace hookd::net {

class client_core;

class http_session : public std::enable_shared_from_this<http_session> {
public:
  http_session(std::shared_ptr<client_core> core, const url& target);

  /// Opens a fresh connection for `req`, then runs the exchange.
  void open(std::unique_ptr<pending_request> req);
  /// Runs the exchange for `req` on this parked, open connection.
  void reuse(std::unique_ptr<pending_request> req);
  /// Starts watching the idle connection (peer close, idle timeout).
  void park(duration idle_timeout);
  /// Closes the socket; pending operations end with operation_aborted. Idempotent.
  void close();

  const std::string& origin() const { return origin_; }

private:
  using error_code = boost::system::error_code;
  using tcp = boost::asio::ip::tcp;
  using plain_stream = boost::beast::tcp_stream;
  using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
  using response_parser = boost::beast::http::response_parser<boost::beast::http::buffer_body>;

  static std::variant<plain_stream, tls_stream> make_stream(client_core& core, bool tls);

  /// Runs `f`; an exception from it ends the request this session carries (on_exception)
  /// instead of escaping into the io loop, where nobody would answer the request.
  template <class F>
  void guarded(F&& f) noexcept {
    try {
      f();
    } catch (...) {
      on_exception(std::current_exception());
    }
  }
  /// A completion handler that runs `fn` on this session, guarded.
  template <class... Args>
  auto step(void (http_session::*fn)(Args...)) {
    return [self = shared_from_this(), fn](Args... args) {
      self->guarded([&] { ((*self).*fn)(std::forward<Args>(args)...); });
    };
  }
  void on_exception(const std::exception_ptr& e) noexcept;
  template <class F>
  void with_stream(F&& f) {
    std::visit(std::forward<F>(f), stream_);
  }
  plain_stream& tcp_layer();

  // Fresh connection.
  void start_fresh();
  void resolve();
  void on_resolve_timer(std::uint64_t generation, error_code ec);
  void on_resolve(std::uint64_t generation, resolve_result r);
  void connect(std::vector<tcp::endpoint> endpoints);
  void on_connect(error_code ec, const tcp::endpoint& peer);
  void handshake();
  void on_handshake(error_code ec);

  // Exchange.
  void write();
  void on_write(error_code ec, std::size_t bytes);
  void read_header();
  void on_read_header(error_code ec, std::size_t bytes);
  std::size_t keep_room() const;
  void read_body();
  void on_read_body(error_code ec, std::size_t bytes);

  // Endings.
  void succeed(bool keep_alive);
  void fail(const error_code& ec, bool timed_out = false);
  void fail_with(attempt_error error, std::string detail, bool retry_fresh = false);
  void hand_back(exchange_result r);

  // Parked.
  void on_idle_event(std::uint64_t generation, error_code ec);
  void stop_watching();

  std::shared_ptr<client_core> core_;
  url target_;
  std::string origin_;
  std::variant<plain_stream, tls_stream> stream_;
  boost::beast::flat_buffer buffer_;
  boost::asio::steady_timer timer_; ///< resolve timeout, then idle timeout
  std::vector<tcp::endpoint> endpoints_;
  lookup_ticket lookup_; ///< the pending resolve: has a resolver thread begun it?
  std::optional<response_parser> parser_;
  std::unique_ptr<pending_request> req_;
  http_response response_;
  std::unique_ptr<char[]> drain_buffer_;
  std::size_t kept_ = 0;    ///< body bytes kept in response_.body
  std::size_t drained_ = 0; ///< body bytes read and dropped
  std::size_t lent_ = 0;    ///< size of the buffer lent to the parser for this read
  bool keeping_ = false;    ///< that buffer is the kept body (else the drain buffer)
  steady_clock::time_point connect_deadline_;
  std::uint64_t wait_generation_ = 0; ///< invalidates stale timer / idle-watch completions
  phase phase_ = phase::resolve;
  bool reused_ = false; ///< the current request runs on a connection that served one before
};

} // namespace hookd::net
