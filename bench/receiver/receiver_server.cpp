#include "bench/receiver/receiver_server.hpp"

#include "bench/common/behaviour.hpp"
#include "bench/common/clock.hpp"
#include "bench/receiver/recorder.hpp"
#include "bench/receiver/signature_check.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <list>
#include <mutex>
#include <optional>
#include <thread>

namespace hookd::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

struct counters {
  std::atomic<std::uint64_t> requests{0}, ok{0}, failed{0}, hung{0}, closed{0}, wrk{0},
      unknown{0}, bad_signature{0};
  std::atomic<std::int64_t> open{0}, peak{0}, accepted{0};
};

struct unit {
  asio::io_context io{1};
  recorder log;
  rng_t rng;
  std::thread thread;
};

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 404: return "Not Found";
    case 410: return "Gone";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return status < 300 ? "OK" : "Error";
  }
}

std::string response_bytes(int status, std::string_view body, std::string_view content_type,
                           int retry_after_s, bool keep_alive) {
  std::string out;
  out.reserve(128 + body.size());
  out.append("HTTP/1.1 ").append(std::to_string(status)).append(" ").append(reason(status));
  out.append("\r\nContent-Type: ").append(content_type);
  out.append("\r\nContent-Length: ").append(std::to_string(body.size()));
  if (retry_after_s > 0)
    out.append("\r\nRetry-After: ").append(std::to_string(retry_after_s));
  if (!keep_alive)
    out.append("\r\nConnection: close");
  out.append("\r\n\r\n").append(body);
  return out;
}

std::string_view field(const http::request<http::string_body>& req, std::string_view name) {
  auto it = req.find(beast::string_view{name.data(), name.size()});
  if (it == req.end())
    return {};
  auto v = it->value();
  return {v.data(), v.size()};
}

} // namespace

struct receiver_server::impl : std::enable_shared_from_this<impl> {
  receiver_options opts;
  endpoint_table& table;
  std::vector<std::unique_ptr<unit>> units;
  std::optional<tcp::acceptor> acceptor;
  std::size_t next_unit = 0;
  counters stats;
  std::atomic<std::int64_t> start_ns{realtime_ns()};
  std::mutex quit_mutex;
  std::condition_variable quit_cv;
  bool quit = false;
  bool stopped = false;

  impl(receiver_options o, endpoint_table& t) : opts(std::move(o)), table(t) {}

  void accept();
  std::string control(const http::request<http::string_body>& req);
  void request_quit() {
    std::lock_guard lock{quit_mutex};
    quit = true;
    quit_cv.notify_all();
  }
};

namespace {

class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket s, unit& u, receiver_server::impl& server)
      : socket_(std::move(s)), timer_(socket_.get_executor()), unit_(u), server_(server) {
    socket_.set_option(tcp::no_delay{true});
    auto open = ++server_.stats.open;
    auto peak = server_.stats.peak.load();
    while (open > peak && !server_.stats.peak.compare_exchange_weak(peak, open)) {
    }
    ++server_.stats.accepted;
  }
  ~session() { --server_.stats.open; }

  void read() {
    parser_.emplace();
    parser_->body_limit(1 << 20);
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
  }

