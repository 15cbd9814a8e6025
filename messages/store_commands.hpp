#pragma once
// Commands to the single store writer (actors/store_writer.hpp) and queries to the readers
// (actors/store_reader.hpp). Writes are grouped into one transaction per batch; a command
// with a reply is answered only after its transaction committed.
#include "messages/payload.hpp"
#include "messages/records.hpp"

#include "messages/inspect.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace hookd {

// -- writes -----------------------------------------------------------------------------------

struct insert_message_cmd {
  store::message_record message;
  std::vector<store::delivery_record> deliveries;
  store::idempotency_record idempotency; ///< stored in the same transaction; key empty: none
  /// The request named its endpoint: refused (errc::store_missing when the endpoint is gone,
  /// errc::endpoint_disabled when disabled) rather than stored without a delivery.
  bool endpoints_named = false;
};
/// Reply: the same, with seq and delivery ids assigned.
struct message_inserted {
  store::message_record message;
  std::vector<store::delivery_record> deliveries;
};

/// Many messages in one transaction (POST /v1/messages/batch): each item as insert_message_cmd,
/// refused alone (store/batch_insert.hpp) while the others are stored.
struct insert_messages_cmd {
  std::vector<insert_message_cmd> items;
};
/// One item of the reply to insert_messages_cmd: stored (`refusal` empty), or refused with the
/// error insert_message_cmd would have got (errc::store_missing, endpoint_disabled, store_conflict).
struct inserted_item {
  message_inserted inserted;
  caf::error refusal;
};
/// Reply to insert_messages_cmd after COMMIT: one per item, in order.
struct messages_inserted {
  std::vector<inserted_item> items;
};

// The endpoint owner's writes carry its lease (cluster mode: fenced, store_writer_options
// node_id); one node on SQLite leaves it unset.

struct record_attempt_cmd {
  store::attempt_record attempt;
  store::delivery_update update;
  store::lease_token lease;
};

struct update_delivery_cmd {
  store::delivery_update update;
  store::lease_token lease;
};

struct set_failing_since_cmd {
  std::string endpoint_id;
  time_point since = no_time;
  store::lease_token lease;
};

struct put_endpoint_cmd {
  store::endpoint_record endpoint;
};

/// PATCH: the settings of an existing endpoint, in one UPDATE (store::update_endpoint); never
/// creates one. Only the settings named in `fields` (store::endpoint_field bits) are written
/// (a secret set directly replaces the secret and ends a rotation's overlap). Reply: the
/// stored endpoint, or errc::unknown_endpoint.
struct update_endpoint_cmd {
  store::endpoint_record endpoint;
  std::uint32_t fields = 0;
};

/// Starts a secret rotation in one UPDATE (store::rotate_secret): the stored secret keeps
/// signing until `previous_expires_at`. Reply: the stored endpoint, or errc::unknown_endpoint.
struct rotate_secret_cmd {
  std::string endpoint_id;
  std::string secret;
  time_point previous_expires_at = no_time;
  time_point at = no_time;
};

/// Status change; when disabling, the endpoint's pending deliveries fail in the same
/// transaction with `fail_reason`; enabling restarts the 24-hour clock. Reply: how many
/// deliveries failed. Sent to the dispatcher (operator or supervisor), which owns every status
/// change (actors/dispatcher_operations.cpp set_status), and by it to the writer.
struct set_endpoint_status_cmd {
  std::string endpoint_id;
  endpoint_status status = endpoint_status::enabled;
  disabled_reason reason = disabled_reason::none;
  failure_reason fail_reason = failure_reason::endpoint_disabled;
  time_point at = no_time; ///< no_time: when the dispatcher gets it
  bool automatic = false;  ///< hookd's own decision (supervisor), not an operator's
  std::string message_id;  ///< automatic: the message whose attempt caused it (for the log)
  std::string detail;      ///< automatic: why (for the log)
};

/// Writer reply: deliveries failed; with `must_exist`, errc::unknown_endpoint when no endpoint
/// row was there (a concurrent DELETE committed first; leftover pending deliveries are failed
/// all the same). The dispatcher's reply: true, or that error.
struct delete_endpoint_cmd {
  std::string endpoint_id;
  time_point at = no_time;
  bool must_exist = true; ///< false: only failing the deliveries of an endpoint already gone
};

/// Reply to requeue_failed_cmd: how many were re-queued, and every pending delivery of the
/// endpoint afterwards (to route).
struct requeue_result {
  std::size_t requeued = 0;
  std::vector<store::delivery_record> pending;
};

struct requeue_failed_cmd {
  std::string endpoint_id;
  time_point since = no_time;
  time_point now = no_time;
};

