#pragma once
// The whole engine under CAF's test coordinator: virtual time, one message at a time, a real
// SQLite store in a temp dir, and a scripted destination standing in for the network.
#include "actors/wall_clock.hpp"
#include "app/engine.hpp"
#include "tests/support/temp_dir.hpp"

#include <caf/all.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hookd::testing {

/// What the scripted destination does with one attempt.
struct scripted_reply {
  int status = 200;
  attempt_error error = attempt_error::none;
  std::string retry_after;
  bool hang = false; ///< never answer (the promise stays open)
};

/// One attempt the destination saw, with the virtual wall time it arrived.
struct seen_attempt {
  attempt_request request;
  time_point at;
};

using script = std::function<scripted_reply(const attempt_request&)>;

/// A reply with HTTP status `code`.
inline scripted_reply status(int code) {
  return scripted_reply{code, attempt_error::none, {}, false};
}

/// A script answering from a fixed sequence, then `rest` forever.
inline script sequence(std::vector<scripted_reply> first, scripted_reply rest) {
  auto calls = std::make_shared<std::size_t>(0);
  return [=](const attempt_request&) {
    const auto i = (*calls)++;
    return i < first.size() ? first[i] : rest;
  };
}

class vtime_engine {
public:
  /// `prepare_store`, when given, writes to the database file before the engine starts (a
  /// store left by an earlier run); otherwise recovery must find no pending work.
  explicit vtime_engine(std::function<void(config::config&)> tune = {},
                        std::function<void(const std::string& path)> prepare_store = {});
  ~vtime_engine();

  caf::actor_system& sys() { return *sys_; }
  caf::scheduler::test_coordinator& sched() { return *sched_; }
  /// What recovery answered: endpoints with pending deliveries.
  std::size_t recovered() const { return recovered_; }
  engine& eng() { return *engine_; }
  time_point now() const;

  /// Runs every queued message (no time passes).
  void run();
  /// Lets virtual time pass, firing each timer at its own instant, until `now() + d`.
  void advance(duration d);

  /// Replaces the destination's behaviour for the endpoint with this URL.
  void script_for(const std::string& url, script s);
  const std::vector<seen_attempt>& attempts() const { return *seen_; }
  std::vector<seen_attempt> attempts_to(const std::string& url) const;

  /// Creates an enabled endpoint and returns its id; `adjust` may change its settings first.
  std::string add_endpoint(const std::string& url, std::vector<std::string> event_types = {},
                           const std::function<void(store::endpoint_record&)>& adjust = {});
  /// Submits a message; returns its id (empty on error, with `last_error` set).
  std::string submit(const std::string& event_type, const std::string& payload,
                     const std::string& endpoint_id = {});
  caf::error last_error;

  /// Sends `n` submits before letting any actor run (so they are all in flight at once);
  /// returns each message id, empty for those refused (last_error holds the last error).
  std::vector<std::string> submit_concurrently(std::size_t n, const std::string& event_type,
                                               const std::string& payload);

  /// Reads through a fresh store connection (what is committed).
  std::vector<store::delivery_record> deliveries_of(const std::string& message_id);
  std::optional<store::endpoint_record> endpoint(const std::string& id);

  /// The database file (e.g. for a second connection that holds the write lock).
  std::string db_path() const { return dir_.file("hookd.db"); }

  /// The live endpoint actor (invalid if none).
  caf::actor endpoint_actor_of(const std::string& endpoint_id);

  config::config cfg;

private:
  template <class Reply, class... Ts>
  Reply ask(const caf::actor& dest, Ts... xs);

  temp_dir dir_;
  wall_clock clock_;
  std::unique_ptr<caf::actor_system_config> sys_cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  caf::scheduler::test_coordinator* sched_ = nullptr;
  std::shared_ptr<std::vector<seen_attempt>> seen_;
  std::shared_ptr<std::unordered_map<std::string, script>> scripts_;
  std::unique_ptr<engine> engine_;
  std::unique_ptr<store::store> inspector_;
  std::unique_ptr<caf::scoped_actor> self_;
  std::size_t recovered_ = 0;
};

} // namespace hookd::testing
