#include "net/http_session.hpp"

#include "net/client_core.hpp"
#include "net/tls_context.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

#include <algorithm>
#include <array>
#include <exception>
#include <limits>
#include <string>

namespace hookd::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace {

constexpr std::size_t drain_chunk = std::size_t{16} * 1024;
constexpr std::uint32_t header_limit = 16 * 1024;

bool address_allowed(const client_options& opts, const asio::ip::address& a) {
  if (!opts.address_filter)
    return true;
  try {
    return opts.address_filter(a);
  } catch (...) {
    return false; // a filter that cannot decide refuses
  }
}

} // namespace

http_session::http_session(std::shared_ptr<client_core> core, const url& target)
    : core_(std::move(core)), target_(target), origin_(target.origin()),
      stream_(make_stream(*core_, target.is_https())), timer_(core_->io()) {}

std::variant<http_session::plain_stream, http_session::tls_stream>
http_session::make_stream(client_core& core, bool tls) {
  if (tls) // client_core refuses https requests before a session exists when tls() is null
    return std::variant<plain_stream, tls_stream>{std::in_place_index<1>, core.io(), *core.tls()};
  return std::variant<plain_stream, tls_stream>{std::in_place_index<0>, core.io()};
}

http_session::plain_stream& http_session::tcp_layer() {
  plain_stream* lowest = nullptr;
  with_stream([&](auto& s) { lowest = &beast::get_lowest_layer(s); });
  return *lowest;
}

// ---- fresh connection -------------------------------------------------------------------------

void http_session::open(std::unique_ptr<pending_request> req) {
  req_ = std::move(req);
  guarded([this] { start_fresh(); });
}

void http_session::start_fresh() {
  reused_ = false;
  connect_deadline_ = req_->connect_deadline();
  std::string host(target_.bare_host());
  error_code not_ip;
  auto address = asio::ip::make_address(host, not_ip);
  if (!not_ip)
    return connect({tcp::endpoint(address, target_.port)});
  resolve();
}

void http_session::resolve() {
  phase_ = phase::resolve;
  const auto generation = ++wait_generation_;
  // The timer holds the session while the lookup runs; the lookup's answer only a weak
  // reference: after a timeout nobody waits for it.
  timer_.expires_at(connect_deadline_);
  timer_.async_wait([self = shared_from_this(), generation](error_code ec) {
    self->guarded([&] { self->on_resolve_timer(generation, ec); });
  });
  lookup_ = core_->resolver().resolve(
      std::string(target_.bare_host()), target_.port,
      [weak = weak_from_this(), generation, io = &core_->io()](resolve_result r) {
        asio::post(*io, [weak, generation, r = std::move(r)]() mutable {
          if (auto self = weak.lock())
            self->guarded([&] { self->on_resolve(generation, std::move(r)); });
        });
      });
}

void http_session::on_resolve_timer(std::uint64_t generation, error_code ec) {
  if (ec || generation != wait_generation_ || phase_ != phase::resolve)
    return;
  ++wait_generation_; // a late answer is dropped
  if (lookup_ && !lookup_->load()) // never started: hookd's shortage, not the host's DNS
    return fail_with(attempt_error::local_resources,
                     "local resources (resolve): every resolver thread was busy until the "
                     "connect deadline");
  fail(asio::error::operation_aborted, true);
}

void http_session::on_resolve(std::uint64_t generation, resolve_result r) {
  if (generation != wait_generation_ || phase_ != phase::resolve)
    return;
  ++wait_generation_;
  timer_.cancel();
  lookup_.reset();
  if (r.thrown)
    return on_exception(r.thrown);
  if (r.error)
    return fail(r.error);
  connect(std::move(r.endpoints));
}

void http_session::connect(std::vector<tcp::endpoint> endpoints) {
  phase_ = phase::connect;
  if (endpoints.empty())
    return fail_with(attempt_error::dns, "DNS: no address for host");
  endpoints_.clear();
  for (const auto& e : endpoints)
    if (address_allowed(core_->options(), e.address()))
      endpoints_.push_back(e);
  if (endpoints_.empty()) // refused before any connection was made
    return fail_with(attempt_error::forbidden_address,
                     "address " + endpoints.front().address().to_string() + " is not allowed");
  tcp_layer().expires_at(connect_deadline_);
  tcp_layer().async_connect(endpoints_, step(&http_session::on_connect));
}

