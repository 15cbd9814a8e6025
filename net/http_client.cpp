#include "net/http_client.hpp"

#include "net/client_core.hpp"

namespace hookd::net {

struct http_client::impl {
  std::shared_ptr<client_core> core;
};

http_client::http_client(boost::asio::io_context& io, client_options opts)
    : impl_(std::make_unique<impl>(impl{std::make_shared<client_core>(io, std::move(opts))})) {}

http_client::~http_client() {
  impl_->core->shutdown();
}

void http_client::send(http_request req, callback done) {
  impl_->core->send(std::move(req), std::move(done));
}

void http_client::close_idle() {
  impl_->core->close_idle();
}

std::size_t http_client::in_flight() const {
  return impl_->core->in_flight();
}

std::size_t http_client::idle_connections() const {
  return impl_->core->idle_connections();
}

} // namespace hookd::net
