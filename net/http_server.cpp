#include "net/http_server.hpp"

#include "net/server_session.hpp"
#include "net/server_unit.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <future>
#include <thread>
#include <vector>

// Threads. With `threads` > 1 each io thread runs its own io_context; one acceptor, on the
// first, hands every accepted socket to the next io_context in turn (except one that takes an
// idle connection's slot at max_connections: it moves to that connection's io_context). Why:
// - docs/benchmarks.md (building blocks): on this machine two threads on one shared
//   io_context gained nothing over one thread (and lost at 8 connections), while one
//   io_context per thread gained 0–24%. A single-threaded io_context also lets sessions run
//   without strands or locks.
// - One acceptor rather than one per thread with SO_REUSEPORT: producers keep their
//   connections alive, so accepting is rare and one thread does it easily. SO_REUSEPORT would
//   also let a second hookd on the same port bind without an error and silently take half of
//   the new connections, and `start` could no longer promise "address in use".

namespace hookd::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using namespace std::chrono_literals;

std::string_view server_request::header(std::string_view lowercase_name) const {
  for (const auto& [name, value] : headers)
    if (name == lowercase_name)
      return value;
  return {};
}

namespace {

constexpr auto accept_retry_delay = 50ms; ///< after an accept error such as EMFILE

enum class run_state : std::uint8_t { idle, running, stopped };

std::string describe_bind_error(const std::string& where, const error_code& ec) {
  if (ec == asio::error::address_in_use)
    return where + ": address in use";
  if (ec == boost::system::errc::address_not_available)
    return where + ": address not available on this host";
  if (ec == asio::error::access_denied)
    return where + ": permission denied";
  return where + ": " + ec.message();
}

} // namespace

struct http_server::impl {
  impl(server_options opts, handler_fn handler)
      : shared(std::make_shared<server_shared>(std::move(opts), std::move(handler))) {}

  using work_guard = asio::executor_work_guard<asio::io_context::executor_type>;

  std::shared_ptr<server_shared> shared;
  std::vector<std::shared_ptr<io_unit>> units;
  std::vector<work_guard> guards;
  std::vector<std::thread> threads;
  std::optional<tcp::acceptor> acceptor;   ///< on units[0]'s thread
  std::optional<asio::steady_timer> retry; ///< accept retry, on units[0]'s thread
  std::size_t next_unit = 0;               ///< round-robin cursor (units[0]'s thread)
  std::atomic<std::uint16_t> port{0};
  std::atomic<run_state> state{run_state::idle};
  std::mutex lifecycle; ///< serialises start and stop

  std::optional<std::string> start();
  void stop_accepting();
  void stop();

  /// How an accepted connection is let in: with the slot reserved at accept, or (the server
  /// being full) by taking the slot of the unit's oldest idle connection, else 503.
  enum class admission : std::uint8_t { counted, evict_idle };

  void accept();
  void on_accept(std::shared_ptr<io_unit> target, error_code ec,
                 server_session::socket_type socket);
  /// Moves an accepted socket (no operation pending) to `io`, so that its completions run on
  /// that io_context's thread; false (socket closed) when the connection is already gone.
  static bool rebind(server_session::socket_type& socket, asio::io_context& io);
  /// Takes one of the max_connections slots if one is free.
  static bool reserve_slot(server_shared& shared);
  /// The unit whose oldest idle connection has been idle longest; null when none is idle.
  std::shared_ptr<io_unit> unit_with_oldest_idle() const;
  static void start_session(const std::shared_ptr<io_unit>& unit,
                            server_session::socket_type socket, admission admit);
  /// On a unit's thread: closes the acceptor (unit 0) and every session; lets run() return.
  void close_all(std::size_t index);
  void run(std::size_t index);
};

// ---- start ------------------------------------------------------------------------------------

