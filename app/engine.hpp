#pragma once
// Assembles the delivery engine inside an actor system: store writer and reader, destinations,
// supervisor and dispatcher, wired together. The daemon (app/main.cpp) and the tests build it
// the same way; tests swap in their own destinations and keep every actor on CAF's scheduler so
// the test coordinator can drive virtual time.
//
// Start-up: construct, then send recover_atom to dispatcher() (or call recover_blocking());
// the engine takes new messages once recovery answered. Shutdown: shutdown_blocking() drains
// endpoint actors and flushes the store; the destructor stops every actor.
#include "actors/engine_context.hpp"
#include "actors/interfaces.hpp"
#include "actors/wall_clock.hpp"
#include "config/config.hpp"
#include "store/cluster_store.hpp"
#include "store/sqlite_store.hpp"
#include "store/store.hpp"

#include <caf/actor_system.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hookd {

/// Which store connection is being opened (a writer may tune itself for commits, a reader is
/// read-only).
enum class store_role { writer, reader };

/// Cluster mode: several nodes on one PostgreSQL (docs/cluster.md).
struct cluster_options {
  std::string node_id;
  /// A new connection for the membership actor (heartbeats, leases).
  std::function<std::unique_ptr<store::cluster_store>()> connect;
};

struct engine_options {
  /// Opens one store connection; called once for the writer and once for the reader.
  std::function<std::shared_ptr<store::store>(store_role)> open_store;
  /// The destinations endpoints send attempts to. Null: HTTP destinations per [http].
  std::function<std::vector<destination_actor>(caf::actor_system&)> make_destinations;
  /// Give the store actors their own threads (false under the test coordinator).
  bool detached_store = true;
  /// The wall-clock anchor; unset: anchored at construction. Tests share theirs.
  std::optional<wall_clock> clock;
  /// Cluster mode; unset: one node owning every endpoint.
  std::optional<cluster_options> cluster;
};

class engine {
public:
  engine(caf::actor_system& sys, std::shared_ptr<const config::config> cfg,
         const engine_options& opts);
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  const dispatcher_actor& dispatcher() const { return dispatcher_; }
  const supervisor_actor& supervisor() const { return supervisor_; }
  const store_writer_actor& writer() const { return writer_; }
  const store_reader_actor& reader() const { return reader_; }
  const engine_context_ptr& context() const { return ctx_; }
  /// Cluster mode's membership actor (null on one node).
  const cluster_membership_actor& membership() const { return membership_; }
  const config::config& cfg() const { return *cfg_; }

  /// Loads endpoints and re-creates actors for pending work; returns how many endpoints had
  /// pending deliveries. In cluster mode the node then starts its heartbeat and takes its share
  /// of the partitions (their actors come as it gains them). Blocks: not for use under the test
  /// coordinator.
  caf::expected<std::size_t> recover_blocking();

  /// Stops accepting, lets in-flight attempts finish, and flushes the store. Bounded by the
  /// longest endpoint's attempt timeout (timeout_ms, else http.attempt_timeout) plus a few
  /// seconds: attempts unfinished by then stay pending in the store and are attempted again
  /// after a restart. In cluster mode the node then releases its partitions, so the others take
  /// them over at once. Blocks: not for use under the test coordinator.
  void shutdown_blocking();

private:
  caf::actor_system& sys_;
  std::shared_ptr<const config::config> cfg_;
  engine_context_ptr ctx_;
  store_writer_actor writer_;
  store_reader_actor reader_;
  std::vector<destination_actor> destinations_;
  supervisor_actor supervisor_;
  dispatcher_actor dispatcher_;
  janitor_actor janitor_;
  cluster_membership_actor membership_;
};

/// SQLite settings per role: the writer checkpoints in the background (commits never pay for a
/// checkpoint), readers are read-only.
store::sqlite_options sqlite_options_for(store_role role);

/// engine_options::open_store for the SQLite database at `path`, with sqlite_options_for each role.
std::function<std::shared_ptr<store::store>(store_role)> open_sqlite_at(std::string path);

/// The actor-system configuration hookd runs with (message types registered, scheduler sized).
void configure_actor_system(caf::actor_system_config& cfg);

} // namespace hookd
