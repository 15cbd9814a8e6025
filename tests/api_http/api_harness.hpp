#pragma once
// hookd's HTTP API in process, wired as app/main.cpp wires it: a real actor system (2 workers),
// the engine on a SQLite store in a temp dir with compressed retry/timeout durations
// (compressed_config), api::api_service, and net::http_server on 127.0.0.1 with an ephemeral
// port. Configured with an API token and a 4 KiB body limit unless a test tunes otherwise.
//
// Tests speak HTTP to it through http_connection (tests/support/http_exchange.hpp); the harness
// adds the bearer token, parses JSON answers, and offers a few blocking shortcuts (create an
// endpoint, post a message) that fail the test on an unexpected status. A separate read-only
// store connection shows what is committed.
#include "app/engine.hpp"
#include "config/config.hpp"
#include "store/store.hpp"
#include "tests/support/api_json.hpp"
#include "tests/support/http_exchange.hpp"
#include "tests/support/live_helpers.hpp"
#include "tests/support/temp_dir.hpp"

#include <caf/fwd.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace hookd::api {
class api_service;
}
namespace hookd::net {
class http_server;
}

namespace hookd::testing {

/// The current wall-clock time as the API writes times (RFC 3339 UTC, milliseconds), shifted by
/// `offset`.
std::string api_time(std::chrono::milliseconds offset = std::chrono::milliseconds{0});

class api_harness {
public:
  using tuner = std::function<void(config::config&)>;
  static constexpr const char* token = "test-token-3f9a";

  explicit api_harness(const tuner& tune = {});
  ~api_harness();
  api_harness(const api_harness&) = delete;
  api_harness& operator=(const api_harness&) = delete;

  std::uint16_t port() const;
  const config::config& cfg() const { return *cfg_; }
  /// The committed state, through a read-only connection. Not thread-safe.
  store::store& inspector() { return *inspector_; }
  const std::string& db_path() const { return db_path_; }
  /// "http://127.0.0.1:<port><target>".
  std::string url(std::string_view target) const;

  /// `extra` plus "Authorization: Bearer <token>".
  static header_list with_token(header_list extra = {});

  /// One request with the token on the harness's own keep-alive connection (thread-safe).
  http_response call(std::string_view method, std::string_view target, std::string_view body = {},
                     const header_list& extra = {});
  /// The same without Authorization.
  http_response call_anonymous(std::string_view method, std::string_view target,
                               std::string_view body = {}, const header_list& extra = {});

  // -- shortcuts that REQUIRE the documented success status --------------------------------------
  /// POST /v1/endpoints with {"url": url} merged into `fields`; the 201 body.
  json create_endpoint(const std::string& url, json fields = json::object());
  /// POST /v1/messages; the 202 body.
  json post_message(const std::string& event_type, const std::string& payload_text,
                    const std::string& endpoint_id = {});
  json get_message(const std::string& message_id);
  json get_endpoint(const std::string& endpoint_id);
  /// The message's delivery to `endpoint_id` from GET /v1/messages/{id}.
  json delivery_of(const std::string& message_id, const std::string& endpoint_id);
  /// Polls GET /v1/messages/{id} until that delivery has `status` (bounded).
  bool wait_for_delivery(const std::string& message_id, const std::string& endpoint_id,
                         const std::string& status,
                         std::chrono::milliseconds timeout = std::chrono::seconds{5});

private:
  temp_dir dir_;
  std::string db_path_;
  std::shared_ptr<const config::config> cfg_;
  std::unique_ptr<caf::actor_system_config> sys_cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  std::unique_ptr<engine> engine_;
  std::unique_ptr<api::api_service> api_;
  std::unique_ptr<net::http_server> server_;
  std::unique_ptr<store::store> inspector_;
  std::mutex conn_mutex_;
  std::unique_ptr<http_connection> conn_;
};

} // namespace hookd::testing
