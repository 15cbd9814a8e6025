#pragma once
// One thread running one io_context with one http_client on it. CAF actors hand requests over
// with `submit` (thread-safe); completions run on the worker thread. One io_context per thread
// is the fastest arrangement measured here (docs/benchmarks.md, "The building blocks").
#include "net/http_client.hpp"

#include <memory>

namespace hookd::net {

class io_worker {
public:
  explicit io_worker(client_options opts);
  ~io_worker(); ///< stops the io_context and joins the thread (in-flight callbacks are dropped)
  io_worker(const io_worker&) = delete;
  io_worker& operator=(const io_worker&) = delete;

  /// Thread-safe: queues `req` onto the worker thread; `done` runs there.
  void submit(http_request req, http_client::callback done);

  /// Thread-safe: runs `fn` on the worker thread.
  void post(std::function<void()> fn);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace hookd::net