private:
  void on_read(error_code ec) {
    if (ec)
      return close();
    auto req = parser_->release();
    const bool keep_alive = req.keep_alive();
    const auto target = std::string_view{req.target().data(), req.target().size()};
    if (target.rfind("/e/", 0) == 0)
      return endpoint_request(req, target.substr(3), keep_alive);
    if (target.rfind("/_ctl/", 0) == 0) {
      auto body = server_.control(req);
      if (body.empty())
        return respond(response_bytes(404, "{\"error\":\"no such control\"}", "application/json",
                                      0, keep_alive),
                       keep_alive, 0);
      return respond(response_bytes(200, body, "application/json", 0, keep_alive), keep_alive, 0);
    }
    respond(response_bytes(404, "not found", "text/plain", 0, keep_alive), keep_alive, 0);
  }

  void endpoint_request(const http::request<http::string_body>& req, std::string_view rest,
                        bool keep_alive) {
    const auto arrival = realtime_ns();
    auto& stats = server_.stats;
    stats.requests.fetch_add(1, std::memory_order_relaxed);
    const auto name = rest.substr(0, rest.find_first_of("/?"));
    if (name == "wrk") {
      stats.wrk.fetch_add(1, std::memory_order_relaxed);
      return respond(response_bytes(200, "ok", "text/plain", 0, keep_alive), keep_alive, 0);
    }
    auto ep = server_.table.find(name);
    if (!ep) {
      stats.unknown.fetch_add(1, std::memory_order_relaxed);
      return respond(response_bytes(404, "unknown endpoint", "text/plain", 0, keep_alive),
                     keep_alive, 0);
    }
    const auto id = field(req, "webhook-id");
    const bool sig_ok = signature_valid(server_.table.key(ep->index), id,
                                        field(req, "webhook-timestamp"), req.body(),
                                        field(req, "webhook-signature"));
    if (!sig_ok)
      stats.bad_signature.fetch_add(1, std::memory_order_relaxed);
    const auto since = seconds_between(server_.start_ns.load(std::memory_order_relaxed), arrival);
    const auto d =
        decide(*ep->group, server_.table.next_request_no(ep->index), since, unit_.rng);
    if (ep->group->record) {
      delivery_record r;
      r.arrival_ns = arrival;
      r.endpoint = ep->index;
      r.status = d.what == decision::kind::respond ? static_cast<std::uint16_t>(d.status) : 0;
      r.signature_ok = sig_ok ? 1 : 0;
      r.set_webhook_id(id);
      unit_.log.add(r);
    }
    const auto delay_us = static_cast<std::int64_t>(d.delay_ms * 1000.0);
    switch (d.what) {
      case decision::kind::hang:
        stats.hung.fetch_add(1, std::memory_order_relaxed);
        return hang();
      case decision::kind::close:
        stats.closed.fetch_add(1, std::memory_order_relaxed);
        if (delay_us > 0) {
          timer_.expires_after(std::chrono::microseconds{delay_us});
          timer_.async_wait([self = shared_from_this()](error_code) { self->close(); });
          return;
        }
        return close();
      case decision::kind::respond:
        (d.status >= 200 && d.status < 300 ? stats.ok : stats.failed)
            .fetch_add(1, std::memory_order_relaxed);
        return respond(response_bytes(d.status, "ok", "text/plain", d.retry_after_s, keep_alive),
                       keep_alive, delay_us);
    }
  }

  void respond(std::string bytes, bool keep_alive, std::int64_t delay_us) {
    out_ = std::move(bytes);
    if (delay_us > 0) {
      timer_.expires_after(std::chrono::microseconds{delay_us});
      timer_.async_wait([self = shared_from_this(), keep_alive](error_code ec) {
        if (!ec)
          self->write(keep_alive);
      });
      return;
    }
    write(keep_alive);
  }

  void write(bool keep_alive) {
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this(), keep_alive](error_code ec, std::size_t) {
                        if (ec || !keep_alive)
                          return self->close();
                        self->read();
                      });
  }

  /// Never answers: waits until the client gives up and closes (or the server stops).
  void hang() {
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](error_code ec) {
      if (ec)
        return self->close();
      char sink[4096];
      error_code rec;
      const auto n = self->socket_.read_some(asio::buffer(sink), rec);
      if (rec || n == 0)
        return self->close();
      self->hang();
    });
  }

  void close() {
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string out_;
  unit& unit_;
  receiver_server::impl& server_;
};

std::string query_value(std::string_view target, std::string_view key) {
  auto q = target.find('?');
  if (q == std::string_view::npos)
    return {};
  auto query = target.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == key)
      return std::string{pair.substr(eq + 1)};
    if (amp == std::string_view::npos)
      break;
    query = query.substr(amp + 1);
  }
  return {};
}

} // namespace

