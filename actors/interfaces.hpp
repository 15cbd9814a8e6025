#pragma once
// Every actor's typed interface, in one place: who accepts which message and answers what.
// The factories and their dependencies live in each actor's own header. See
// docs/architecture.md for the picture.
#include "messages/type_ids.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace hookd {

/// Performs attempts. Implemented by the HTTP destination (actors/http_destination.hpp); a new
/// kind of destination (a queue, another protocol) implements this same interface.
using destination_actor = caf::typed_actor<caf::replies_to<attempt_request>::with<attempt_result>>;

// clang-format off

/// The single store writer: groups commands into transactions; replies after COMMIT.
using store_writer_actor = caf::typed_actor<
  caf::replies_to<insert_message_cmd>::with<message_inserted>,
  caf::replies_to<insert_messages_cmd>::with<messages_inserted>,  // one transaction
  caf::reacts_to<record_attempt_cmd>,
  caf::reacts_to<update_delivery_cmd>,
  caf::reacts_to<set_failing_since_cmd>,
  caf::replies_to<put_endpoint_cmd>::with<store::endpoint_record>,
  caf::replies_to<update_endpoint_cmd>::with<store::endpoint_record>,
  caf::replies_to<rotate_secret_cmd>::with<store::endpoint_record>,
  caf::replies_to<set_endpoint_status_cmd>::with<std::size_t>,  // deliveries failed
  caf::replies_to<delete_endpoint_cmd>::with<std::size_t>,  // deliveries failed
  caf::replies_to<requeue_failed_cmd>::with<requeue_result>,
  caf::replies_to<requeue_message_cmd>::with<std::vector<store::delivery_record>>,
  caf::replies_to<purge_cmd>::with<std::size_t>,
  caf::replies_to<purge_idempotency_cmd>::with<std::size_t>,
  caf::replies_to<put_application_cmd>::with<store::application_record>,
  caf::replies_to<delete_application_cmd>::with<bool>,
  caf::replies_to<put_event_type_cmd>::with<store::event_type_record>,
  caf::replies_to<put_source_cmd>::with<store::source_record>,
  caf::replies_to<delete_source_cmd>::with<bool>,
  caf::replies_to<flush_atom>::with<caf::ok_atom>>;  // after everything sent before is committed

/// A reader on its own connection; sees committed data only.
using store_reader_actor = caf::typed_actor<
  caf::replies_to<load_pending_query>::with<std::vector<store::delivery_record>>,
  caf::replies_to<pending_of_messages_query>::with<announced_work>,
  caf::replies_to<endpoints_query>::with<std::vector<store::endpoint_record>>,
  caf::replies_to<load_payloads_query>::with<std::vector<payload_entry>>,
  caf::replies_to<endpoints_atom>::with<std::vector<store::endpoint_record>>,
  caf::replies_to<pending_atom>::with<std::vector<std::string>>,  // endpoints with pending work
  caf::replies_to<endpoint_query>::with<endpoint_view>,
  caf::replies_to<list_endpoints_query>::with<std::vector<endpoint_view>>,
  caf::replies_to<message_query>::with<message_view>,
  caf::replies_to<attempts_query>::with<std::vector<store::attempt_record>>,
  caf::replies_to<idempotency_query>::with<store::idempotency_record>,
  caf::replies_to<idempotency_keys_query>::with<std::vector<store::idempotency_record>>,
  caf::replies_to<counts_query>::with<store::store_counts>,
  caf::replies_to<list_application_endpoints_query>::with<std::vector<endpoint_view>>,
  caf::replies_to<application_query>::with<store::application_record>,
  caf::replies_to<list_applications_query>::with<std::vector<store::application_record>>,
  caf::replies_to<list_messages_query>::with<store::message_page>,
  caf::replies_to<list_attempts_query>::with<store::attempt_page>,
  caf::replies_to<attempt_query>::with<store::attempt_record>,
  caf::replies_to<event_type_query>::with<store::event_type_record>,
  caf::replies_to<list_event_types_query>::with<std::vector<store::event_type_record>>,
  caf::replies_to<application_counts_query>::with<std::vector<store::application_counts>>,
  caf::replies_to<source_query>::with<store::source_record>,
  caf::replies_to<list_sources_query>::with<std::vector<store::source_record>>>;

