#include "net/server_session.hpp"

#include "net/ascii.hpp"
#include "net/error_body.hpp"
#include "net/response_head.hpp"
#include "policy/ows.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <iterator>
#include <limits>
#include <string>
#include <utility>

namespace hookd::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using namespace std::chrono_literals;

namespace {

constexpr std::uint32_t header_limit = 16 * 1024;
/// The first read of a request; Beast grows the buffer after it.
constexpr std::size_t read_chunk = std::size_t{4} * 1024;
/// Idle connections release buffer capacity beyond this.
constexpr std::size_t keep_buffer_capacity = std::size_t{16} * 1024;
constexpr auto linger_time = 2s;
constexpr std::size_t linger_bytes = std::size_t{1024} * 1024;
/// Response buffers larger than this are released.
constexpr std::size_t keep_body_capacity = std::size_t{64} * 1024;
constexpr std::string_view continue_100 = "HTTP/1.1 100 Continue\r\n\r\n";

std::string_view to_std(beast::string_view s) {
  return {s.data(), s.size()};
}

std::string lower_case(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c + 32);
  return out;
}

template <class Endpoint>
std::string format_endpoint(const Endpoint& e) {
  auto address = e.address();
  std::string out = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return out + ":" + std::to_string(e.port());
}

/// RFC 9112 §6: why the request's body framing is refused, or "" when it is sound. Beast
/// already refuses differing Content-Lengths and some TE/CL mixes; what it lets through is a
/// Transfer-Encoding that is not exactly "chunked" (it reads "chunked, identity" as no body,
/// leaving the body to be parsed as a next request), TE with Content-Length when TE is not
/// chunked, several TE fields, and TE in an HTTP/1.0 request.
template <class Message>
std::string framing_error(const Message& msg) {
  auto te = msg.equal_range(http::field::transfer_encoding);
  if (te.first == te.second)
    return {};
  if (std::next(te.first) != te.second)
    return "more than one Transfer-Encoding field";
  if (msg.version() < 11)
    return "Transfer-Encoding in an HTTP/1.0 request";
  if (!iequals(policy::trim_ows(to_std(te.first->value())), "chunked"))
    return "Transfer-Encoding other than chunked";
  if (msg.find(http::field::content_length) != msg.end())
    return "Transfer-Encoding together with Content-Length";
  return {};
}

bool is_parse_error(const boost::system::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category();
}

/// Shared by every copy of one `respond`: the first call (or the last copy's destruction,
/// which answers 500) delivers the response to the session's io thread.
struct response_slot {
  response_slot(std::weak_ptr<server_session> s, std::shared_ptr<io_unit> u, std::uint64_t n)
      : session(std::move(s)), unit(std::move(u)), exchange(n) {}
  response_slot(const response_slot&) = delete;
  response_slot& operator=(const response_slot&) = delete;

  ~response_slot() {
    try {
      if (!answered.exchange(true))
        deliver(error_response(500, internal_error_code, "the request was dropped unanswered"));
    } catch (...) {
      // Out of memory while building the 500: the client is left waiting until it gives up
      // or the connection closes; a destructor must not throw.
    }
  }

  void answer(server_response r) {
    if (!answered.exchange(true))
      deliver(std::move(r));
  }

  void deliver(server_response r) {
    if (unit->io.get_executor().running_in_this_thread()) {
      if (auto s = session.lock())
        s->on_response(exchange, std::move(r));
      return;
    }
    // Dropped when the server has stopped: nothing would run it.
    unit->post_unless_stopped([w = session, n = exchange, r = std::move(r)]() mutable {
      if (auto s = w.lock())
        s->on_response(n, std::move(r));
    });
  }

  std::weak_ptr<server_session> session;
  std::shared_ptr<io_unit> unit;
  std::uint64_t exchange;
  std::atomic<bool> answered{false};
};

} // namespace

server_session::server_session(std::shared_ptr<io_unit> unit, socket_type socket, bool counted)
    : unit_(std::move(unit)), socket_(std::move(socket)), timer_(unit_->io.get_executor()),
      counted_(counted) {}

void server_session::enlist() {
  registration_ = unit_->sessions.insert(unit_->sessions.end(), shared_from_this());
  registered_ = true;
}

void server_session::start() {
  enlist();
  error_code ec;
  auto peer = socket_.remote_endpoint(ec);
  if (ec) // the peer is already gone
    return close();
  remote_ = format_endpoint(peer);
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  set_deadline(clock::now() + unit_->shared->opts.header_timeout);
  wait_request();
}

