#pragma once
// The column order of each record, shared by every store implementation: binding a record's
// fields as a statement's parameters and reading one from a row's columns. `Params` needs
// bind_int/bind_real/bind_text/bind_time; `Row` needs column_int/column_real/column_text/
// column_blob/column_time, each taking the next column (store/sqlite_statement.hpp's query,
// store/postgres/pg_result.hpp's result). Enums go through store/enum_codes.hpp, event-type
// lists through store/event_types_json.hpp.
#include "store/enum_codes.hpp"
#include "store/event_types_json.hpp"
#include "store/header_list_json.hpp"
#include "store/records.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace hookd::store::columns {

// -- select lists ---------------------------------------------------------------------------------
// SQL both dialects read alike, in the order the read_* functions below expect.

inline constexpr const char* endpoint_list =
    "id, url, description, event_types, secret, previous_secret, previous_secret_expires_at, "
    "signature_scheme, rate_limit_per_s, max_concurrency, timeout_ms, status, disabled_reason, "
    "failing_since, created_at, updated_at, application_id, uid, headers, metadata";

/// The columns of a message, in read_message's order (after a table alias and dot, or bare).
inline constexpr const char* message_list =
    "seq, id, event_type, payload, created_at, application_id, event_id, channels, source_id";

/// created_at last: the columns before it are update_source's parameters (bind_source_update).
inline constexpr const char* source_list =
    "id, name, kind, secret, previous_secret, previous_secret_expires_at, event_type_from, "
    "updated_at, created_at";

inline constexpr const char* application_list =
    "id, uid, name, rate_limit, metadata, created_at, updated_at";

inline constexpr const char* event_type_list =
    "name, description, archived, deprecated, schemas, created_at, updated_at";

/// A delivery with its message's id and acceptance time; append WHERE/ORDER BY.
inline constexpr const char* delivery_select =
    "SELECT d.id, d.message_seq, m.id, d.endpoint_id, d.status, d.reason, d.attempts, "
    "d.first_attempt_at, d.next_attempt_at, d.last_status_code, d.last_error, m.created_at, "
    "d.updated_at FROM deliveries d JOIN messages m ON m.seq = d.message_seq ";

/// The attempts of one message (the first parameter: its id), oldest first.
inline constexpr const char* attempts_of_message =
    "SELECT a.seq, a.delivery_id, m.id, a.endpoint_id, a.at, a.outcome, a.status_code, "
    "a.elapsed_ms, a.error, a.error_detail, a.response_body FROM messages m JOIN deliveries d "
    "ON d.message_seq = m.seq JOIN attempts a ON a.delivery_id = d.id WHERE m.id = $1 "
    "ORDER BY a.seq";

