#pragma once
// The SQL of every sqlite_store call, prepared once when an instance opens and reused for all
// its calls (preparing costs more than running a small INSERT). One `statements` per
// connection; its members are named after what they do. The comments beside the SQL (in
// sqlite_store_statements.cpp) explain the conditions of the writes and the indexes the reads
// rely on.
#include "store/sqlite_statement.hpp"

#include <cstddef>

namespace hookd::store::sqlite {

/// `load_payloads` reads this many seqs per execution; a short last chunk repeats its last seq.
inline constexpr std::size_t payload_chunk = 64;

struct statements {
  /// `read_only`: `begin` opens a deferred read snapshot instead of taking the write lock.
  statements(connection& db, bool read_only);

  statement begin, commit, rollback;
  statement insert_message, insert_delivery, update_delivery, delivery_exists, insert_attempt;
  statement put_idempotency;
  statement put_endpoint, update_endpoint, rotate_secret;
  statement set_endpoint_status, set_failing_since, fail_pending, delete_endpoint;
  statement requeue_failed, requeue_message, requeue_delivery, pending_of_message, add_delivery_totals;
  statement finished_messages, purge_endpoints_of, purge_attempts, purge_deliveries, purge_message;
  statement purge_idempotency;
  statement load_endpoints, find_endpoint, list_endpoints, delivery_counts;
  statement find_idempotency, pending_counts, endpoint_counts;
  statement endpoints_with_pending, load_pending, load_payloads;
  statement find_message, deliveries_of, attempts_of, recent_attempts;
  statement insert_application, update_application, delete_application;
  statement find_application, find_application_by_uid, list_applications;
  statement list_application_endpoints, find_endpoint_by_uid, find_attempt;
  statement put_event_type, find_event_type, list_event_types;
  statement counts_by_application, max_message_seq, max_attempt_seq;
  statement insert_source, update_source, delete_source, find_source, list_sources;
};

} // namespace hookd::store::sqlite
