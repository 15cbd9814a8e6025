#pragma once
// The one CAF type-id block for every message hookd's actors exchange. Load it with
// `cfg.add_message_types<caf::id_block::hookd>()` before creating the actor system.
#include "messages/attempt.hpp"
#include "messages/cluster.hpp"
#include "messages/delivery.hpp"
#include "messages/ingest.hpp"
#include "messages/lifecycle.hpp"
#include "messages/operations.hpp"
#include "messages/records.hpp"
#include "messages/store_commands.hpp"

#include <caf/type_id.hpp>

CAF_BEGIN_TYPE_ID_BLOCK(hookd, caf::first_custom_type_id)

// payloads and records
CAF_ADD_TYPE_ID(hookd, (hookd::payload))
CAF_ADD_TYPE_ID(hookd, (hookd::store::endpoint_record))
CAF_ADD_TYPE_ID(hookd, (hookd::store::message_record))
CAF_ADD_TYPE_ID(hookd, (hookd::store::delivery_record))
CAF_ADD_TYPE_ID(hookd, (hookd::store::delivery_update))
CAF_ADD_TYPE_ID(hookd, (hookd::store::attempt_record))
CAF_ADD_TYPE_ID(hookd, (std::vector<hookd::store::endpoint_record>))
CAF_ADD_TYPE_ID(hookd, (std::vector<hookd::store::delivery_record>))
CAF_ADD_TYPE_ID(hookd, (std::vector<hookd::store::attempt_record>))

// attempts (the destination interface)
CAF_ADD_TYPE_ID(hookd, (hookd::attempt_request))
CAF_ADD_TYPE_ID(hookd, (hookd::attempt_result))

// deliveries
CAF_ADD_TYPE_ID(hookd, (hookd::delivery_job))
CAF_ADD_TYPE_ID(hookd, (hookd::deliver_jobs))
CAF_ADD_TYPE_ID(hookd, (hookd::expedite_deliveries))

// ingest
CAF_ADD_TYPE_ID(hookd, (hookd::submit_message))
CAF_ADD_TYPE_ID(hookd, (hookd::submit_result))
CAF_ADD_TYPE_ID(hookd, (hookd::submit_batch))
CAF_ADD_TYPE_ID(hookd, (hookd::batch_result))

// life cycle
CAF_ADD_TYPE_ID(hookd, (hookd::endpoint_idle))
CAF_ADD_TYPE_ID(hookd, (hookd::watch_endpoint))
CAF_ADD_TYPE_ID(hookd, (hookd::endpoint_crashed))
CAF_ADD_TYPE_ID(hookd, (hookd::disable_endpoint))
CAF_ADD_TYPE_ID(hookd, (hookd::endpoint_status_changed))
CAF_ADD_TYPE_ID(hookd, (hookd::alert_event))
CAF_ADD_TYPE_ID(hookd, (std::vector<hookd::alert_event>))
CAF_ADD_TYPE_ID(hookd, (hookd::alerts_query))

// store
CAF_ADD_TYPE_ID(hookd, (hookd::insert_message_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::message_inserted))
CAF_ADD_TYPE_ID(hookd, (hookd::insert_messages_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::messages_inserted))
CAF_ADD_TYPE_ID(hookd, (hookd::record_attempt_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::update_delivery_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::set_failing_since_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::put_endpoint_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::update_endpoint_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::rotate_secret_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::set_endpoint_status_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::delete_endpoint_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::requeue_failed_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::purge_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::load_pending_query))
CAF_ADD_TYPE_ID(hookd, (hookd::load_payloads_query))
CAF_ADD_TYPE_ID(hookd, (hookd::payload_entry))
CAF_ADD_TYPE_ID(hookd, (std::vector<hookd::payload_entry>))
CAF_ADD_TYPE_ID(hookd, (hookd::purge_idempotency_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::requeue_message_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::endpoint_query))
CAF_ADD_TYPE_ID(hookd, (hookd::endpoint_view))
CAF_ADD_TYPE_ID(hookd, (std::vector<hookd::endpoint_view>))
CAF_ADD_TYPE_ID(hookd, (hookd::list_endpoints_query))
CAF_ADD_TYPE_ID(hookd, (hookd::message_query))
CAF_ADD_TYPE_ID(hookd, (hookd::message_view))
CAF_ADD_TYPE_ID(hookd, (hookd::attempts_query))
CAF_ADD_TYPE_ID(hookd, (hookd::idempotency_query))
CAF_ADD_TYPE_ID(hookd, (hookd::idempotency_keys_query))
CAF_ADD_TYPE_ID(hookd, (std::vector<hookd::store::idempotency_record>))
CAF_ADD_TYPE_ID(hookd, (hookd::counts_query))
CAF_ADD_TYPE_ID(hookd, (hookd::store::store_counts))
CAF_ADD_TYPE_ID(hookd, (hookd::store::endpoint_stats))
CAF_ADD_TYPE_ID(hookd, (hookd::store::idempotency_record))
CAF_ADD_TYPE_ID(hookd, (hookd::retry_message_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::requeue_result))

