#pragma once
// The actor of one endpoint. It owns the endpoint's pending deliveries and everything that
// decides when they are attempted — through one delivery::endpoint_scheduler — and is only the
// shell around it: deliveries and results in, attempts, store writes, alerts and disable
// requests out.
//
// Life cycle: spawned lazily by the dispatcher when work arrives (or at start-up/after a crash
// with `recover`, loading its pending deliveries from the store); asks the dispatcher for
// permission to quit after `endpoints.idle_timeout` without work — or to park when its only
// work is due more than two idle timeouts away (delivery/parked_endpoints.hpp); on shutdown_atom it stops
// starting attempts and answers once the attempts in flight have come back — or, at the
// latest, after its attempt timeout plus `drain_margin`: then it stops waiting, and the
// deliveries of the unfinished attempts stay pending in the store with their due times, so
// they are attempted again after a restart. A stop_atom while draining ends the drain at once.
//
// Cluster mode: it starts no attempt once its partition's lease deadline has passed
// (engine_context::lease_deadlines); it looks again every lease_recheck, and the dispatcher
// stops it once the lease is known lost (the partition's next owner attempts those deliveries
// from the store).
//
// Memory: a delivery's body is kept only while an attempt is near; after a failure whose retry
// is more than `body_keep` away it is dropped and fetched from the store when due again
// (actors/body_cache.hpp). What a result causes besides the scheduler's state (the writes, the
// log lines, the metrics) is in actors/result_side_effects.hpp.
#include "actors/engine_context.hpp"
#include "actors/interfaces.hpp"
#include "delivery/endpoint_memento.hpp"

#include <caf/actor_system.hpp>

namespace hookd {

struct endpoint_deps {
  engine_context_ptr ctx;
  store_writer_actor writer;
  store_reader_actor reader;
  supervisor_actor supervisor;
  dispatcher_actor dispatcher;
  destination_actor destination;
  /// Cluster mode: the lease this actor runs under; its writes carry it (fencing).
  store::lease_token lease;
};

/// How long an attempt to this endpoint may take: its timeout_ms, else http.attempt_timeout.
inline duration attempt_timeout_of(const config::config& cfg, const store::endpoint_record& ep) {
  return ep.timeout_ms > 0 ? duration{ep.timeout_ms} : cfg.http.attempt_timeout;
}

/// An endpoint parks only with at most this many pending deliveries: its actor is spawned
/// again by reading them all from the store, and a failing endpoint's large backlog would be
/// read again at every probe. Beside such a backlog (about 260 B per delivery) the actor's own
/// 2 KiB hardly counts.
inline constexpr std::size_t max_parked_backlog = 16;

/// On shutdown an endpoint actor waits at most its attempt timeout plus this for the attempts
/// in flight (the result's way back, a body still being read).
inline constexpr duration drain_margin = std::chrono::seconds{2};

/// `resume`: the actor is spawned again after parking (delivery/parked_endpoints.hpp), with
/// `recover` set; it takes back what the store does not hold.
endpoint_actor spawn_endpoint(caf::actor_system& sys, endpoint_deps deps,
                              store::endpoint_record settings, bool recover,
                              std::optional<delivery::endpoint_memento> resume = std::nullopt);

} // namespace hookd
