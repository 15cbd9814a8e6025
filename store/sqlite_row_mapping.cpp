#include "store/sqlite_row_mapping.hpp"

#include "store/event_types_json.hpp"

namespace hookd::store::sqlite {
namespace {

using codes::decode;
using codes::encode;

std::int32_t column_int32(query& q) {
  return static_cast<std::int32_t>(q.column_int());
}

} // namespace

void bind_endpoint(query& q, const endpoint_record& ep, const std::string& event_types_json) {
  q.bind_text(ep.id)
      .bind_text(ep.url)
      .bind_text(ep.description)
      .bind_text(event_types_json)
      .bind_text(ep.secret)
      .bind_text(ep.previous_secret)
      .bind_time(ep.previous_secret_expires_at)
      .bind_int(encode(ep.scheme))
      .bind_real(ep.rate_limit_per_s)
      .bind_int(ep.max_concurrency)
      .bind_int(ep.timeout_ms)
      .bind_int(encode(ep.status))
      .bind_int(encode(ep.reason))
      .bind_time(ep.failing_since)
      .bind_time(ep.created_at)
      .bind_time(ep.updated_at);
}

endpoint_record read_endpoint(query& q) {
  endpoint_record ep;
  ep.id = q.column_text();
  ep.url = q.column_text();
  ep.description = q.column_text();
  ep.event_types = decode_event_types(q.column_text());
  ep.secret = q.column_text();
  ep.previous_secret = q.column_text();
  ep.previous_secret_expires_at = q.column_time();
  ep.scheme = decode<signature_scheme>(q.column_int());
  ep.rate_limit_per_s = q.column_real();
  ep.max_concurrency = column_int32(q);
  ep.timeout_ms = column_int32(q);
  ep.status = decode<endpoint_status>(q.column_int());
  ep.reason = decode<disabled_reason>(q.column_int());
  ep.failing_since = q.column_time();
  ep.created_at = q.column_time();
  ep.updated_at = q.column_time();
  return ep;
}

delivery_record read_delivery(query& q) {
  delivery_record d;
  d.id = q.column_int();
  d.message_seq = q.column_int();
  d.message_id = q.column_text();
  d.endpoint_id = q.column_text();
  d.status = decode<delivery_status>(q.column_int());
  d.reason = decode<failure_reason>(q.column_int());
  d.attempts = column_int32(q);
  d.first_attempt_at = q.column_time();
  d.next_attempt_at = q.column_time();
  d.last_status_code = column_int32(q);
  d.last_error = decode<attempt_error>(q.column_int());
  d.created_at = q.column_time();
  d.updated_at = q.column_time();
  return d;
}

attempt_record read_attempt(query& q) {
  attempt_record a;
  a.seq = q.column_int();
  a.delivery_id = q.column_int();
  a.message_id = q.column_text();
  a.endpoint_id = q.column_text();
  a.at = q.column_time();
  a.outcome = decode<attempt_outcome>(q.column_int());
  a.status_code = column_int32(q);
  a.elapsed = duration{q.column_int()};
  a.error = decode<attempt_error>(q.column_int());
  a.error_detail = q.column_text();
  a.response_body = q.column_blob();
  return a;
}

message_record read_message(query& q) {
  message_record m;
  m.seq = q.column_int();
  m.id = q.column_text();
  m.event_type = q.column_text();
  m.payload = q.column_blob();
  m.created_at = q.column_time();
  return m;
}

idempotency_record read_idempotency(query& q) {
  idempotency_record r;
  r.key = q.column_text();
  r.request_hash = q.column_text();
  r.message_id = q.column_text();
  r.created_at = q.column_time();
  return r;
}

} // namespace hookd::store::sqlite