void http_session::on_connect(error_code ec, const tcp::endpoint&) {
  if (ec)
    return fail(ec);
  tcp_layer().socket().set_option(tcp::no_delay(true), ec);
  if (std::holds_alternative<tls_stream>(stream_))
    return handshake();
  write();
}

void http_session::handshake() {
  phase_ = phase::handshake;
  auto& s = std::get<tls_stream>(stream_);
  if (auto error = prepare_tls_connection(s.native_handle(), target_); !error.empty())
    return fail_with(attempt_error::tls, std::move(error));
  s.async_handshake(asio::ssl::stream_base::client, step(&http_session::on_handshake));
}

void http_session::on_handshake(error_code ec) {
  if (!ec)
    return write();
  if (ec == beast::error::timeout)
    return fail(ec);
  fail_with(attempt_error::tls,
            describe_tls_error(ec, std::get<tls_stream>(stream_).native_handle()));
}

// ---- exchange ---------------------------------------------------------------------------------

void http_session::reuse(std::unique_ptr<pending_request> req) {
  req_ = std::move(req);
  reused_ = true;
  guarded([this] {
    stop_watching();
    write();
  });
}

void http_session::write() {
  phase_ = phase::write;
  tcp_layer().expires_at(req_->deadline);
  std::array<asio::const_buffer, 2> buffers{
      asio::buffer(req_->head), req_->body ? asio::buffer(*req_->body) : asio::const_buffer{}};
  with_stream([&](auto& s) { asio::async_write(s, buffers, step(&http_session::on_write)); });
}

void http_session::on_write(error_code ec, std::size_t) {
  if (ec)
    return fail(ec);
  read_header();
}

void http_session::read_header() {
  phase_ = phase::read_header;
  parser_.emplace();
  parser_->header_limit(header_limit);
  // The body is capped by hand (keep, then drain). Not boost::none: Beast 1.74 compares
  // `len_ > body_limit_` on the optional, which is always true when it is empty.
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  with_stream([&](auto& s) {
    http::async_read_header(s, buffer_, *parser_, step(&http_session::on_read_header));
  });
}

void http_session::on_read_header(error_code ec, std::size_t) {
  if (ec)
    return fail(ec);
  const auto& msg = parser_->get();
  const auto status = static_cast<int>(msg.result_int());
  if (status / 100 == 1 && status != 101)
    return read_header(); // interim response (100 Continue, 103 Early Hints): skip it
  response_.status = status;
  if (auto it = msg.find(http::field::retry_after); it != msg.end())
    response_.retry_after = std::string(it->value());
  if (parser_->is_done())
    return succeed(parser_->keep_alive() && status != 101);
  phase_ = phase::read_body;
  read_body();
}

std::size_t http_session::keep_room() const {
  std::size_t room = core_->options().max_body_bytes - kept_;
  if (auto length = parser_->content_length()) // don't size the buffer beyond the body
    room = static_cast<std::size_t>(std::min<std::uint64_t>(room, *length - kept_));
  return room;
}

void http_session::read_body() {
  auto& body = parser_->get().body();
  std::size_t room = kept_ < core_->options().max_body_bytes ? keep_room() : 0;
  keeping_ = room > 0;
  if (keeping_) {
    response_.body.resize(kept_ + room);
    body.data = response_.body.data() + kept_;
    lent_ = room;
  } else {
    if (!drain_buffer_)
      drain_buffer_ = std::make_unique<char[]>(drain_chunk);
    body.data = drain_buffer_.get();
    lent_ = drain_chunk;
  }
  body.size = lent_;
  body.more = true;
  with_stream(
      [&](auto& s) { http::async_read(s, buffer_, *parser_, step(&http_session::on_read_body)); });
}