/// Removes finished messages created before `before`, at most `limit` per command.
struct purge_cmd {
  time_point before = no_time;
  std::size_t limit = 1000;
};

/// Forgets Idempotency-Keys created before `before`. Reply: how many.
struct purge_idempotency_cmd {
  time_point before = no_time;
};

/// Re-queues a message's failed deliveries (enabled endpoints only) for one extra attempt.
/// Reply: every pending delivery of the message afterwards.
struct requeue_message_cmd {
  std::int64_t message_seq = 0;
  time_point now = no_time;
  /// Set: only the delivery to this endpoint, whatever its state (store::requeue_delivery).
  std::string endpoint_id;
};

/// Creates (`create`) or updates an application: uid, name, rate_limit, metadata. Reply: the
/// stored application; errc::store_conflict when the id or uid is taken; an update of one
/// that does not exist: errc::unknown_application.
struct put_application_cmd {
  store::application_record application;
  bool create = true;
};

/// Creates or replaces an event type (created_at kept). Reply: the stored event type.
struct put_event_type_cmd {
  store::event_type_record event_type;
};

/// Removes an application's row (the API deletes its endpoints first, through the dispatcher).
/// Reply: whether it existed.
struct delete_application_cmd {
  std::string application_id;
};

// -- reads ------------------------------------------------------------------------------------

struct load_pending_query {
  std::string endpoint_id;
};

/// The pending deliveries of these messages (cluster mode: work another node announced).
struct pending_of_messages_query {
  std::vector<std::int64_t> message_seqs;
};

/// These endpoints as stored (those that exist).
struct endpoints_query {
  std::vector<std::string> endpoint_ids;
};

struct load_payloads_query {
  std::vector<std::int64_t> message_seqs;
};

/// One endpoint with its delivery counts → endpoint_view, or errc::unknown_endpoint. With an
/// application id, only an endpoint of that application answers, and `endpoint_id` may also
/// be its uid there.
struct endpoint_query {
  std::string endpoint_id;
  std::string application_id;
};

struct endpoint_view {
  store::endpoint_record endpoint;
  store::endpoint_stats stats;
};

/// A page of endpoints after `after_id` → std::vector<endpoint_view> (up to `limit`).
struct list_endpoints_query {
  std::string after_id;
  std::size_t limit = 20;
};

/// A page of one application's endpoints after `after_id` → std::vector<endpoint_view>.
struct list_application_endpoints_query {
  std::string application_id;
  std::string after_id;
  std::size_t limit = 20;
};

/// An application by id, or else by uid → store::application_record, or
/// errc::unknown_application.
struct application_query {
  std::string id_or_uid;
};

/// Per application: endpoints and deliveries by status → std::vector<store::application_counts>.
struct application_counts_query {
  bool unused = false; ///< (a message needs a member)
};

/// Creates (`create`) or replaces an inbound source (every field but created_at). Reply: the
/// stored source; errc::store_conflict when the id is taken; an update of one that does not
/// exist: errc::unknown_source.
struct put_source_cmd {
  store::source_record source;
  bool create = true;
};

/// Removes a source's row (its messages stay). Reply: whether it existed.
struct delete_source_cmd {
  std::string source_id;
};

/// One source → store::source_record, or errc::unknown_source.
struct source_query {
  std::string source_id;
};

/// A page of sources after `after_id` → std::vector<store::source_record>.
struct list_sources_query {
  std::string after_id;
  std::size_t limit = 20;
};

/// A page of applications after `after_id` → std::vector<store::application_record>.
struct list_applications_query {
  std::string after_id;
  std::size_t limit = 20;
};

/// A page of messages → store::message_page (store::store::list_messages).
struct list_messages_query {
  store::message_filter filter;
  std::size_t limit = 20;
  std::size_t scan_limit = 20'000;
};

/// A page of attempts → store::attempt_page (store::store::list_attempts).
struct list_attempts_query {
  store::attempt_filter filter;
  std::size_t limit = 20;
  std::size_t scan_limit = 20'000;
};

/// One event type → store::event_type_record, or errc::unknown_event_type.
struct event_type_query {
  std::string name;
};

/// A page of event types after `after_name` → std::vector<store::event_type_record>.
struct list_event_types_query {
  std::string after_name;
  std::size_t limit = 50;
};

/// One attempt by its seq → store::attempt_record, or errc::unknown_attempt.
struct attempt_query {
  std::int64_t seq = 0;
};

/// A message with its deliveries → message_view, or errc::unknown_message.
struct message_query {
  std::string message_id;
};

struct message_view {
  store::message_record message;
  std::vector<store::delivery_record> deliveries;
};

/// The attempt log of a message → std::vector<store::attempt_record>.
struct attempts_query {
  std::string message_id;
};

/// Pending deliveries by due time and endpoints by status → store::store_counts.
struct counts_query {
  time_point now = no_time;
};