std::optional<std::string> http_server::impl::start() {
  std::lock_guard lock(lifecycle);
  if (state != run_state::idle)
    return std::string(state == run_state::running ? "the server is already running"
                                                   : "a stopped server does not start again");
  const auto& opts = shared->opts;
  std::string where = opts.host + ":" + std::to_string(opts.port);
  std::size_t count = static_cast<std::size_t>(std::max(1, opts.threads));
  for (std::size_t i = 0; i < count; ++i)
    units.push_back(std::make_shared<io_unit>(shared));
  auto& io0 = units.front()->io;

  error_code ec;
  auto address = asio::ip::make_address(opts.host, ec);
  if (ec) { // a name: resolved once, first address
    tcp::resolver resolver(io0);
    auto results =
        resolver.resolve(opts.host, std::to_string(opts.port), tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
      units.clear();
      return where + ": cannot resolve host" + (ec ? " (" + ec.message() + ")" : "");
    }
    address = results.begin()->endpoint().address();
  }
  tcp::endpoint endpoint(address, opts.port);
  acceptor.emplace(io0);
  auto fail = [&](const error_code& e) {
    acceptor.reset();
    units.clear();
    return describe_bind_error(where, e);
  };
  if (acceptor->open(endpoint.protocol(), ec); ec)
    return fail(ec);
  // SO_REUSEADDR: restart while old connections sit in TIME_WAIT. It does not allow binding a
  // port another socket listens on (that is SO_REUSEPORT, deliberately not set).
  if (acceptor->set_option(tcp::acceptor::reuse_address(true), ec); ec)
    return fail(ec);
  if (acceptor->bind(endpoint, ec); ec)
    return fail(ec);
  if (acceptor->listen(asio::socket_base::max_listen_connections, ec); ec)
    return fail(ec);
  port = acceptor->local_endpoint(ec).port();
  retry.emplace(io0);

  for (auto& u : units)
    guards.push_back(asio::make_work_guard(u->io));
  state = run_state::running;
  asio::post(io0, [this] { accept(); });
  for (std::size_t i = 0; i < units.size(); ++i)
    threads.emplace_back([this, i] { run(i); });
  return std::nullopt;
}

void http_server::impl::run(std::size_t index) {
  pthread_setname_np(pthread_self(), "hookd-http");
  for (;;) {
    try {
      units[index]->io.run();
      return; // out of work: close_all ran and every session ended
    } catch (...) {
      // Sessions and handlers throw nothing out of their completions (the handler's exceptions
      // are caught where it is called); keep serving the other connections regardless.
    }
  }
}

// ---- accepting --------------------------------------------------------------------------------

void http_server::impl::accept() {
  auto target = units[next_unit++ % units.size()];
  auto& ctx = target->io;
  acceptor->async_accept(ctx, [this, target = std::move(target)](
                                  error_code ec, server_session::socket_type socket) mutable {
    on_accept(std::move(target), ec, std::move(socket));
  });
}

void http_server::impl::on_accept(std::shared_ptr<io_unit> target, error_code ec,
                                  server_session::socket_type socket) {
  if (!acceptor->is_open())
    return; // stop_accepting / stop
  if (ec) {
    // EMFILE and friends: the connection stays in the backlog, and accepting again at once
    // would spin. Try again shortly.
    retry->expires_after(accept_retry_delay);
    retry->async_wait([this](error_code e) {
      if (!e && acceptor->is_open())
        accept();
    });
    return;
  }
  // Reserve the slot here, on the accepting thread, so a burst cannot overshoot the limit.
  auto admit = reserve_slot(*shared) ? admission::counted : admission::evict_idle;
  if (admit == admission::evict_idle) // full: take the oldest idle connection's slot, if any
    if (auto oldest = unit_with_oldest_idle(); oldest && oldest != target) {
      // The session will live on the oldest's unit: its socket must complete on that unit's
      // thread too, so move it from the io_context it was accepted on.
      if (!rebind(socket, oldest->io)) {
        accept();
        return; // the connection is gone already
      }
      target = std::move(oldest);
    }
  if (target == units.front()) {
    start_session(target, std::move(socket), admit);
  } else {
    bool posted =
        target->post_unless_stopped([target, socket = std::move(socket), admit]() mutable {
          start_session(target, std::move(socket), admit);
        });
    if (!posted && admit == admission::counted)
      shared->open.fetch_sub(1, std::memory_order_relaxed);
  }
  accept();
}

bool http_server::impl::rebind(server_session::socket_type& socket, asio::io_context& io) {
  error_code ec;
  auto protocol = socket.local_endpoint(ec).protocol();
  if (ec)
    return false;
  auto handle = socket.release(ec); // no operation is pending on it yet
  if (ec)
    return false;
  server_session::socket_type rebound(io);
  if (rebound.assign(protocol, handle, ec); ec) {
    ::close(handle);
    return false;
  }
  socket = std::move(rebound);
  return true;
}