void http_session::on_read_body(error_code ec, std::size_t) {
  if (ec == http::error::need_buffer)
    ec = {}; // the buffer we lent is full: not an error
  std::size_t got = lent_ - parser_->get().body().size;
  if (keeping_) {
    kept_ += got;
    response_.body.resize(kept_);
  } else {
    drained_ += got;
  }
  if (ec) {
    // A body delimited by the end of a TLS stream the peer did not shut down cleanly.
    if (ec == asio::ssl::error::stream_truncated && parser_->need_eof())
      return succeed(false);
    // Everything we keep has arrived; what failed is only the drain of the rest.
    if (kept_ >= core_->options().max_body_bytes)
      return succeed(false);
    return fail(ec);
  }
  if (parser_->is_done())
    return succeed(parser_->keep_alive());
  if (drained_ > core_->options().max_drain_bytes)
    return succeed(false); // too much left to drain: closing is cheaper
  read_body();
}

// ---- endings ----------------------------------------------------------------------------------

void http_session::succeed(bool keep_alive) {
  exchange_result r;
  r.reusable = keep_alive && buffer_.size() == 0;
  r.response = std::move(response_);
  hand_back(std::move(r));
}

void http_session::fail(const error_code& ec, bool timed_out) {
  auto f = classify_failure(phase_, ec, timed_out);
  bool nothing_received = !(parser_ && parser_->got_some()) && buffer_.size() == 0;
  bool before_response = phase_ == phase::write || phase_ == phase::read_header;
  bool retry = reused_ && f.error != attempt_error::timeout && before_response && nothing_received;
  fail_with(f.error, std::move(f.detail), retry);
}

void http_session::fail_with(attempt_error error, std::string detail, bool retry_fresh) {
  exchange_result r;
  r.response.error = error;
  r.response.error_detail = std::move(detail);
  r.response.status = 0;
  r.retry_fresh = retry_fresh;
  hand_back(std::move(r));
}

void http_session::hand_back(exchange_result r) {
  // Reset the per-request state first: finish() may park us and a callback may reuse us.
  auto req = std::move(req_);
  parser_.reset();
  response_ = {};
  kept_ = 0;
  drained_ = 0;
  core_->finish(shared_from_this(), std::move(req), std::move(r));
}

// ---- exceptions -------------------------------------------------------------------------------

void http_session::on_exception(const std::exception_ptr& e) noexcept {
  try {
    close();
    if (!req_) { // parked (or already handed back): only the connection is lost
      core_->forget_idle(origin_, this);
      return;
    }
    auto f = classify_exception(e);
    fail_with(f.error, std::move(f.detail));
  } catch (...) {
    // Even the failure could not be handed back (out of memory): the endpoint would wait for
    // this attempt forever. Ending the process is the safe way out: the service manager
    // restarts hookd, and recovery repeats the attempt from the store.
    std::terminate();
  }
}

// ---- parked -----------------------------------------------------------------------------------

void http_session::park(duration idle_timeout) {
  auto generation = ++wait_generation_;
  tcp_layer().socket().async_wait(tcp::socket::wait_read,
                                  [self = shared_from_this(), generation](error_code ec) {
                                    self->guarded([&] { self->on_idle_event(generation, ec); });
                                  });
  timer_.expires_after(idle_timeout);
  timer_.async_wait([self = shared_from_this(), generation](error_code ec) {
    self->guarded([&] { self->on_idle_event(generation, ec); });
  });
}

void http_session::on_idle_event(std::uint64_t generation, error_code ec) {
  if (generation != wait_generation_ || ec == asio::error::operation_aborted)
    return;
  // Readable while idle means the peer closed (or sent bytes nobody asked for); the timer
  // means idle_timeout passed. Either way the connection is done.
  close();
  core_->forget_idle(origin_, this);
}

void http_session::stop_watching() {
  ++wait_generation_;
  error_code ignored;
  tcp_layer().socket().cancel(ignored);
  timer_.cancel();
}

void http_session::close() {
  ++wait_generation_;
  timer_.cancel();
  tcp_layer().close();
}

} // namespace hookd::net