/// An Idempotency-Key → idempotency_record (key empty when unknown).
struct idempotency_query {
  std::string key;
};

/// Many Idempotency-Keys (a batch) → std::vector<idempotency_record>, one per key in order (key
/// empty when unknown).
struct idempotency_keys_query {
  std::vector<std::string> keys;
};

struct payload_entry {
  std::int64_t message_seq = 0;
  payload body;
};

/// The reply to pending_of_messages_query: the pending deliveries, and the bodies of their
/// messages (so that the owner delivers without reading each body on its own).
struct announced_work {
  std::vector<store::delivery_record> deliveries;
  std::vector<payload_entry> bodies;
};

HOOKD_INSPECT(insert_message_cmd, x.message, x.deliveries, x.idempotency, x.endpoints_named)
HOOKD_INSPECT(message_inserted, x.message, x.deliveries)
HOOKD_INSPECT(insert_messages_cmd, x.items)
HOOKD_INSPECT(inserted_item, x.inserted, x.refusal)
HOOKD_INSPECT(messages_inserted, x.items)
HOOKD_INSPECT(record_attempt_cmd, x.attempt, x.update, x.lease)
HOOKD_INSPECT(update_delivery_cmd, x.update, x.lease)
HOOKD_INSPECT(set_failing_since_cmd, x.endpoint_id, x.since, x.lease)
HOOKD_INSPECT(put_endpoint_cmd, x.endpoint)
HOOKD_INSPECT(update_endpoint_cmd, x.endpoint, x.fields)
HOOKD_INSPECT(rotate_secret_cmd, x.endpoint_id, x.secret, x.previous_expires_at, x.at)
HOOKD_INSPECT(set_endpoint_status_cmd, x.endpoint_id, x.status, x.reason, x.fail_reason, x.at,
              x.automatic, x.message_id, x.detail)
HOOKD_INSPECT(delete_endpoint_cmd, x.endpoint_id, x.at, x.must_exist)
HOOKD_INSPECT(requeue_failed_cmd, x.endpoint_id, x.since, x.now)
HOOKD_INSPECT(requeue_result, x.requeued, x.pending)
HOOKD_INSPECT(purge_cmd, x.before, x.limit)
HOOKD_INSPECT(load_pending_query, x.endpoint_id)
HOOKD_INSPECT(pending_of_messages_query, x.message_seqs)
HOOKD_INSPECT(endpoints_query, x.endpoint_ids)
HOOKD_INSPECT(load_payloads_query, x.message_seqs)
HOOKD_INSPECT(payload_entry, x.message_seq, x.body)
HOOKD_INSPECT(announced_work, x.deliveries, x.bodies)
HOOKD_INSPECT(purge_idempotency_cmd, x.before)
HOOKD_INSPECT(requeue_message_cmd, x.message_seq, x.now, x.endpoint_id)
HOOKD_INSPECT(endpoint_query, x.endpoint_id, x.application_id)
HOOKD_INSPECT(put_application_cmd, x.application, x.create)
HOOKD_INSPECT(delete_application_cmd, x.application_id)
HOOKD_INSPECT(list_application_endpoints_query, x.application_id, x.after_id, x.limit)
HOOKD_INSPECT(application_query, x.id_or_uid)
HOOKD_INSPECT(list_applications_query, x.after_id, x.limit)
HOOKD_INSPECT(application_counts_query, x.unused)
HOOKD_INSPECT(put_source_cmd, x.source, x.create)
HOOKD_INSPECT(delete_source_cmd, x.source_id)
HOOKD_INSPECT(source_query, x.source_id)
HOOKD_INSPECT(list_sources_query, x.after_id, x.limit)
HOOKD_INSPECT(list_messages_query, x.filter, x.limit, x.scan_limit)
HOOKD_INSPECT(list_attempts_query, x.filter, x.limit, x.scan_limit)
HOOKD_INSPECT(attempt_query, x.seq)
HOOKD_INSPECT(put_event_type_cmd, x.event_type)
HOOKD_INSPECT(event_type_query, x.name)
HOOKD_INSPECT(list_event_types_query, x.after_name, x.limit)
HOOKD_INSPECT(endpoint_view, x.endpoint, x.stats)
HOOKD_INSPECT(list_endpoints_query, x.after_id, x.limit)
HOOKD_INSPECT(message_query, x.message_id)
HOOKD_INSPECT(message_view, x.message, x.deliveries)
HOOKD_INSPECT(attempts_query, x.message_id)
HOOKD_INSPECT(idempotency_query, x.key)
HOOKD_INSPECT(idempotency_keys_query, x.keys)
HOOKD_INSPECT(counts_query, x.now)

} // namespace hookd
