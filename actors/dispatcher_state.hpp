#pragma once
// The dispatcher's state and the helpers its handlers share (private to actors/dispatcher*.cpp).
#include "actors/dispatcher.hpp"
#include "actors/endpoint_actor.hpp"
#include "actors/guarded_promise.hpp"
#include "delivery/endpoint_ownership.hpp"
#include "delivery/endpoint_registry.hpp"
#include "delivery/parked_endpoints.hpp"
#include "logging/logger.hpp"
#include "policy/ids.hpp"

#include <caf/all.hpp>

#include <unordered_map>
#include <variant>

namespace hookd::dispatch {

struct live_endpoint {
  endpoint_actor actor;
  std::uint64_t sent = 0; ///< deliver_jobs messages sent (the idle handshake compares)
};

struct dispatcher_state {
  static inline const char* name = "hookd.dispatcher";
  dispatcher_deps deps;
  delivery::endpoint_registry registry;
  /// Whose actors run here: every endpoint (one node), or those of the partitions this node
  /// holds leases for (cluster mode; actors/dispatcher_cluster.cpp).
  delivery::endpoint_ownership owned = delivery::endpoint_ownership::everything();
  std::unordered_map<std::string, live_endpoint> live;
  /// Endpoints with pending work but no actor until their wake time (delivery/parked_endpoints).
  delivery::parked_endpoints parked;
  time_point wake_timer_at = no_time; ///< the earliest armed wake timer
  /// Shutdown: endpoint actors asked to drain that have not answered yet (kept so that an exit
  /// reaches them too), and the shutdown requests answered once none is left.
  std::unordered_map<std::string, endpoint_actor> draining;
  std::vector<guarded_promise<caf::ok_atom>> drained_waiters;
  policy::id_generator ids;
  std::size_t storing = 0; ///< submits sent to the writer and not yet answered
  bool ready = false;
  bool shutting_down = false;
  std::shared_ptr<spdlog::logger> log = logging::get("engine");
};

using dispatcher_ptr = dispatcher_actor::stateful_pointer<dispatcher_state>;

inline time_point now(dispatcher_ptr self) { return self->state.deps.ctx->clock.now(self->clock()); }

/// Spawns the endpoint's actor (loading its backlog first with `recover`) and has it watched.
/// A parked endpoint's actor (`resume`) recovers and takes back its memento.
live_endpoint& spawn_for(dispatcher_ptr self, const store::endpoint_record& ep, bool recover,
                         std::optional<delivery::endpoint_memento> resume = std::nullopt);

/// Parking (actors/dispatcher_parking.cpp). An idle actor whose work is far away quits and
/// leaves its memento here; `wake_parked` spawns the actors whose time has come.
void park(dispatcher_ptr self, const endpoint_idle& idle);
void wake_parked(dispatcher_ptr self, time_point armed_for);

/// The live actor of an endpoint, spawning it when needed; nullptr for unknown endpoints and,
/// during shutdown, for endpoints without a live actor.
live_endpoint* actor_for(dispatcher_ptr self, const std::string& endpoint_id);

/// Sends deliveries to their endpoints' actors, grouped per endpoint. `body` is shared by all
/// (empty: the actors fetch bodies from the store when due). With `expedite`, deliveries the
/// actors already hold are moved to "due now" as well.
void route(dispatcher_ptr self, std::vector<store::delivery_record>& deliveries,
           const payload& body, bool expedite = false);
/// The same for deliveries of several messages: each gets its message's body from `bodies`
/// (missing: fetched from the store when due).
void route(dispatcher_ptr self, std::vector<store::delivery_record>& deliveries,
           const std::vector<payload_entry>& bodies);

// Ingest (actors/dispatcher.cpp), shared by single messages and batches.

/// Why the engine takes no message now (shutting_down, not_ready, overloaded: a batch counts as
/// one message here, its size being bounded by the API); an empty error when it does.
caf::error refuse_ingest(dispatcher_ptr self);

/// The insert for one message at `t`: its deliveries, one per enabled subscriber, or only to
/// its named endpoint (unknown_endpoint or endpoint_disabled when the registry refuses that).
std::variant<insert_message_cmd, caf::error> prepare_insert(dispatcher_ptr self, submit_message& msg,
                                                            time_point t);

/// A refused insert of a message sent to `endpoint_id`: the store's store_missing and
/// endpoint_disabled (a delete or disable committed just before) become the registry's errors.
caf::error named_endpoint_error(caf::error e, const std::string& endpoint_id);

/// After COMMIT: counts the message, routes its deliveries and builds the answer.
submit_result accept_inserted(dispatcher_ptr self, message_inserted& done);

/// A batch (actors/dispatcher_batch.cpp): one insert_messages_cmd for all the messages the
/// registry accepts, answered after COMMIT with one result per message, in order.
caf::result<batch_result> submit_many(dispatcher_ptr self, submit_batch& batch);

// Start-up and cluster mode (actors/dispatcher.cpp, actors/dispatcher_cluster.cpp).

/// Spawns (recovering from the store) the actors of the owned endpoints among `with_pending`
/// that have none, restricted to `parts` when given; fails the pending deliveries of endpoints
/// that no longer exist. Returns how many endpoints it found.
std::size_t spawn_pending(dispatcher_ptr self, const std::vector<std::string>& with_pending,
                          const std::vector<std::uint32_t>* parts = nullptr);

void leases_changed_here(dispatcher_ptr self, leases_changed& change);
caf::result<caf::ok_atom> release(dispatcher_ptr self, release_leases& req);
void deliveries_arrived(dispatcher_ptr self, deliveries_announced& news);
void endpoints_changed(dispatcher_ptr self, endpoints_announced& news);
void resync(dispatcher_ptr self);

/// Drains `actors` (shutdown_atom: attempts in flight finish and are recorded), each within
/// its attempt timeout + 2 × drain_margin, then calls `done`.
void drain(dispatcher_ptr self, const std::vector<std::pair<std::string, endpoint_actor>>& actors,
           std::function<void()> done);

// Operator actions (actors/dispatcher_operations.cpp).
caf::result<store::endpoint_record> put_endpoint(dispatcher_ptr self, put_endpoint_cmd& cmd);
caf::result<store::endpoint_record> update_endpoint(dispatcher_ptr self, update_endpoint_cmd& cmd);
caf::result<store::endpoint_record> rotate_secret(dispatcher_ptr self, rotate_secret_cmd& cmd);
caf::result<std::size_t> set_status(dispatcher_ptr self, set_endpoint_status_cmd& cmd);
caf::result<bool> delete_endpoint(dispatcher_ptr self, delete_endpoint_cmd& cmd);
caf::result<std::size_t> requeue_failed(dispatcher_ptr self, requeue_failed_cmd& cmd);
caf::result<std::size_t> retry_message(dispatcher_ptr self, retry_message_cmd& cmd);
void status_changed(dispatcher_ptr self, endpoint_status_changed& change);

} // namespace hookd::dispatch
