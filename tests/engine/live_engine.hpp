#pragma once
// The whole engine in real time, delivering over real HTTP to test receivers on 127.0.0.1: a
// real actor system (default scheduler, 2 workers), a SQLite store in a temp dir, the default
// HTTP destinations, and a config whose retry/timeout durations are compressed to fractions of
// a second. Tests drive it with blocking helpers (submit, create endpoint) and observe it through
// a separate read-only store connection, polled with wait_until (never fixed long sleeps).
#include "app/engine.hpp"
#include "store/store.hpp"
#include "tests/support/live_helpers.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_receiver.hpp"

#include <caf/all.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hookd::testing {

// -- the engine -------------------------------------------------------------------------------

class live_engine {
public:
  using tuner = std::function<void(config::config&)>;

  /// Starts the engine on a fresh store with compressed_config() adjusted by `tune`, and
  /// recovers it (nothing to recover).
  explicit live_engine(const tuner& tune = {});
  ~live_engine();
  live_engine(const live_engine&) = delete;
  live_engine& operator=(const live_engine&) = delete;

  const config::config& cfg() const { return *cfg_; }
  engine& eng() { return *engine_; }
  caf::actor_system& sys() { return *sys_; }

  /// Creates an enabled endpoint through the dispatcher (fresh secret); returns its id.
  /// `adjust` may change its settings (rate limit, scheme, ...) before it is stored.
  std::string add_endpoint(const std::string& url, std::vector<std::string> event_types = {},
                           const std::function<void(store::endpoint_record&)>& adjust = {});
  const std::string& secret_of(const std::string& endpoint_id) const;

  /// Submits a message (to `endpoint_id` alone, or fanned out by `event_type` when empty) and
  /// returns its id once it is committed; fails the test on error.
  std::string submit(const std::string& payload, const std::string& endpoint_id = {},
                     const std::string& event_type = "test.event");

  /// The live endpoint actor (invalid when none).
  caf::actor endpoint_actor_of(const std::string& endpoint_id);

  // Reads through the read-only connection: what is committed.
  std::vector<store::delivery_record> deliveries_of(const std::string& message_id);
  /// The message's delivery to `endpoint_id` (or its only delivery when empty).
  store::delivery_record delivery(const std::string& message_id,
                                  const std::string& endpoint_id = {});
  std::vector<store::attempt_record> attempts_of(const std::string& message_id);
  std::optional<store::endpoint_record> endpoint(const std::string& id);

  /// True when the message's delivery (see `delivery`) has `status`.
  bool delivery_is(const std::string& message_id, delivery_status status,
                   const std::string& endpoint_id = {});

  /// engine::shutdown_blocking().
  void shutdown();
  /// Stops the engine and its actor system (a restart as far as the store can tell).
  void stop();
  /// Starts a new actor system and engine on the same store file, then recovers; returns what
  /// recovery reported (endpoints with pending work).
  std::size_t start();

private:
  template <class Reply, class Handle, class... Ts>
  Reply ask(const Handle& dest, Ts&&... xs);

  temp_dir dir_;
  std::string db_path_;
  std::shared_ptr<const config::config> cfg_;
  std::unique_ptr<caf::actor_system_config> sys_cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  std::unique_ptr<engine> engine_;
  std::unique_ptr<store::store> inspector_;
  std::map<std::string, std::string> secrets_;
};

} // namespace hookd::testing
