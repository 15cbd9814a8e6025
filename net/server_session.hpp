#pragma once
// One accepted connection of http_server, after Beast's async server examples: the session owns
// its async chain; its unit's session list keeps it alive while it is open.
//
// Chain per request:
//   [idle: wait for the first byte] -> read header -> [100 Continue] -> read body -> handler
//   -> (respond, any thread, posted back) -> write -> next request | linger -> close
// Before the body (after the header): framing check (400), head_check (its answer, e.g. 401),
// bodies-in-flight budget (503); each answers without reading the body, then closes.
//
// Deadlines, one per phase (one timer, re-armed only when a deadline moves earlier):
//   idle         fresh connection: header_timeout from accept; kept-alive: idle_timeout, but
//                never beyond max_connection_age from accept (the response before that said
//                "Connection: close" once the age was reached)
//   header       header_timeout from the first byte (fresh: from accept)
//   body         body_timeout from the end of the header
//   handler      none
//   write        body_timeout
//   linger       2 s (or 1 MiB discarded)
// A header or body deadline cancels the read and answers 408; the others just close.
//
// Errors while reading: Content-Length over the limit (reported by the header read, before any
// body byte is touched) or a chunk crossing it -> 413; parse errors -> 400; a peer that goes
// away -> close. Every server-generated error closes the connection after the response.
//
// Single-threaded: everything runs on the unit's io thread; `respond` from elsewhere is posted.
#include "net/http_server.hpp"
#include "net/server_unit.hpp"

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace hookd::net {

class server_session : public std::enable_shared_from_this<server_session> {
public:
  using executor_type = boost::asio::io_context::executor_type;
  using socket_type = boost::asio::basic_stream_socket<boost::asio::ip::tcp, executor_type>;

  /// `counted`: the connection holds one of the `max_connections` slots (released on close).
  server_session(std::shared_ptr<io_unit> unit, socket_type socket, bool counted);

  /// Joins the unit's session list and serves requests.
  void start();
  /// Joins the unit's session list, answers 503 (over max_connections) and closes.
  void start_rejected();
  /// The server is draining: close now if waiting for a next request that has not begun.
  void drain();
  /// The server stops: close at once. The caller has taken the session out of the list.
  void abort();
  /// The server is at max_connections and a new connection takes the slot of this one, the
  /// unit's oldest idle connection: close without an answer (none is owed while idle) and keep
  /// the slot counted, for the newcomer.
  void yield_slot();
  /// The handler's answer for request number `exchange` (io thread).
  void on_response(std::uint64_t exchange, server_response r);

private:
  using error_code = boost::system::error_code;
  using clock = std::chrono::steady_clock;
  using timer_type =
      boost::asio::basic_waitable_timer<clock, boost::asio::wait_traits<clock>, executor_type>;
  using request_parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  enum class phase : std::uint8_t {
    idle,
    header,
    expect_continue,
    body,
    handler,
    write,
    linger,
    closed
  };

  void enlist();
  void enter_idle();
  void leave_idle();
  bool past_max_age() const;

  // Reading a request.
  void wait_request();
  void on_first_bytes(error_code ec, std::size_t bytes);
  void read_header();
  void on_header(error_code ec, std::size_t bytes);
  void on_continue_written(error_code ec, std::size_t bytes);
  void read_body();
  void on_body(error_code ec, std::size_t bytes);
  void on_read_error(const error_code& ec);
  /// Before the body: head_check and the bodies-in-flight budget; false when it answered.
  bool admit_body();
  void release_body();
  void dispatch();

  // Answering.
  void write_response(server_response r, bool keep_alive);
  void on_write(error_code ec, std::size_t bytes);
  void fail(int status, std::string_view code, std::string_view message);
  void refuse(server_response r); ///< answers a server-generated refusal, then closes

  // Endings.
  void linger();
  void linger_read();
  void on_linger_read(error_code ec, std::size_t bytes);
  void close();

  // Deadline.
  void set_deadline(clock::time_point t);
  void arm(clock::time_point t);
  void on_timer(std::uint64_t generation, error_code ec);
  void on_deadline();

  std::shared_ptr<io_unit> unit_;
  socket_type socket_;
  timer_type timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<request_parser> parser_;
  server_request request_;        ///< the current request's head (body added at dispatch)
  bool head_known_ = false;       ///< request_ is the head of the request being read
  std::size_t body_reserved_ = 0; ///< bytes of max_body_bytes_in_flight held for its body
  std::size_t body_limit_ = 0;    ///< the current request's body limit (server_options::body_limit)
  std::string remote_;
  std::string head_; ///< response head being written
  std::string body_; ///< response body being written
  std::list<std::shared_ptr<server_session>>::iterator registration_;
  std::list<server_session*>::iterator idle_entry_; ///< valid while idle_listed_
  clock::time_point accepted_at_ = clock::now();
  clock::time_point idle_since_; ///< when it last became idle (valid while idle_listed_)
  clock::time_point deadline_ = clock::time_point::max();
  clock::time_point armed_at_ = clock::time_point::max();
  std::uint64_t timer_generation_ = 0; ///< invalidates superseded timer completions
  std::uint64_t exchange_ = 0;         ///< number of the request handed to the handler
  std::size_t lingered_ = 0;           ///< bytes discarded while lingering
  phase phase_ = phase::idle;
  bool counted_ = false;
  bool registered_ = false;
  bool idle_listed_ = false;
  bool timer_armed_ = false;
  bool timed_out_ = false;  ///< the header/body deadline cancelled the read
  bool fresh_ = true;       ///< no request read yet
  bool keep_alive_ = false; ///< the current request allows another after it
  bool http10_ = false;
  bool head_request_ = false;
  bool close_after_write_ = false;
};

} // namespace hookd::net