void server_session::start_rejected() {
  enlist();
  fail(503, "service_unavailable", "too many open connections, retry later");
}

void server_session::drain() {
  if (phase_ != phase::idle)
    return; // mid-request: its response carries "Connection: close"
  error_code ec;
  if (socket_.available(ec) == 0 || ec) // no next request has begun to arrive
    close();
}

void server_session::abort() {
  registered_ = false;
  close();
}

void server_session::yield_slot() {
  counted_ = false; // the newcomer holds it now
  close();
}

void server_session::enter_idle() {
  if (idle_listed_)
    return;
  auto& idle = unit_->idle;
  idle_entry_ = idle.insert(idle.end(), this);
  idle_listed_ = true;
  idle_since_ = clock::now();
  if (idle.size() == 1)
    unit_->oldest_idle.store(idle_since_.time_since_epoch().count(), std::memory_order_relaxed);
}

void server_session::leave_idle() {
  if (!idle_listed_)
    return;
  idle_listed_ = false;
  auto& idle = unit_->idle;
  const bool was_oldest = idle_entry_ == idle.begin();
  idle.erase(idle_entry_);
  if (!was_oldest)
    return;
  unit_->oldest_idle.store(idle.empty() ? io_unit::none_idle
                                        : idle.front()->idle_since_.time_since_epoch().count(),
                           std::memory_order_relaxed);
}

bool server_session::past_max_age() const {
  return clock::now() - accepted_at_ >= unit_->shared->opts.max_connection_age;
}

// ---- reading a request ------------------------------------------------------------------------

void server_session::wait_request() {
  if (buffer_.size() > 0) // the client sent the next request early (pipelining)
    return read_header();
  if (buffer_.capacity() > keep_buffer_capacity) // after a large body: don't idle with it
    buffer_.shrink_to_fit();
  if (unit_->shared->draining) {
    error_code ec;
    if (socket_.available(ec) == 0 || ec)
      return close();
  }
  phase_ = phase::idle;
  if (!fresh_) {
    const auto& opts = unit_->shared->opts;
    set_deadline(
        std::min(clock::now() + opts.idle_timeout, accepted_at_ + opts.max_connection_age));
  }
  enter_idle();
  socket_.async_read_some(
      buffer_.prepare(read_chunk),
      beast::bind_front_handler(&server_session::on_first_bytes, shared_from_this()));
}

void server_session::on_first_bytes(error_code ec, std::size_t bytes) {
  if (phase_ == phase::closed)
    return;
  leave_idle();
  if (ec) // peer closed or reset while idle
    return close();
  buffer_.commit(bytes);
  if (!fresh_)
    set_deadline(clock::now() + unit_->shared->opts.header_timeout);
  read_header();
}

void server_session::read_header() {
  phase_ = phase::header;
  timed_out_ = false;
  head_known_ = false;
  parser_.emplace();
  parser_->header_limit(header_limit);
  // Always a value: Beast 1.74 compares `len_ > body_limit_` on the optional, so boost::none
  // would reject every request carrying a Content-Length, even 0. The limit depends on the
  // route (server_options::body_limit), known only with the header: the header is read with
  // no limit, then on_header refuses a larger Content-Length (no body byte consumed) and sets
  // the request's limit, against which the parser counts chunk sizes as they come.
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  body_limit_ = unit_->shared->opts.max_body_bytes;
  http::async_read_header(
      socket_, buffer_, *parser_,
      beast::bind_front_handler(&server_session::on_header, shared_from_this()));
}

void server_session::on_header(error_code ec, std::size_t) {
  if (phase_ == phase::closed)
    return;
  if (ec)
    return on_read_error(ec);
  fresh_ = false;
  const auto& msg = parser_->get();
  if (auto why = framing_error(msg); !why.empty())
    return fail(400, "malformed_request", "malformed request: " + why);
  request_ = {};
  request_.method = std::string(msg.method_string());
  request_.target = std::string(msg.target());
  for (const auto& field : msg)
    request_.headers.emplace_back(lower_case(to_std(field.name_string())),
                                  std::string(field.value()));
  request_.remote = remote_;
  head_known_ = true;
  if (parser_->is_done())
    return dispatch();
  if (const auto& limit_of = unit_->shared->opts.body_limit)
    if (const auto limit = limit_of(request_); limit > 0)
      body_limit_ = limit;
  if (const auto length = parser_->content_length(); length && *length > body_limit_)
    return on_read_error(http::error::body_limit);
  parser_->body_limit(static_cast<std::uint64_t>(body_limit_));
  if (!admit_body())
    return;
  set_deadline(clock::now() + unit_->shared->opts.body_timeout);
  auto expect = msg.find(http::field::expect);
  if (expect != msg.end() && msg.version() >= 11 &&
      iequals(to_std(expect->value()), "100-continue") && buffer_.size() == 0) {
    phase_ = phase::expect_continue;
    return asio::async_write(
        socket_, asio::buffer(continue_100.data(), continue_100.size()),
        beast::bind_front_handler(&server_session::on_continue_written, shared_from_this()));
  }
  read_body();
}

