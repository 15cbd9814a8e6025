#include "tests/support/test_receiver.hpp"

#include "net/ascii.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <variant>

namespace hookd::testing {

using net::iequals;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// ---- received_request / reply -----------------------------------------------------------------

std::optional<std::string> received_request::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (iequals(n, name))
      return v;
  return std::nullopt;
}

reply reply::ok(std::string body) {
  return with_status(200, std::move(body));
}

reply reply::with_status(int status, std::string body) {
  reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

reply reply::hang() {
  reply r;
  r.what = kind::hang;
  return r;
}

reply reply::close_connection() {
  reply r;
  r.what = kind::close;
  return r;
}

reply reply::raw(std::string bytes) {
  reply r;
  r.what = kind::raw;
  r.body = std::move(bytes);
  r.after = then::close;
  return r;
}

reply& reply::with_header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}
reply& reply::with_delay(std::chrono::milliseconds d) {
  delay = d;
  return *this;
}
reply& reply::as_chunked() {
  chunked = true;
  return *this;
}
reply& reply::then_keep_alive() {
  after = then::keep_alive;
  return *this;
}
reply& reply::then_close() {
  after = then::close;
  return *this;
}
reply& reply::then_drop() {
  after = then::drop;
  return *this;
}
reply& reply::then_hold() {
  after = then::hold;
  return *this;
}

// ---- recorder: what the tests read, guarded by one mutex ---------------------------------------

namespace {

/// Everything the tests read, behind one mutex; the io thread writes, tests read and wait.
class recorder {
public:
  struct data {
    std::vector<received_request> requests;
    std::size_t accepted = 0;
    std::size_t closed = 0;
  };

  void set_handler(test_receiver::handler h) {
    std::lock_guard lock(mutex_);
    handler_ = std::move(h);
  }

  std::uint64_t accepted() {
    std::uint64_t id = 0;
    update([&](data& d) { id = ++d.accepted; });
    return id;
  }

  void closed() {
    update([](data& d) { ++d.closed; });
  }

  /// Stores `r`, wakes the waiters, then asks the handler (outside the lock) what to do.
  reply record(const received_request& r) {
    test_receiver::handler h;
    update([&](data& d) {
      d.requests.push_back(r);
      h = handler_;
    });
    if (!h)
      return reply::ok();
    try {
      return h(r);
    } catch (const std::exception& e) {
      return reply::with_status(500, std::string("test handler threw: ") + e.what());
    }
  }

  template <class F>
  auto read(F&& f) const {
    std::lock_guard lock(mutex_);
    return f(data_);
  }

  template <class Pred>
  bool wait(std::chrono::milliseconds timeout, Pred pred) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return pred(data_); });
  }

private:
  template <class F>
  void update(F&& f) {
    {
      std::lock_guard lock(mutex_);
      f(data_);
    }
    changed_.notify_all();
  }

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  test_receiver::handler handler_;
  data data_;
};

// ---- one server connection ----------------------------------------------------------------------

class server_session : public std::enable_shared_from_this<server_session> {
public:
  using plain_stream = beast::tcp_stream;
  using tls_stream = beast::ssl_stream<beast::tcp_stream>;

  server_session(recorder& rec, tcp::socket socket, ssl::context* tls, std::uint64_t id)
      : rec_(rec), stream_(make_stream(std::move(socket), tls)),
        timer_(std::visit([](auto& s) { return s.get_executor(); }, stream_)), id_(id) {}

  void start() {
    if (auto* s = std::get_if<tls_stream>(&stream_))
      return s->async_handshake(
          ssl::stream_base::server,
          beast::bind_front_handler(&server_session::on_handshake, shared_from_this()));
    read();
  }

private:
  static std::variant<plain_stream, tls_stream> make_stream(tcp::socket socket, ssl::context* tls) {
    if (tls != nullptr)
      return std::variant<plain_stream, tls_stream>{std::in_place_index<1>, std::move(socket),
                                                    *tls};
    return std::variant<plain_stream, tls_stream>{std::in_place_index<0>, std::move(socket)};
  }

