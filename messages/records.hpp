#pragma once
// CAF inspection of the store's plain records, so they travel in messages unchanged.
#include "store/records.hpp"

#include "messages/inspect.hpp"

namespace hookd::store {

HOOKD_INSPECT(endpoint_tenancy, x.application_id, x.uid, x.headers, x.metadata)

/// The tenancy block travels as its fields (an empty block: none), and is shared again on load.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, endpoint_record& x) {
  endpoint_tenancy tenancy;
  if constexpr (Inspector::reads_state)
    tenancy = x.tenancy();
  auto load = caf::meta::load_callback([&]() -> caf::error {
    x.set_tenancy(std::move(tenancy));
    return caf::none;
  });
  return f(caf::meta::type_name("endpoint_record"), x.id, x.url, x.description, x.event_types,
           x.secret, x.previous_secret, x.previous_secret_expires_at, x.scheme, x.rate_limit_per_s,
           x.max_concurrency, x.timeout_ms, x.status, x.reason, x.failing_since, x.created_at,
           x.updated_at, tenancy, load);
}

HOOKD_INSPECT(message_record, x.seq, x.id, x.event_type, x.payload, x.created_at,
              x.application_id, x.event_id, x.channels, x.source_id)

HOOKD_INSPECT(event_type_record, x.name, x.description, x.archived, x.deprecated, x.schemas,
              x.created_at, x.updated_at)

HOOKD_INSPECT(source_record, x.id, x.name, x.kind, x.secret, x.previous_secret,
              x.previous_secret_expires_at, x.event_type_from, x.created_at, x.updated_at)

HOOKD_INSPECT(application_record, x.id, x.uid, x.name, x.rate_limit, x.metadata, x.created_at,
              x.updated_at)

HOOKD_INSPECT(delivery_record, x.id, x.message_seq, x.message_id, x.endpoint_id, x.status, x.reason,
              x.attempts, x.first_attempt_at, x.next_attempt_at, x.last_status_code, x.last_error,
              x.created_at, x.updated_at)

HOOKD_INSPECT(delivery_update, x.delivery_id, x.status, x.reason, x.attempts, x.first_attempt_at,
              x.next_attempt_at, x.last_status_code, x.last_error, x.at)

HOOKD_INSPECT(attempt_record, x.seq, x.delivery_id, x.message_id, x.endpoint_id, x.at, x.outcome,
              x.status_code, x.elapsed, x.error, x.error_detail, x.response_body)

HOOKD_INSPECT(endpoint_stats, x.pending, x.delivered, x.failed)

HOOKD_INSPECT(store_counts, x.pending, x.pending_by_due, x.endpoints_enabled, x.endpoints_disabled)

HOOKD_INSPECT(idempotency_record, x.key, x.request_hash, x.message_id, x.created_at)

HOOKD_INSPECT(application_counts, x.application_id, x.endpoints_enabled, x.endpoints_disabled,
              x.pending, x.delivered, x.failed)

HOOKD_INSPECT(message_filter, x.application_id, x.source_id, x.event_id, x.event_types, x.channel, x.endpoint_id, x.status,
              x.since, x.until, x.before_seq)
HOOKD_INSPECT(message_page, x.messages, x.next_before)
HOOKD_INSPECT(attempt_filter, x.endpoint_id, x.outcome, x.since, x.until, x.before_seq)
HOOKD_INSPECT(attempt_page, x.attempts, x.next_before)

HOOKD_INSPECT(lease_token, x.part, x.epoch)

} // namespace hookd::store
