#pragma once
// The SQL of every call of the PostgreSQL store, prepared once per connection
// (pg_statements.cpp says what each one promises). Calls that would take several round trips
// with SQLite's statements (a message and its deliveries, an attempt and its delivery's new
// state) are one statement each here: a round trip to the server costs more than the work.
namespace hookd::store::pg {

class connection;

enum class stmt {
  insert_message,
  insert_message_fanout,
  named_endpoints,
  put_idempotency,
  record_attempt,
  update_delivery,
  put_endpoint,
  update_endpoint,
  rotate_secret,
  set_endpoint_status,
  set_failing_since,
  fail_pending,
  delete_endpoint,
  requeue_failed,
  requeue_message,
  pending_of_message,
  add_delivery_totals,
  finished_messages,
  purge_attempts,
  purge_deliveries,
  purge_messages,
  purge_idempotency,
  load_endpoints,
  find_endpoint,
  list_endpoints,
  delivery_counts,
  find_idempotency,
  pending_counts,
  endpoint_counts,
  endpoints_with_pending,
  load_pending,
  load_payloads,
  find_message,
  deliveries_of,
  pending_of_messages,
  attempts_of,
  recent_attempts,
  hold_leases,
  notify,
  insert_application,
  update_application,
  delete_application,
  find_application,
  find_application_by_uid,
  list_applications,
  list_application_endpoints,
  find_endpoint_by_uid,
  find_attempt,
  max_message_seq,
  max_attempt_seq,
  put_event_type,
  find_event_type,
  list_event_types,
  requeue_delivery,
  counts_by_application,
  insert_source,
  update_source,
  delete_source,
  find_source,
  list_sources,
  count_ ///< not a statement
};

/// The name a statement is prepared under.
const char* name_of(stmt s);

/// Prepares every statement on `db` (after the schema is migrated).
void prepare_statements(connection& db);

} // namespace hookd::store::pg
