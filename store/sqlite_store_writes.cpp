#include "store/sqlite_store_impl.hpp"

#include "store/enum_codes.hpp"
#include "store/event_types_json.hpp"
#include "store/write_rules.hpp"
#include "store/sqlite_row_mapping.hpp"

#include <utility>

namespace hookd::store {
namespace {

using codes::encode;
using sqlite::bind_delivery_state;
using sqlite::bind_endpoint;
using sqlite::query;
using sqlite::read_all;
using sqlite::read_delivery;
using sqlite::read_endpoint;

} // namespace

void sqlite_store::insert_message(message_record& msg, std::vector<delivery_record>& deliveries,
                                  bool endpoints_named) {
  constexpr std::string_view op = "insert_message";
  std::int64_t seq = 0;
  std::vector<std::int64_t> ids;
  ids.reserve(deliveries.size());
  atomically(op, [&] {
    if (endpoints_named) // checked before the first write: a refusal leaves nothing behind
      for (const auto& d : deliveries)
        require_enabled(d.endpoint_id, op);
    query q{sql_.insert_message, op};
    q.bind_text(msg.id)
        .bind_text(msg.event_type)
        .bind_blob(msg.payload)
        .bind_time(msg.created_at)
        .bind_text_or_null(msg.application_id)
        .bind_text_or_null(msg.event_id)
        .bind_text_or_null(msg.channels)
        .bind_text_or_null(msg.source_id);
    q.run(); // a taken id, (application, event_id) or (source, event_id) fails here, first
    seq = db_.last_insert_rowid();
    for (const auto& d : deliveries)
      ids.push_back(insert_delivery(seq, d, initial_update_time(msg, d)));
    for (std::size_t i = 0; i < deliveries.size(); ++i) // last: only once every row is written
      if (ids[i] != 0)
        ++totals_delta_[deliveries[i].endpoint_id];
  });
  msg.seq = seq;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < deliveries.size(); ++i) {
    if (ids[i] == 0)
      continue; // its endpoint is gone or disabled: no delivery
    auto& d = deliveries[kept++];
    if (kept - 1 != i)
      d = std::move(deliveries[i]);
    d.updated_at = initial_update_time(msg, d);
    d.id = ids[i];
    d.message_seq = seq;
    d.message_id = msg.id;
    d.created_at = msg.created_at;
  }
  deliveries.resize(kept);
}

void sqlite_store::put_idempotency(const idempotency_record& rec) {
  check_writable("put_idempotency");
  query q{sql_.put_idempotency, "put_idempotency"};
  q.bind_text(rec.key)
      .bind_text(rec.request_hash)
      .bind_text(rec.message_id)
      .bind_time(rec.created_at);
  q.run(); // a key that exists fails the primary key: nothing written
}

void sqlite_store::record_attempt(attempt_record& a, const delivery_update& d) {
  constexpr std::string_view op = "record_attempt";
  check_attempt_matches(a, d);
  atomically(op, [&] {
    apply_update(d, op);
    query q{sql_.insert_attempt, op};
    q.bind_time(a.at)
        .bind_int(encode(a.outcome))
        .bind_int(a.status_code)
        .bind_int(a.elapsed.count())
        .bind_int(encode(a.error))
        .bind_text(a.error_detail)
        .bind_blob(a.response_body)
        .bind_int(d.delivery_id);
    q.run();
    a.seq = db_.last_insert_rowid();
  });
  a.delivery_id = d.delivery_id;
}

void sqlite_store::update_delivery(const delivery_update& d) {
  check_writable("update_delivery");
  apply_update(d, "update_delivery");
}

void sqlite_store::put_endpoint(const endpoint_record& ep) {
  check_writable("put_endpoint");
  const columns::endpoint_text_columns text{ep};
  query q{sql_.put_endpoint, "put_endpoint"};
  bind_endpoint(q, ep, text);
  q.run(); // a uid another endpoint of the application has fails endpoints_by_uid (conflict)
}

std::optional<endpoint_record> sqlite_store::update_endpoint(const endpoint_record& ep,
                                                             std::uint32_t fields) {
  constexpr std::string_view op = "update_endpoint";
  bool found = false;
  atomically(op, [&] {
    const columns::endpoint_text_columns text{ep};
    query q{sql_.update_endpoint, op};
    q.bind_text(ep.id)
        .bind_time(ep.updated_at)
        .bind_int(fields)
        .bind_text(ep.url)
        .bind_text(ep.description)
        .bind_text(text.event_types)
        .bind_int(encode(ep.scheme))
        .bind_real(ep.rate_limit_per_s)
        .bind_int(ep.max_concurrency)
        .bind_int(ep.timeout_ms)
        .bind_text(ep.secret)
        .bind_text_or_null(ep.tenancy().uid)
        .bind_text(text.headers)
        .bind_text(ep.tenancy().metadata);
    q.run();
    found = db_.changes() > 0;
  });
  return found ? find_endpoint(ep.id) : std::nullopt;
}

std::optional<endpoint_record> sqlite_store::rotate_secret(const std::string& endpoint_id,
                                                           const std::string& secret,
                                                           time_point previous_expires_at,
                                                           time_point at) {
  check_writable("rotate_secret");
  query q{sql_.rotate_secret, "rotate_secret"};
  q.bind_time(previous_expires_at).bind_text(secret).bind_time(at).bind_text(endpoint_id);
  q.run();
  return db_.changes() > 0 ? find_endpoint(endpoint_id) : std::nullopt;
}

void sqlite_store::set_endpoint_status(const std::string& endpoint_id, endpoint_status status,
                                       disabled_reason reason, time_point at) {
  check_writable("set_endpoint_status");
  query q{sql_.set_endpoint_status, "set_endpoint_status"};
  q.bind_int(encode(status)).bind_int(encode(reason)).bind_time(at).bind_text(endpoint_id);
  q.run();
}