void server_session::on_continue_written(error_code ec, std::size_t) {
  if (phase_ == phase::closed)
    return;
  if (ec)
    return close();
  read_body();
}

void server_session::read_body() {
  phase_ = phase::body;
  timed_out_ = false;
  http::async_read(socket_, buffer_, *parser_,
                   beast::bind_front_handler(&server_session::on_body, shared_from_this()));
}

void server_session::on_body(error_code ec, std::size_t) {
  if (phase_ == phase::closed)
    return;
  if (ec)
    return on_read_error(ec);
  dispatch();
}

void server_session::on_read_error(const error_code& ec) {
  fresh_ = false;
  if (timed_out_)
    return fail(408, "request_timeout",
                phase_ == phase::header ? "the request header did not arrive in time"
                                        : "the request body did not arrive in time");
  if (ec == http::error::body_limit)
    return fail(413, "payload_too_large",
                "the request body exceeds " + std::to_string(body_limit_) +
                    " bytes");
  if (ec == http::error::header_limit)
    return fail(400, "malformed_request",
                "the request header exceeds " + std::to_string(header_limit) + " bytes");
  if (ec == http::error::end_of_stream || ec == http::error::partial_message)
    return close(); // the client went away mid-request: nobody to answer
  if (is_parse_error(ec))
    return fail(400, "malformed_request", "malformed request: " + ec.message());
  close(); // network error
}

bool server_session::admit_body() {
  const auto& opts = unit_->shared->opts;
  if (opts.head_check) {
    std::optional<server_response> refusal;
    try {
      refusal = opts.head_check(request_);
    } catch (...) {
      refusal = error_response(500, internal_error_code, "the request could not be checked");
    }
    if (refusal) {
      refuse(std::move(*refusal));
      return false;
    }
    request_.head_checked = true;
  }
  const auto length = parser_->content_length();
  const std::size_t wanted = length ? static_cast<std::size_t>(*length) : body_limit_;
  auto& in_flight = unit_->shared->body_bytes;
  if (in_flight.fetch_add(wanted, std::memory_order_relaxed) + wanted >
      opts.max_body_bytes_in_flight) {
    in_flight.fetch_sub(wanted, std::memory_order_relaxed);
    auto busy = error_response(503, "service_unavailable",
                               "too many request bodies being received, retry later");
    busy.headers.emplace_back("Retry-After", "1");
    refuse(std::move(busy));
    return false;
  }
  body_reserved_ = wanted;
  return true;
}

void server_session::release_body() {
  if (body_reserved_ == 0)
    return;
  unit_->shared->body_bytes.fetch_sub(body_reserved_, std::memory_order_relaxed);
  body_reserved_ = 0;
}

void server_session::dispatch() {
  release_body(); // the body is complete: it leaves the reading budget for the handler's care
  auto& msg = parser_->get();
  server_request r = std::move(request_);
  r.body = std::move(msg.body());
  keep_alive_ = parser_->keep_alive();
  http10_ = msg.version() < 11;
  head_request_ = msg.method() == http::verb::head;
  parser_.reset();

  phase_ = phase::handler;
  set_deadline(clock::time_point::max());
  auto slot = std::make_shared<response_slot>(weak_from_this(), unit_, ++exchange_);
  respond_fn respond = [slot](server_response response) { slot->answer(std::move(response)); };
  slot.reset(); // the handler's copies own it now: dropping them all answers 500
  try {
    unit_->shared->handler(std::move(r), std::move(respond));
  } catch (...) {
    // The handler's exception is not ours to report (no logger here); its `respond` copies are
    // gone with the stack unless it kept one, so the request is answered either way.
  }
  // Nothing after this point: the handler may have answered (and started the write) already.
}

// ---- answering --------------------------------------------------------------------------------

void server_session::on_response(std::uint64_t exchange, server_response r) {
  if (phase_ != phase::handler || exchange != exchange_)
    return; // the connection is gone (or this is not the request it waits for)
  write_response(std::move(r), keep_alive_ && !unit_->shared->draining && !past_max_age());
}