/// One per endpoint with work: owns its pending deliveries, timers, breaker, rate limiter and
/// failure clock (delivery/endpoint_scheduler.hpp).
using endpoint_actor = caf::typed_actor<
  caf::reacts_to<deliver_jobs>,
  caf::reacts_to<expedite_deliveries>,
  caf::reacts_to<store::endpoint_record>,   // settings changed
  caf::reacts_to<endpoint_status_changed>,  // enabled / disabled
  caf::reacts_to<tick_atom, time_point>,    // its one timer, armed for that instant
  caf::reacts_to<idle_atom>,                // idle timer
  caf::reacts_to<stop_atom>,                // quit now (idle, agreed; or ends a drain)
  caf::replies_to<shutdown_atom>::with<caf::ok_atom>>;  // stop attempting; answer when drained

/// Routes deliveries to endpoint actors, spawning them lazily; keeps the endpoint registry and
/// carries out operator actions (persisted through the writer first).
using dispatcher_actor = caf::typed_actor<
  caf::replies_to<submit_message>::with<submit_result>,
  caf::replies_to<submit_batch>::with<batch_result>,  // committed together, refused one by one
  caf::replies_to<put_endpoint_cmd>::with<store::endpoint_record>,  // empty id: a new one
  caf::replies_to<update_endpoint_cmd>::with<store::endpoint_record>,  // PATCH
  caf::replies_to<rotate_secret_cmd>::with<store::endpoint_record>,
  caf::replies_to<set_endpoint_status_cmd>::with<std::size_t>,  // deliveries failed
  caf::replies_to<delete_endpoint_cmd>::with<bool>,
  caf::replies_to<requeue_failed_cmd>::with<std::size_t>,       // deliveries re-queued
  caf::replies_to<retry_message_cmd>::with<std::size_t>,        // deliveries (re)started
  caf::reacts_to<set_failing_since_cmd>,  // the 24-hour clock moved: registry, then store
  caf::reacts_to<endpoint_idle>,
  caf::reacts_to<tick_atom, time_point>,   // the earliest parked endpoint's wake time
  caf::reacts_to<endpoint_crashed>,
  caf::replies_to<caf::get_atom, std::string>::with<caf::actor>,  // live actor of an endpoint
  caf::replies_to<recover_atom>::with<std::size_t>,               // endpoints with pending work
  caf::replies_to<shutdown_atom>::with<caf::ok_atom>,
  // cluster mode (actors/dispatcher_cluster.cpp)
  caf::reacts_to<leases_changed>,
  caf::replies_to<release_leases>::with<caf::ok_atom>,  // after their actors drained
  caf::reacts_to<deliveries_announced>,
  caf::reacts_to<endpoints_announced>,
  caf::reacts_to<resync_atom>>;  // notifications may have been missed: reload owned work

/// Disables endpoints, raises alerts (log, metrics, recent list, alert_url), checks the retry
/// rate, restarts crashed endpoint actors.
using supervisor_actor = caf::typed_actor<
  caf::reacts_to<dispatcher_actor>,  // wiring at start-up
  caf::reacts_to<watch_endpoint>,
  caf::reacts_to<disable_endpoint>,
  caf::reacts_to<alert_event>,
  caf::reacts_to<tick_atom>,         // its retry-rate check timer
  caf::replies_to<alerts_query>::with<std::vector<alert_event>>>;

/// Periodic housekeeping (retention purge).
using janitor_actor = caf::typed_actor<caf::reacts_to<tick_atom>>;

/// Cluster mode: this node's heartbeat and partition leases (actors/cluster_membership.hpp).
using cluster_membership_actor = caf::typed_actor<
  caf::reacts_to<tick_atom>,                        // heartbeat
  caf::reacts_to<resync_atom>,                      // another node left: beat now
  caf::replies_to<cluster_query>::with<cluster_view>,
  caf::replies_to<leave_atom>::with<caf::ok_atom>>;  // shutdown: release everything

// clang-format on

} // namespace hookd