void sqlite_store::set_failing_since(const std::string& endpoint_id, time_point since) {
  check_writable("set_failing_since");
  query q{sql_.set_failing_since, "set_failing_since"};
  q.bind_time(since).bind_text(endpoint_id);
  q.run();
}

std::size_t sqlite_store::fail_pending(const std::string& endpoint_id, failure_reason reason,
                                       time_point at) {
  check_writable("fail_pending");
  return fail_pending_rows(endpoint_id, reason, at, "fail_pending");
}

endpoint_deletion sqlite_store::delete_endpoint(const std::string& endpoint_id, time_point at) {
  constexpr std::string_view op = "delete_endpoint";
  endpoint_deletion result;
  atomically(op, [&] {
    result.failed = fail_pending_rows(endpoint_id, failure_reason::endpoint_deleted, at, op);
    query q{sql_.delete_endpoint, op};
    q.bind_text(endpoint_id);
    q.run();
    result.existed = db_.changes() > 0;
  });
  return result;
}

std::size_t sqlite_store::requeue_failed(const std::string& endpoint_id, time_point since,
                                         time_point now) {
  check_writable("requeue_failed");
  query q{sql_.requeue_failed, "requeue_failed"};
  q.bind_time(now).bind_text(endpoint_id).bind_time(since);
  q.run();
  return changed_rows();
}

std::vector<delivery_record> sqlite_store::requeue_message(std::int64_t message_seq,
                                                           time_point now) {
  return requeue_then_read(sql_.requeue_message, "requeue_message", message_seq,
                           [&](query& q) { q.bind_time(now).bind_int(message_seq); });
}

std::vector<delivery_record> sqlite_store::requeue_then_read(sqlite::statement& requeue,
                                                             std::string_view op,
                                                             std::int64_t message_seq,
                                                             const std::function<void(query&)>& bind) {
  std::vector<delivery_record> pending;
  atomically(op, [&] {
    {
      query q{requeue, op};
      bind(q);
      q.run();
    }
    query q{sql_.pending_of_message, op};
    q.bind_int(message_seq);
    pending = read_all(q, read_delivery);
  });
  return pending;
}

std::vector<delivery_record> sqlite_store::requeue_delivery(std::int64_t message_seq,
                                                            const std::string& endpoint_id,
                                                            time_point now) {
  auto pending = requeue_then_read(sql_.requeue_delivery, "requeue_delivery", message_seq, [&](query& q) {
    q.bind_time(now).bind_int(message_seq).bind_text(endpoint_id);
  });
  std::erase_if(pending, [&](const delivery_record& d) { return d.endpoint_id != endpoint_id; });
  return pending;
}

// -- write steps ----------------------------------------------------------------------------------

void sqlite_store::require_enabled(const std::string& endpoint_id, std::string_view op) {
  query q{sql_.find_endpoint, op};
  q.bind_text(endpoint_id);
  if (!q.step())
    throw error(std::string{op} + ": no endpoint " + endpoint_id, error::kind::missing);
  if (read_endpoint(q).status != endpoint_status::enabled)
    throw error(std::string{op} + ": endpoint " + endpoint_id + " is disabled",
                error::kind::disabled);
}

std::int64_t sqlite_store::insert_delivery(std::int64_t message_seq, const delivery_record& d,
                                           time_point updated_at) {
  query q{sql_.insert_delivery, "insert_message"};
  q.bind_int(message_seq).bind_text(d.endpoint_id);
  bind_delivery_state(q, d, updated_at);
  q.run();
  return db_.changes() == 0 ? 0 : db_.last_insert_rowid();
}

void sqlite_store::apply_update(const delivery_update& d, std::string_view op) {
  {
    query q{sql_.update_delivery, op};
    bind_delivery_state(q, d, d.at);
    q.bind_int(d.delivery_id);
    q.run();
    if (db_.changes() > 0)
      return;
  }
  query q{sql_.delivery_exists, op};
  q.bind_int(d.delivery_id);
  if (!q.step())
    throw error(std::string{op} + ": no delivery with id " + std::to_string(d.delivery_id) +
                    " (database " + db_.path() + ")",
                error::kind::missing);
}

std::size_t sqlite_store::fail_pending_rows(const std::string& endpoint_id, failure_reason reason,
                                            time_point at, std::string_view op) {
  query q{sql_.fail_pending, op};
  q.bind_int(encode(reason)).bind_time(at).bind_text(endpoint_id);
  q.run();
  return changed_rows();
}

// -- applications ------------------------------------------------------------------------------

void sqlite_store::insert_application(const application_record& app) {
  check_writable("insert_application");
  query q{sql_.insert_application, "insert_application"};
  columns::bind_application(q, app);
  q.run(); // a taken id or uid fails a unique index (conflict): nothing written
}

bool sqlite_store::update_application(const application_record& app) {
  check_writable("update_application");
  query q{sql_.update_application, "update_application"};
  q.bind_text(app.id)
      .bind_text_or_null(app.uid)
      .bind_text(app.name)
      .bind_int(app.rate_limit)
      .bind_text(app.metadata)
      .bind_time(app.updated_at);
  q.run();
  return changed_rows() > 0;
}

void sqlite_store::put_event_type(const event_type_record& t) {
  check_writable("put_event_type");
  query q{sql_.put_event_type, "put_event_type"};
  columns::bind_event_type(q, t);
  q.run();
}

bool sqlite_store::delete_application(const std::string& application_id) {
  check_writable("delete_application");
  query q{sql_.delete_application, "delete_application"};
  q.bind_text(application_id);
  q.run();
  return changed_rows() > 0;
}

} // namespace hookd::store