// applications and listings
CAF_ADD_TYPE_ID(hookd, (hookd::store::application_record))
CAF_ADD_TYPE_ID(hookd, (std::vector<hookd::store::application_record>))
CAF_ADD_TYPE_ID(hookd, (hookd::store::message_filter))
CAF_ADD_TYPE_ID(hookd, (hookd::store::message_page))
CAF_ADD_TYPE_ID(hookd, (hookd::store::attempt_filter))
CAF_ADD_TYPE_ID(hookd, (hookd::store::attempt_page))
CAF_ADD_TYPE_ID(hookd, (hookd::put_application_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::delete_application_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::list_application_endpoints_query))
CAF_ADD_TYPE_ID(hookd, (hookd::application_query))
CAF_ADD_TYPE_ID(hookd, (hookd::list_applications_query))
CAF_ADD_TYPE_ID(hookd, (hookd::list_messages_query))
CAF_ADD_TYPE_ID(hookd, (hookd::list_attempts_query))
CAF_ADD_TYPE_ID(hookd, (hookd::attempt_query))
CAF_ADD_TYPE_ID(hookd, (hookd::store::application_counts))
CAF_ADD_TYPE_ID(hookd, (std::vector<hookd::store::application_counts>))
CAF_ADD_TYPE_ID(hookd, (hookd::application_counts_query))
CAF_ADD_TYPE_ID(hookd, (hookd::store::event_type_record))
CAF_ADD_TYPE_ID(hookd, (std::vector<hookd::store::event_type_record>))
CAF_ADD_TYPE_ID(hookd, (hookd::put_event_type_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::event_type_query))
CAF_ADD_TYPE_ID(hookd, (hookd::list_event_types_query))

// inbound sources
CAF_ADD_TYPE_ID(hookd, (hookd::store::source_record))
CAF_ADD_TYPE_ID(hookd, (std::vector<hookd::store::source_record>))
CAF_ADD_TYPE_ID(hookd, (hookd::put_source_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::delete_source_cmd))
CAF_ADD_TYPE_ID(hookd, (hookd::source_query))
CAF_ADD_TYPE_ID(hookd, (hookd::list_sources_query))

// cluster mode
CAF_ADD_TYPE_ID(hookd, (hookd::store::lease_token))
CAF_ADD_TYPE_ID(hookd, (hookd::store::cluster_node))
CAF_ADD_TYPE_ID(hookd, (hookd::leases_changed))
CAF_ADD_TYPE_ID(hookd, (hookd::release_leases))
CAF_ADD_TYPE_ID(hookd, (hookd::announced_delivery))
CAF_ADD_TYPE_ID(hookd, (hookd::deliveries_announced))
CAF_ADD_TYPE_ID(hookd, (hookd::endpoints_announced))
CAF_ADD_TYPE_ID(hookd, (hookd::cluster_query))
CAF_ADD_TYPE_ID(hookd, (hookd::cluster_view))
CAF_ADD_TYPE_ID(hookd, (hookd::pending_of_messages_query))
CAF_ADD_TYPE_ID(hookd, (hookd::endpoints_query))
CAF_ADD_TYPE_ID(hookd, (hookd::announced_work))

// atoms
CAF_ADD_ATOM(hookd, hookd, tick_atom, "tick")
CAF_ADD_ATOM(hookd, hookd, stop_atom, "stop")
CAF_ADD_ATOM(hookd, hookd, flush_atom, "flush")
CAF_ADD_ATOM(hookd, hookd, commit_atom, "commit")
CAF_ADD_ATOM(hookd, hookd, recover_atom, "recover")
CAF_ADD_ATOM(hookd, hookd, shutdown_atom, "shutdown")
CAF_ADD_ATOM(hookd, hookd, idle_atom, "idle")
CAF_ADD_ATOM(hookd, hookd, endpoints_atom, "endpoints")
CAF_ADD_ATOM(hookd, hookd, pending_atom, "pending")
CAF_ADD_ATOM(hookd, hookd, leave_atom, "leave")
CAF_ADD_ATOM(hookd, hookd, resync_atom, "resync")

CAF_END_TYPE_ID_BLOCK(hookd)