void server_session::write_response(server_response r, bool keep_alive) {
  response_framing framing;
  framing.close = !keep_alive;
  framing.http10_keep = keep_alive && http10_;
  framing.head_request = head_request_;
  bool send_body =
      build_response_head(head_, r, unit_->shared->opts.server_header, unit_->date.now(), framing);
  body_ = send_body ? std::move(r.body) : std::string();
  close_after_write_ = !keep_alive;
  phase_ = phase::write;
  set_deadline(clock::now() + unit_->shared->opts.body_timeout);
  std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
  asio::async_write(socket_, buffers,
                    beast::bind_front_handler(&server_session::on_write, shared_from_this()));
}

void server_session::on_write(error_code ec, std::size_t) {
  if (phase_ == phase::closed)
    return;
  if (ec)
    return close();
  if (body_.capacity() > keep_body_capacity)
    std::string().swap(body_);
  if (close_after_write_)
    return linger();
  wait_request();
}

void server_session::fail(int status, std::string_view code, std::string_view message) {
  auto r = error_response(status, code, message);
  if (const auto& shape = unit_->shared->opts.error_body; shape && head_known_)
    if (auto body = shape(request_, code, message))
      r.body = std::move(*body);
  refuse(std::move(r));
}

void server_session::refuse(server_response r) {
  release_body();
  parser_.reset();
  keep_alive_ = false;
  http10_ = false;
  head_request_ = false;
  write_response(std::move(r), false);
}

// ---- endings ----------------------------------------------------------------------------------

void server_session::linger() {
  // Closing with unread input makes the kernel send a reset, which can destroy the response
  // before the client reads it. So: stop sending, discard what still comes for a while, close.
  phase_ = phase::linger;
  error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec)
    return close();
  lingered_ = 0;
  buffer_.clear();
  set_deadline(clock::now() + linger_time);
  linger_read();
}

void server_session::linger_read() {
  socket_.async_read_some(
      buffer_.prepare(read_chunk),
      beast::bind_front_handler(&server_session::on_linger_read, shared_from_this()));
}

void server_session::on_linger_read(error_code ec, std::size_t bytes) {
  if (phase_ == phase::closed)
    return;
  lingered_ += bytes;
  if (ec || lingered_ > linger_bytes) // end of stream (the normal way out), or enough
    return close();
  linger_read();
}

void server_session::close() {
  if (phase_ == phase::closed)
    return;
  phase_ = phase::closed;
  leave_idle();
  ++timer_generation_;
  timer_.cancel();
  error_code ignored;
  socket_.close(ignored);
  parser_.reset();
  release_body();
  if (counted_) {
    counted_ = false;
    unit_->shared->open.fetch_sub(1, std::memory_order_relaxed);
  }
  if (registered_) { // last: callers hold their own reference, so this does not destroy us
    registered_ = false;
    unit_->sessions.erase(registration_);
  }
}

// ---- deadline ---------------------------------------------------------------------------------

void server_session::set_deadline(clock::time_point t) {
  deadline_ = t;
  // A timer armed for no later than `t` will fire in time and re-arm itself for deadline_.
  if (t == clock::time_point::max() || (timer_armed_ && armed_at_ <= t))
    return;
  arm(t);
}

void server_session::arm(clock::time_point t) {
  timer_armed_ = true;
  armed_at_ = t;
  timer_.expires_at(t); // cancels the pending wait, whose completion is then stale
  timer_.async_wait([self = shared_from_this(), generation = ++timer_generation_](error_code ec) {
    self->on_timer(generation, ec);
  });
}

void server_session::on_timer(std::uint64_t generation, error_code ec) {
  if (generation != timer_generation_ || phase_ == phase::closed)
    return;
  timer_armed_ = false;
  if (ec || deadline_ == clock::time_point::max())
    return;
  if (clock::now() < deadline_)
    return arm(deadline_);
  on_deadline();
}

void server_session::on_deadline() {
  switch (phase_) {
    case phase::header:
    case phase::body: {
      // Cancel the read; its completion answers 408 on the still open socket.
      timed_out_ = true;
      error_code ignored;
      socket_.cancel(ignored);
      return;
    }
    case phase::handler: // no deadline while the handler works
    case phase::closed:
      return;
    case phase::idle:            // nothing (more) asked for: no answer owed
    case phase::expect_continue: // a client that does not read
    case phase::write:
    case phase::linger:
      return close();
  }
}

} // namespace hookd::net
