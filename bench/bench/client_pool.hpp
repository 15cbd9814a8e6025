#pragma once
// The bench's HTTP/1.1 client: `connections` keep-alive connections to 127.0.0.1:`port` on one
// io thread, each taking the next job from a job_source as soon as its previous exchange ended.
// Requests are pre-serialised bytes (cheaper than Beast's serializer: docs/benchmarks.md);
// responses are parsed by Beast. A broken connection is reopened for the next job.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hookd::bench {

struct job {
  std::string request; ///< complete HTTP/1.1 request bytes
  std::uint64_t tag = 0;
  int tries = 0;       ///< how many times it was sent before (set by the pool)
};

struct reply {
  int status = 0;         ///< 0: no answer
  std::string body;
  std::string retry_after;
  bool sent = false;      ///< the request was written (false: connect or write failed)
  std::string error;      ///< why there is no answer
  std::int64_t sent_ns = 0, done_ns = 0; ///< CLOCK_REALTIME
};

class job_source {
public:
  virtual ~job_source() = default;
  /// The next job; nullopt with `wait` > 0: ask again after `wait`; nullopt with `wait` == 0:
  /// no more jobs for this connection.
  virtual std::optional<job> next(std::chrono::nanoseconds& wait) = 0;
  /// A job's outcome; return a delay to send it again (tries + 1), nullopt when done with it.
  virtual std::optional<std::chrono::milliseconds> finished(job& j, const reply& r) = 0;
};

/// Runs until every connection has run out of jobs. `limit` bounds each connect/write/read.
void run_jobs(std::uint16_t port, std::size_t connections, job_source& source,
              std::chrono::milliseconds limit = std::chrono::seconds{60});
/// The same over several hookd nodes: connection i starts on ports[i % n] and moves to the
/// next port when a connect fails (its node is down).
void run_jobs(const std::vector<std::uint16_t>& ports, std::size_t connections, job_source& source,
              std::chrono::milliseconds limit = std::chrono::seconds{60});

/// "METHOD target HTTP/1.1" + Host + Content-Type/Length (with a body) + `extra_headers`
/// (each "Name: value\r\n") + body.
std::string format_request(std::string_view method, std::string_view target, std::uint16_t port,
                           std::string_view body = {}, std::string_view extra_headers = {});

/// One request on a fresh connection (for control calls and polling).
reply call(std::uint16_t port, std::string_view method, std::string_view target,
           std::string_view body = {},
           std::chrono::milliseconds limit = std::chrono::seconds{10});

} // namespace hookd::bench
