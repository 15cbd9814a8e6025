#include "net/client_core.hpp"

#include "net/failure.hpp"
#include "net/http_session.hpp"
#include "net/request_head.hpp"
#include "net/tls_context.hpp"

#include <boost/asio/post.hpp>

#include <exception>
#include <utility>

namespace hookd::net {

namespace {

http_response refusal(attempt_error error, std::string detail) {
  http_response resp;
  resp.error = error;
  resp.error_detail = std::move(detail);
  return resp;
}

} // namespace

client_core::client_core(boost::asio::io_context& io, client_options opts)
    : io_(io), opts_(std::move(opts)), pool_(opts_.max_idle_per_origin, opts_.max_idle_total),
      resolver_(opts_.resolver_threads, opts_.resolve) {
  auto tls = make_client_tls_context(opts_.ca_file);
  tls_ = std::move(tls.context);
  tls_error_ = std::move(tls.error);
}

void client_core::send(http_request r, http_client::callback done) {
  std::unique_ptr<pending_request> req;
  try {
    req = std::make_unique<pending_request>();
  } catch (...) { // not even the request's bookkeeping: answer at once
    auto f = classify_exception(std::current_exception());
    if (done)
      done(refusal(f.error, std::move(f.detail)));
    return;
  }
  ++in_flight_;
  req->start = steady_clock::now();
  req->deadline = req->start + r.total_timeout;
  req->connect_timeout = r.connect_timeout;
  req->body = std::move(r.body);
  req->done = std::move(done);
  try {
    if (auto refused = prepare(*req, r); refused.error != attempt_error::none)
      return complete_later(std::move(req), std::move(refused));
  } catch (...) {
    auto f = classify_exception(std::current_exception());
    return complete_later(std::move(req), refusal(f.error, std::move(f.detail)));
  }
  dispatch(std::move(req));
}

http_response client_core::prepare(pending_request& req, const http_request& r) const {
  auto parsed = parse_url(r.url);
  if (!parsed)
    return refusal(attempt_error::invalid_url, std::move(parsed.error));
  req.target = std::move(*parsed.value);
  if (req.target.is_https() && !tls_)
    return refusal(attempt_error::tls, tls_error_);
  auto head =
      build_request_head(req.target, r.headers, req.body ? req.body->size() : 0, opts_.user_agent);
  if (!head.error.empty())
    return refusal(attempt_error::protocol, "invalid request: " + head.error);
  req.head = std::move(head.head);
  req.origin = req.target.origin();
  return {};
}

void client_core::dispatch(std::unique_ptr<pending_request> req) {
  if (auto parked = pool_.take(req->origin))
    return parked->reuse(std::move(req));
  open_fresh(std::move(req));
}

void client_core::open_fresh(std::unique_ptr<pending_request> req) {
  std::shared_ptr<http_session> s;
  try {
    // Throws when the process is short of descriptors (the io_context's reactor is created with
    // the first socket or timer) or memory (TLS state).
    s = std::make_shared<http_session>(shared_from_this(), req->target);
  } catch (...) {
    auto f = classify_exception(std::current_exception());
    return complete_later(std::move(req), refusal(f.error, std::move(f.detail)));
  }
  s->open(std::move(req)); // catches its own steps' exceptions
}

void client_core::finish(const std::shared_ptr<http_session>& s,
                         std::unique_ptr<pending_request> req, exchange_result r) {
  if (r.retry_fresh && !req->retried && !closed_) {
    s->close();
    req->retried = true;
    return open_fresh(std::move(req));
  }
  // Park before completing, so a request sent from the callback can reuse this connection.
  connection_pool::put_result parked;
  if (r.reusable && !closed_)
    parked = pool_.put(s->origin(), s);
  if (parked.evicted) // the pool was full: the connection parked longest ago made room
    parked.evicted->close();
  if (parked.stored) {
    try {
      s->park(opts_.idle_timeout);
    } catch (...) { // cannot watch it: don't keep it
      pool_.remove(s->origin(), s.get());
      s->close();
    }
  } else {
    s->close();
  }
  complete(std::move(req), std::move(r.response));
}

void client_core::forget_idle(const std::string& origin, const http_session* s) {
  pool_.remove(origin, s);
}

void client_core::close_idle() {
  for (auto& s : pool_.take_all())
    s->close();
}

void client_core::shutdown() {
  closed_ = true;
  close_idle();
  resolver_.shutdown(); // no lookup answer is posted to the io_context from now on
}

void client_core::complete(std::unique_ptr<pending_request> req, http_response resp) {
  --in_flight_;
  resp.elapsed = std::chrono::duration_cast<duration>(steady_clock::now() - req->start);
  auto done = std::move(req->done);
  req.reset();
  if (!done)
    return;
  try {
    done(std::move(resp));
  } catch (...) {
    // The contract: nothing escapes into the io loop. A throwing callback is a caller bug.
  }
}

void client_core::complete_later(std::unique_ptr<pending_request> req, http_response resp) {
  // Shared, so that the request survives a post that fails to allocate: then it completes now.
  using parcel_type = std::pair<std::unique_ptr<pending_request>, http_response>;
  std::shared_ptr<parcel_type> parcel;
  try {
    parcel = std::make_shared<parcel_type>(std::move(req), std::move(resp));
  } catch (...) { // nothing was moved yet (the allocation failed)
    return complete(std::move(req), std::move(resp));
  }
  try {
    boost::asio::post(io_, [self = shared_from_this(), parcel] {
      self->complete(std::move(parcel->first), std::move(parcel->second));
    });
  } catch (...) {
    complete(std::move(parcel->first), std::move(parcel->second));
  }
}

} // namespace hookd::net