void receiver_server::impl::accept() {
  auto& target = *units[next_unit];
  next_unit = (next_unit + 1) % units.size();
  acceptor->async_accept(target.io, [this, &target](error_code ec, tcp::socket s) {
    if (ec == asio::error::operation_aborted || !acceptor->is_open())
      return;
    if (!ec) {
      auto sess = std::make_shared<session>(std::move(s), target, *this);
      asio::post(target.io, [sess] { sess->read(); });
    }
    accept();
  });
}

std::string receiver_server::impl::control(const http::request<http::string_body>& req) {
  const auto target = std::string_view{req.target().data(), req.target().size()};
  const auto path = target.substr(0, target.find('?'));
  std::size_t recorded = 0;
  for (auto& u : units)
    recorded += u->log.size();
  if (path == "/_ctl/stats") {
    return nlohmann::json{
        {"requests", stats.requests.load()},
        {"ok", stats.ok.load()},
        {"failed", stats.failed.load()},
        {"hung", stats.hung.load()},
        {"closed", stats.closed.load()},
        {"wrk", stats.wrk.load()},
        {"unknown_endpoint", stats.unknown.load()},
        {"bad_signature", stats.bad_signature.load()},
        {"connections_open", stats.open.load()},
        {"connections_peak", stats.peak.load()},
        {"connections_accepted", stats.accepted.load()},
        {"recorded", recorded},
        {"start_ns", start_ns.load()},
    }
        .dump();
  }
  if (path == "/_ctl/start") {
    start_ns = realtime_ns();
    stats.peak = stats.open.load();
    return nlohmann::json{{"start_ns", start_ns.load()}}.dump();
  }
  if (path == "/_ctl/reset_peak") {
    stats.peak = stats.open.load();
    return "{}";
  }
  if (path == "/_ctl/dump") {
    const auto file = query_value(target, "path");
    if (file.empty())
      return R"({"error":"path= is required"})";
    std::vector<delivery_record> all;
    all.reserve(recorded);
    for (auto& u : units)
      u->log.copy_to(all);
    number_attempts(all);
    try {
      write_records(file, all);
    } catch (const std::exception& e) {
      return nlohmann::json{{"error", e.what()}}.dump();
    }
    return nlohmann::json{{"records", all.size()}, {"path", file}}.dump();
  }
  if (path == "/_ctl/quit") {
    request_quit();
    return "{}";
  }
  return {};
}

receiver_server::receiver_server(receiver_options opts, endpoint_table& table)
    : impl_(std::make_unique<impl>(std::move(opts), table)) {}

receiver_server::~receiver_server() {
  stop();
}

std::uint16_t receiver_server::start() {
  auto& s = *impl_;
  const int n = std::max(1, s.opts.threads);
  for (int i = 0; i < n; ++i) {
    s.units.push_back(std::make_unique<unit>());
    s.units.back()->rng.seed(s.opts.seed * 1000003 + static_cast<std::uint64_t>(i));
  }
  auto& first = *s.units.front();
  tcp::endpoint where{asio::ip::make_address(s.opts.host), s.opts.port};
  s.acceptor.emplace(first.io);
  s.acceptor->open(where.protocol());
  s.acceptor->set_option(asio::socket_base::reuse_address(true));
  s.acceptor->bind(where);
  s.acceptor->listen(asio::socket_base::max_listen_connections);
  const auto port = s.acceptor->local_endpoint().port();
  s.accept();
  for (auto& u : s.units) {
    auto* raw = u.get();
    raw->thread = std::thread([raw] {
      auto guard = asio::make_work_guard(raw->io);
      raw->io.run();
    });
  }
  return port;
}

void receiver_server::wait() {
  std::unique_lock lock{impl_->quit_mutex};
  impl_->quit_cv.wait(lock, [&] { return impl_->quit; });
}

void receiver_server::stop() {
  auto& s = *impl_;
  if (s.stopped)
    return;
  s.stopped = true;
  s.request_quit();
  for (auto& u : s.units)
    u->io.stop();
  for (auto& u : s.units)
    if (u->thread.joinable())
      u->thread.join();
  s.acceptor.reset();
}

} // namespace hookd::bench
