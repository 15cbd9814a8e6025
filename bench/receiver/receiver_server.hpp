#pragma once
// hookd-receiver's HTTP server: plays every endpoint of a scenario on one port.
//
// - POST /e/<group>-<index>: the endpoint's scripted answer (behaviour.hpp), after checking the
//   Standard Webhooks signature and recording the request (delivery_record) unless the group
//   says record = false.
// - any method on /e/wrk: 200 "ok", counted but not recorded (the wrk baseline).
// - /_ctl/stats (GET), /_ctl/start, /_ctl/dump?path=FILE, /_ctl/quit (POST): control for the
//   bench; see README.md.
// Threads: `threads` io threads, one io_context each; the acceptor on the first hands sockets
// round-robin to all (the layout hookd's own server uses).
#include "bench/receiver/endpoint_table.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace hookd::bench {

struct receiver_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0; ///< 0: ephemeral
  int threads = 1;
  std::uint64_t seed = 1; ///< for the random parts of the script
};

class receiver_server {
public:
  receiver_server(receiver_options opts, endpoint_table& table);
  ~receiver_server();
  receiver_server(const receiver_server&) = delete;
  receiver_server& operator=(const receiver_server&) = delete;

  /// Binds and starts the io threads; returns the bound port. Throws on failure.
  std::uint16_t start();
  /// Blocks until POST /_ctl/quit or stop() from another thread (e.g. a signal handler thread).
  void wait();
  void stop();

  struct impl; ///< (public only so the .cpp's session type can name it)

private:
  std::unique_ptr<impl> impl_;
};

} // namespace hookd::bench