bool http_server::impl::reserve_slot(server_shared& shared) {
  if (shared.open.fetch_add(1, std::memory_order_relaxed) < shared.opts.max_connections)
    return true;
  shared.open.fetch_sub(1, std::memory_order_relaxed);
  return false;
}

std::shared_ptr<io_unit> http_server::impl::unit_with_oldest_idle() const {
  std::shared_ptr<io_unit> best;
  auto best_since = io_unit::none_idle;
  for (const auto& u : units)
    if (auto since = u->oldest_idle.load(std::memory_order_relaxed); since < best_since) {
      best_since = since;
      best = u;
    }
  return best;
}

void http_server::impl::start_session(const std::shared_ptr<io_unit>& unit,
                                      server_session::socket_type socket, admission admit) {
  if (unit->closed) { // the server stopped meanwhile; the socket closes with this scope
    if (admit == admission::counted)
      unit->shared->open.fetch_sub(1, std::memory_order_relaxed);
    return;
  }
  bool counted = admit == admission::counted;
  if (!counted && !unit->idle.empty() && !unit->shared->draining) {
    auto oldest = unit->idle.front()->shared_from_this(); // alive through its close
    oldest->yield_slot();                                 // the oldest idle connection makes room
    counted = true;
  } else if (!counted) {
    counted = reserve_slot(*unit->shared); // a slot may have come free meanwhile
  }
  auto session = std::make_shared<server_session>(unit, std::move(socket), counted);
  if (counted)
    session->start();
  else
    session->start_rejected();
}

// ---- stopping ---------------------------------------------------------------------------------

void http_server::impl::stop_accepting() {
  if (state != run_state::running)
    return;
  shared->draining = true;
  auto close_acceptor = [this] {
    error_code ignored;
    if (acceptor)
      acceptor->close(ignored);
    if (retry)
      retry->cancel();
  };
  auto& unit0 = *units.front();
  if (unit0.io.get_executor().running_in_this_thread()) {
    close_acceptor();
  } else {
    // Wait, so that a connect after this returns is refused. If the server stops meanwhile
    // the task is dropped (or run by close_all's thread first); either way the acceptor closes.
    auto task = std::make_shared<std::packaged_task<void()>>(close_acceptor);
    auto done = task->get_future();
    if (unit0.post_unless_stopped([task] { (*task)(); }))
      while (done.wait_for(10ms) != std::future_status::ready && state == run_state::running) {
      }
  }
  for (auto& u : units)
    u->post_unless_stopped([u] {
      std::vector<std::shared_ptr<server_session>> open(u->sessions.begin(), u->sessions.end());
      for (auto& s : open)
        s->drain();
    });
}

void http_server::impl::close_all(std::size_t index) {
  auto& unit = *units[index];
  unit.closed = true;
  if (index == 0) {
    error_code ignored;
    if (acceptor)
      acceptor->close(ignored);
    if (retry)
      retry->cancel();
  }
  auto open = std::move(unit.sessions);
  unit.sessions.clear();
  for (auto& s : open)
    s->abort();
  guards[index].reset(); // run() returns once the aborted operations have completed
}

void http_server::impl::stop() {
  std::lock_guard lock(lifecycle);
  if (state.exchange(run_state::stopped) != run_state::running)
    return;
  shared->draining = true;
  for (auto& u : units)
    u->close_gate(); // responds from now on are dropped: nothing would run them
  for (std::size_t i = 0; i < units.size(); ++i)
    asio::post(units[i]->io, [this, i] { close_all(i); });
  for (auto& t : threads)
    t.join();
  threads.clear();
  guards.clear();
  acceptor.reset();
  retry.reset();
  // The handler may own `respond` copies, which own the units: break that cycle now that no
  // io thread can call the handler any more.
  auto handler = std::move(shared->handler);
  shared->handler = nullptr;
}

// ---- http_server ------------------------------------------------------------------------------

http_server::http_server(server_options opts, handler_fn handler)
    : impl_(std::make_unique<impl>(std::move(opts), std::move(handler))) {}

http_server::~http_server() {
  stop();
}

std::optional<std::string> http_server::start() {
  return impl_->start();
}

std::uint16_t http_server::port() const {
  return impl_->port;
}

void http_server::stop_accepting() {
  impl_->stop_accepting();
}

void http_server::stop() {
  impl_->stop();
}

std::size_t http_server::open_connections() const {
  return impl_->shared->open.load(std::memory_order_relaxed);
}

} // namespace hookd::net
