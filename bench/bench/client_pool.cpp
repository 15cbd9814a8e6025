#include "bench/bench/client_pool.hpp"

#include "bench/common/clock.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <memory>
#include <vector>

namespace hookd::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

class connection : public std::enable_shared_from_this<connection> {
public:
  /// Connects to `to[first]`; after a refused connect, to the next one (a node that died).
  connection(asio::io_context& io, const std::vector<tcp::endpoint>& to, std::size_t first,
             job_source& source, std::chrono::milliseconds limit)
      : stream_(io), timer_(io), to_(to), at_(first % to.size()), source_(source), limit_(limit) {}

  void fetch() {
    std::chrono::nanoseconds wait{0};
    auto j = source_.next(wait);
    if (j) {
      job_ = std::move(*j);
      return send();
    }
    if (wait.count() > 0) {
      timer_.expires_after(wait);
      timer_.async_wait([self = shared_from_this()](error_code) { self->fetch(); });
      return;
    }
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

private:
  void send() {
    reply_ = reply{};
    if (!open_) {
      stream_.expires_after(limit_);
      stream_.async_connect(to_[at_], [self = shared_from_this()](error_code ec) {
        if (ec) {
          self->reply_.error = "connect: " + ec.message();
          self->at_ = (self->at_ + 1) % self->to_.size();
          return self->finish();
        }
        self->open_ = true;
        self->stream_.socket().set_option(tcp::no_delay{true});
        self->write();
      });
      return;
    }
    write();
  }

  void write() {
    reply_.sent_ns = realtime_ns();
    stream_.expires_after(limit_);
    asio::async_write(stream_, asio::buffer(job_.request),
                      [self = shared_from_this()](error_code ec, std::size_t) {
                        if (ec) {
                          self->reply_.error = "write: " + ec.message();
                          self->drop();
                          return self->finish();
                        }
                        self->reply_.sent = true;
                        self->read();
                      });
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(64 << 20);
    stream_.expires_after(limit_);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(error_code ec) {
    reply_.done_ns = realtime_ns();
    if (ec) {
      reply_.error = "read: " + ec.message();
      drop();
      return finish();
    }
    auto res = parser_->release();
    reply_.status = static_cast<int>(res.result_int());
    if (auto it = res.find(http::field::retry_after); it != res.end())
      reply_.retry_after = std::string{it->value()};
    reply_.body = std::move(res.body());
    if (!res.keep_alive())
      drop();
    finish();
  }

  void drop() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    buffer_.clear();
    open_ = false;
  }

  void finish() {
    auto again = source_.finished(job_, reply_);
    if (!again)
      return fetch();
    ++job_.tries;
    if (again->count() <= 0)
      return send();
    timer_.expires_after(*again);
    timer_.async_wait([self = shared_from_this()](error_code) { self->send(); });
  }

  beast::tcp_stream stream_;
  asio::steady_timer timer_;
  const std::vector<tcp::endpoint>& to_;
  std::size_t at_;
  job_source& source_;
  std::chrono::milliseconds limit_;
  bool open_ = false;
  job job_;
  reply reply_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
};

class single_job : public job_source {
public:
  explicit single_job(std::string request) : request_(std::move(request)) {}
  std::optional<job> next(std::chrono::nanoseconds&) override {
    if (taken_)
      return std::nullopt;
    taken_ = true;
    return job{std::move(request_), 0, 0};
  }
  std::optional<std::chrono::milliseconds> finished(job&, const reply& r) override {
    result = r;
    return std::nullopt;
  }
  reply result;

private:
  std::string request_;
  bool taken_ = false;
};

} // namespace

void run_jobs(std::uint16_t port, std::size_t connections, job_source& source,
              std::chrono::milliseconds limit) {
  run_jobs(std::vector<std::uint16_t>{port}, connections, source, limit);
}

void run_jobs(const std::vector<std::uint16_t>& ports, std::size_t connections, job_source& source,
              std::chrono::milliseconds limit) {
  asio::io_context io{1};
  std::vector<tcp::endpoint> to;
  for (auto port : ports)
    to.emplace_back(asio::ip::make_address_v4("127.0.0.1"), port);
  for (std::size_t i = 0; i < connections; ++i) {
    auto c = std::make_shared<connection>(io, to, i, source, limit);
    asio::post(io, [c] { c->fetch(); });
  }
  io.run();
}

std::string format_request(std::string_view method, std::string_view target, std::uint16_t port,
                           std::string_view body, std::string_view extra_headers) {
  std::string out;
  out.reserve(160 + target.size() + extra_headers.size() + body.size());
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1:");
  out.append(std::to_string(port)).append("\r\n");
  if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
    out.append("Content-Type: application/json\r\nContent-Length: ");
    out.append(std::to_string(body.size())).append("\r\n");
  }
  out.append(extra_headers).append("\r\n").append(body);
  return out;
}

reply call(std::uint16_t port, std::string_view method, std::string_view target,
           std::string_view body, std::chrono::milliseconds limit) {
  single_job one{format_request(method, target, port, body, "Connection: close\r\n")};
  run_jobs(port, 1, one, limit);
  return one.result;
}

} // namespace hookd::bench