  template <class F>
  void with_stream(F&& f) {
    std::visit(std::forward<F>(f), stream_);
  }

  void on_handshake(error_code ec) {
    if (ec)
      return end();
    const char* sni = SSL_get_servername(std::get<tls_stream>(stream_).native_handle(),
                                         TLSEXT_NAMETYPE_host_name);
    server_name_ = sni != nullptr ? sni : "";
    read();
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(64 * 1024 * 1024);
    with_stream([&](auto& s) {
      http::async_read(s, buffer_, *parser_,
                       beast::bind_front_handler(&server_session::on_read, shared_from_this()));
    });
  }

  void on_read(error_code ec, std::size_t) {
    if (ec)
      return end();
    auto req = parser_->release();
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    received_request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    for (const auto& field : req)
      r.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    r.body = std::move(req.body());
    r.arrival = std::chrono::steady_clock::now();
    r.connection_id = id_;
    r.tls_server_name = server_name_;
    reply_ = rec_.record(r);
    if (reply_.delay.count() <= 0)
      return act();
    timer_.expires_after(reply_.delay);
    timer_.async_wait([self = shared_from_this()](error_code wait_ec) {
      if (!wait_ec)
        self->act();
    });
  }

  void act() {
    switch (reply_.what) {
      case reply::kind::hang:
        return hold();
      case reply::kind::close:
        return end();
      case reply::kind::raw:
        return with_stream([&](auto& s) {
          asio::async_write(
              s, asio::buffer(reply_.body),
              beast::bind_front_handler(&server_session::on_write, shared_from_this()));
        });
      case reply::kind::respond:
        build_response();
        return with_stream([&](auto& s) {
          http::async_write(
              s, response_,
              beast::bind_front_handler(&server_session::on_write, shared_from_this()));
        });
    }
  }

  void build_response() {
    response_ = {};
    response_.version(version_);
    response_.result(static_cast<unsigned>(reply_.status));
    response_.set(http::field::server, "hookd-test-receiver");
    for (const auto& [name, value] : reply_.headers)
      response_.insert(name, value);
    response_.body() = reply_.body;
    bool framed = response_.count(http::field::content_length) != 0 ||
                  response_.count(http::field::transfer_encoding) != 0;
    if (reply_.chunked)
      response_.chunked(true);
    else if (!framed)
      response_.prepare_payload();
    response_.keep_alive(keep_alive_ && reply_.after != reply::then::close);
  }

  void on_write(error_code ec, std::size_t) {
    if (ec)
      return end();
    switch (reply_.after) {
      case reply::then::keep_alive:
        return keep_alive_ ? read() : end();
      case reply::then::close:
      case reply::then::drop:
        return end();
      case reply::then::hold:
        return hold();
    }
  }

  /// Keeps the connection open without answering; notices when the client goes away.
  void hold() {
    with_stream([&](auto& s) {
      s.async_read_some(asio::buffer(discard_),
                        [self = shared_from_this()](error_code ec, std::size_t) {
                          if (ec)
                            return self->end();
                          self->hold();
                        });
    });
  }

  void end() {
    if (ended_)
      return;
    ended_ = true;
    timer_.cancel();
    with_stream([](auto& s) { beast::get_lowest_layer(s).close(); });
    rec_.closed();
  }

  recorder& rec_;
  std::variant<plain_stream, tls_stream> stream_;
  asio::steady_timer timer_;
  std::uint64_t id_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  reply reply_;
  std::string server_name_;
  std::array<char, 4096> discard_{};
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool ended_ = false;
};

} // namespace

// ---- the receiver -------------------------------------------------------------------------------

struct test_receiver::impl {
  recorder rec;
  std::optional<ssl::context> tls; // declared before io: outlives the sessions io destroys
  std::optional<asio::io_context> io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_retry;
  std::uint16_t port = 0;
  std::thread thread;

