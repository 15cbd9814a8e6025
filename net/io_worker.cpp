#include "net/io_worker.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <pthread.h>

#include <thread>

namespace hookd::net {

namespace asio = boost::asio;

struct io_worker::impl {
  asio::io_context io{1}; // one thread runs it: no locking inside asio
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::unique_ptr<http_client> client;
  std::thread thread;

  void run() {
    pthread_setname_np(pthread_self(), "hookd-io");
    for (;;) {
      try {
        io.run();
        return; // stopped
      } catch (...) {
        // Only a function handed to post() can throw here: the client ends a request whose
        // step throws with an error result (net/client_core.hpp) and swallows callback
        // exceptions, so no request is lost here. Keep serving the others.
      }
    }
  }
};

io_worker::io_worker(client_options opts) : impl_(std::make_unique<impl>()) {
  impl_->client = std::make_unique<http_client>(impl_->io, std::move(opts));
  impl_->thread = std::thread([this] { impl_->run(); });
}

io_worker::~io_worker() {
  impl_->work.reset();
  impl_->io.stop();
  impl_->thread.join();
  // The io thread is gone: closing the client here cannot race with it. Handlers still queued
  // (and the callbacks they own) are destroyed with the io_context.
  impl_->client.reset();
}

void io_worker::submit(http_request req, http_client::callback done) {
  asio::post(impl_->io,
             [client = impl_->client.get(), req = std::move(req),
              done = std::move(done)]() mutable { client->send(std::move(req), std::move(done)); });
}

void io_worker::post(std::function<void()> fn) {
  asio::post(impl_->io, std::move(fn));
}

} // namespace hookd::net