/// `list` (a comma-separated column list above) with `prefix` before each name, e.g. "m." or
/// "excluded.".
inline std::string prefixed_columns(std::string_view prefix, std::string_view list) {
  std::string out;
  while (!list.empty()) {
    auto comma = list.find(',');
    auto name = list.substr(0, comma);
    while (!name.empty() && name.front() == ' ')
      name.remove_prefix(1);
    out += out.empty() ? "" : ", ";
    out += prefix;
    out += name;
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return out;
}

// -- records to parameters ------------------------------------------------------------------------

/// The mutable part of a delivery: status, reason, attempts, first_attempt_at,
/// next_attempt_at, last_status_code, last_error, updated_at.
template <class Params, class State>
void bind_delivery_state(Params& p, const State& s, time_point updated_at) {
  p.bind_int(codes::encode(s.status))
      .bind_int(codes::encode(s.reason))
      .bind_int(s.attempts)
      .bind_time(s.first_attempt_at)
      .bind_time(s.next_attempt_at)
      .bind_int(s.last_status_code)
      .bind_int(codes::encode(s.last_error))
      .bind_time(updated_at);
}

/// The columns of an endpoint kept as JSON text, encoded once (a bound text must outlive the
/// statement's execution).
struct endpoint_text_columns {
  std::string event_types;
  std::string headers;
  explicit endpoint_text_columns(const endpoint_record& ep)
      : event_types(encode_event_types(ep.event_types)),
        headers(encode_headers(ep.tenancy().headers)) {}
};

/// Every column of an endpoint, in the order of endpoint_list.
template <class Params>
void bind_endpoint(Params& p, const endpoint_record& ep, const endpoint_text_columns& text) {
  p.bind_text(ep.id)
      .bind_text(ep.url)
      .bind_text(ep.description)
      .bind_text(text.event_types)
      .bind_text(ep.secret)
      .bind_text(ep.previous_secret)
      .bind_time(ep.previous_secret_expires_at)
      .bind_int(codes::encode(ep.scheme))
      .bind_real(ep.rate_limit_per_s)
      .bind_int(ep.max_concurrency)
      .bind_int(ep.timeout_ms)
      .bind_int(codes::encode(ep.status))
      .bind_int(codes::encode(ep.reason))
      .bind_time(ep.failing_since)
      .bind_time(ep.created_at)
      .bind_time(ep.updated_at)
      .bind_text_or_null(ep.tenancy().application_id)
      .bind_text_or_null(ep.tenancy().uid)
      .bind_text(text.headers)
      .bind_text(ep.tenancy().metadata);
}

/// Every column of an event type, in the order of event_type_list.
template <class Params>
void bind_event_type(Params& p, const event_type_record& t) {
  p.bind_text(t.name)
      .bind_text(t.description)
      .bind_int(t.archived ? 1 : 0)
      .bind_int(t.deprecated ? 1 : 0)
      .bind_text_or_null(t.schemas)
      .bind_time(t.created_at)
      .bind_time(t.updated_at);
}

/// Every column of an application, in the order of application_list.
template <class Params>
void bind_application(Params& p, const application_record& app) {
  p.bind_text(app.id)
      .bind_text_or_null(app.uid)
      .bind_text(app.name)
      .bind_int(app.rate_limit)
      .bind_text(app.metadata)
      .bind_time(app.created_at)
      .bind_time(app.updated_at);
}

/// The parameters of update_source, both dialects: $1/?1 the id, then name, kind, secret,
/// previous secret and its expiry, event_type_from, updated_at (created_at is kept).
template <class Params>
void bind_source_update(Params& p, const source_record& src) {
  p.bind_text(src.id)
      .bind_text(src.name)
      .bind_text(src.kind)
      .bind_text(src.secret)
      .bind_text(src.previous_secret)
      .bind_time(src.previous_secret_expires_at)
      .bind_text(src.event_type_from)
      .bind_time(src.updated_at);
}

/// Every column of a source, in the order of source_list.
template <class Params>
void bind_source(Params& p, const source_record& src) {
  bind_source_update(p, src);
  p.bind_time(src.created_at);
}

// -- rows to records ------------------------------------------------------------------------------
// Each reads the current row from its next column, in the select-list order of the statements
// that return that record.

template <class Row>
std::int32_t column_int32(Row& r) {
  return static_cast<std::int32_t>(r.column_int());
}

template <class Row>
endpoint_record read_endpoint(Row& r) {
  endpoint_record ep;
  ep.id = r.column_text();
  ep.url = r.column_text();
  ep.description = r.column_text();
  ep.event_types = decode_event_types(r.column_text());
  ep.secret = r.column_text();
  ep.previous_secret = r.column_text();
  ep.previous_secret_expires_at = r.column_time();
  ep.scheme = codes::decode<signature_scheme>(r.column_int());
  ep.rate_limit_per_s = r.column_real();
  ep.max_concurrency = column_int32(r);
  ep.timeout_ms = column_int32(r);
  ep.status = codes::decode<endpoint_status>(r.column_int());
  ep.reason = codes::decode<disabled_reason>(r.column_int());
  ep.failing_since = r.column_time();
  ep.created_at = r.column_time();
  ep.updated_at = r.column_time();
  endpoint_tenancy t;
  t.application_id = r.column_text(); // NULL reads as ""
  t.uid = r.column_text();
  t.headers = decode_headers(r.column_text());
  t.metadata = r.column_text();
  ep.set_tenancy(std::move(t)); // none for an endpoint of no application
  return ep;
}

template <class Row>
delivery_record read_delivery(Row& r) {
  delivery_record d;
  d.id = r.column_int();
  d.message_seq = r.column_int();
  d.message_id = r.column_text();
  d.endpoint_id = r.column_text();
  d.status = codes::decode<delivery_status>(r.column_int());
  d.reason = codes::decode<failure_reason>(r.column_int());
  d.attempts = column_int32(r);
  d.first_attempt_at = r.column_time();
  d.next_attempt_at = r.column_time();
  d.last_status_code = column_int32(r);
  d.last_error = codes::decode<attempt_error>(r.column_int());
  d.created_at = r.column_time();
  d.updated_at = r.column_time();
  return d;
}

template <class Row>
attempt_record read_attempt(Row& r) {
  attempt_record a;
  a.seq = r.column_int();
  a.delivery_id = r.column_int();
  a.message_id = r.column_text();
  a.endpoint_id = r.column_text();
  a.at = r.column_time();
  a.outcome = codes::decode<attempt_outcome>(r.column_int());
  a.status_code = column_int32(r);
  a.elapsed = duration{r.column_int()};
  a.error = codes::decode<attempt_error>(r.column_int());
  a.error_detail = r.column_text();
  a.response_body = r.column_blob();
  return a;
}

template <class Row>
message_record read_message(Row& r) {
  message_record m;
  m.seq = r.column_int();
  m.id = r.column_text();
  m.event_type = r.column_text();
  m.payload = r.column_blob();
  m.created_at = r.column_time();
  m.application_id = r.column_text();
  m.event_id = r.column_text();
  m.channels = r.column_text();
  m.source_id = r.column_text();
  return m;
}

template <class Row>
event_type_record read_event_type(Row& r) {
  event_type_record t;
  t.name = r.column_text();
  t.description = r.column_text();
  t.archived = r.column_int() != 0;
  t.deprecated = r.column_int() != 0;
  t.schemas = r.column_text();
  t.created_at = r.column_time();
  t.updated_at = r.column_time();
  return t;
}

/// A row of counts_by_application: application id, endpoints enabled and disabled, then
/// pending, failed and all deliveries (delivered = all - pending - failed, as stats_of).
template <class Row>
application_counts read_application_counts(Row& r) {
  application_counts c;
  c.application_id = r.column_text();
  c.endpoints_enabled = r.column_int();
  c.endpoints_disabled = r.column_int();
  c.pending = r.column_int();
  c.failed = r.column_int();
  c.delivered = r.column_int() - c.pending - c.failed;
  return c;
}

template <class Row>
application_record read_application(Row& r) {
  application_record app;
  app.id = r.column_text();
  app.uid = r.column_text();
  app.name = r.column_text();
  app.rate_limit = column_int32(r);
  app.metadata = r.column_text();
  app.created_at = r.column_time();
  app.updated_at = r.column_time();
  return app;
}

template <class Row>
source_record read_source(Row& r) {
  source_record src;
  src.id = r.column_text();
  src.name = r.column_text();
  src.kind = r.column_text();
  src.secret = r.column_text();
  src.previous_secret = r.column_text();
  src.previous_secret_expires_at = r.column_time();
  src.event_type_from = r.column_text();
  src.updated_at = r.column_time();
  src.created_at = r.column_time();
  return src;
}

template <class Row>
idempotency_record read_idempotency(Row& r) {
  idempotency_record rec;
  rec.key = r.column_text();
  rec.request_hash = r.column_text();
  rec.message_id = r.column_text();
  rec.created_at = r.column_time();
  return rec;
}

} // namespace hookd::store::columns