  void load_tls(const tls_identity& id) {
    try {
      tls.emplace(ssl::context::tls_server);
      tls->use_certificate_chain_file(id.cert_file);
      tls->use_private_key_file(id.key_file, ssl::context::pem);
    } catch (const std::exception& e) {
      throw std::runtime_error("test_receiver: cannot load TLS identity: " + std::string(e.what()));
    }
  }

  void listen() {
    acceptor.emplace(*io);
    tcp::endpoint endpoint(asio::ip::address_v4::loopback(), 0);
    acceptor->open(endpoint.protocol());
    acceptor->set_option(asio::socket_base::reuse_address(true));
    acceptor->bind(endpoint);
    acceptor->listen(asio::socket_base::max_listen_connections);
    port = acceptor->local_endpoint().port();
  }

  void accept() {
    acceptor->async_accept([this](error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted)
        return;
      if (ec) { // e.g. out of file descriptors: back off instead of spinning
        accept_retry->expires_after(std::chrono::milliseconds(10));
        return accept_retry->async_wait([this](error_code wait_ec) {
          if (!wait_ec)
            accept();
        });
      }
      auto id = rec.accepted();
      std::make_shared<server_session>(rec, std::move(socket), tls ? &*tls : nullptr, id)->start();
      accept();
    });
  }

  void stop() {
    if (!io)
      return;
    work.reset();
    io->stop();
    if (thread.joinable())
      thread.join();
    // Sessions live in the handlers io still holds: destroying it closes every connection.
    accept_retry.reset();
    acceptor.reset();
    io.reset();
  }
};

test_receiver::test_receiver(handler h, std::optional<tls_identity> tls)
    : impl_(std::make_unique<impl>()) {
  impl_->rec.set_handler(std::move(h));
  if (tls)
    impl_->load_tls(*tls);
  impl_->io.emplace(1);
  impl_->work.emplace(asio::make_work_guard(*impl_->io));
  impl_->accept_retry.emplace(*impl_->io);
  impl_->listen();
  impl_->accept();
  impl_->thread = std::thread([io = &*impl_->io] { io->run(); });
}

test_receiver::~test_receiver() {
  stop();
}

void test_receiver::stop() {
  impl_->stop();
}

void test_receiver::set_handler(handler h) {
  impl_->rec.set_handler(std::move(h));
}

std::uint16_t test_receiver::port() const {
  return impl_->port;
}

bool test_receiver::is_tls() const {
  return impl_->tls.has_value();
}

std::string test_receiver::url(std::string_view path) const {
  return url_for("127.0.0.1", path);
}

std::string test_receiver::url_for(std::string_view host, std::string_view path) const {
  return std::string(is_tls() ? "https://" : "http://") + std::string(host) + ':' +
         std::to_string(port()) + std::string(path);
}

std::vector<received_request> test_receiver::requests() const {
  return impl_->rec.read([](const recorder::data& d) { return d.requests; });
}

std::size_t test_receiver::count() const {
  return impl_->rec.read([](const recorder::data& d) { return d.requests.size(); });
}

std::size_t test_receiver::connections_accepted() const {
  return impl_->rec.read([](const recorder::data& d) { return d.accepted; });
}

std::size_t test_receiver::connections_closed() const {
  return impl_->rec.read([](const recorder::data& d) { return d.closed; });
}

bool test_receiver::wait_for_count(std::size_t n, std::chrono::milliseconds timeout) const {
  return impl_->rec.wait(timeout, [n](const recorder::data& d) { return d.requests.size() >= n; });
}

bool test_receiver::wait_for_connections(std::size_t n, std::chrono::milliseconds timeout) const {
  return impl_->rec.wait(timeout, [n](const recorder::data& d) { return d.accepted >= n; });
}

bool test_receiver::wait_for_closed(std::size_t n, std::chrono::milliseconds timeout) const {
  return impl_->rec.wait(timeout, [n](const recorder::data& d) { return d.closed >= n; });
}

std::uint16_t closed_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  auto port = acceptor.local_endpoint().port();
  acceptor.close();
  return port;
}

} // namespace hookd::testing
