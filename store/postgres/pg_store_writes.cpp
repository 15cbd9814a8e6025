#include "store/postgres/pg_store_impl.hpp"

#include "store/enum_codes.hpp"
#include "store/event_types_json.hpp"
#include "store/write_rules.hpp"
#include "store/record_columns.hpp"

#include <algorithm>
#include <utility>

namespace hookd::store {
namespace {

using codes::encode;

/// $5-$13 of insert_message: one array per delivery column.
void bind_delivery_arrays(pg::params& p, const message_record& msg,
                          const std::vector<delivery_record>& deliveries) {
  std::vector<std::string> endpoint_ids;
  std::vector<std::int64_t> status, reason, attempts, codes, errors;
  std::vector<time_point> first, next, updated;
  for (const auto& d : deliveries) {
    endpoint_ids.push_back(d.endpoint_id);
    status.push_back(encode(d.status));
    reason.push_back(encode(d.reason));
    attempts.push_back(d.attempts);
    first.push_back(d.first_attempt_at);
    next.push_back(d.next_attempt_at);
    codes.push_back(d.last_status_code);
    errors.push_back(encode(d.last_error));
    updated.push_back(initial_update_time(msg, d));
  }
  p.bind_array(pg::text_array(endpoint_ids))
      .bind_array(pg::int_array(status))
      .bind_array(pg::int_array(reason))
      .bind_array(pg::int_array(attempts))
      .bind_array(pg::time_array(first))
      .bind_array(pg::time_array(next))
      .bind_array(pg::int_array(codes))
      .bind_array(pg::int_array(errors))
      .bind_array(pg::time_array(updated));
}

/// $1-$9 of record_attempt and update_delivery: the delivery's new state and its id.
void bind_update(pg::params& p, const delivery_update& d) {
  columns::bind_delivery_state(p, d, d.at);
  p.bind_int(d.delivery_id);
}

std::optional<endpoint_record> first_endpoint(pg::result& r) {
  if (!r.next())
    return std::nullopt;
  return columns::read_endpoint(r);
}

} // namespace

void pg_store::insert_message(message_record& msg, std::vector<delivery_record>& deliveries,
                              bool endpoints_named) {
  constexpr std::string_view op = "insert_message";
  const bool fan_out_here = options_.fan_out_in_store && !endpoints_named;
  atomically(op, [&] {
    pg::params p;
    p.bind_text(msg.id).bind_text(msg.event_type).bind_blob(msg.payload).bind_time(msg.created_at);
    if (fan_out_here) { // the subscribers as the endpoints table has them now
      p.bind_text(options_.fan_out_excluding).bind_time(msg.created_at);
      p.bind_text_or_null(msg.application_id)
          .bind_text_or_null(msg.event_id)
          .bind_text_or_null(msg.channels)
          .bind_text_or_null(msg.source_id);
      write(pg::stmt::insert_message_fanout, p, op, [this, &msg, &deliveries](pg::result& r) {
        inserted(r, msg, deliveries, true);
      });
      return;
    }
    // The named endpoints' check comes first; the insert itself writes nothing unless each of
    // them is enabled ($14), so it needs no answer before it is sent.
    if (endpoints_named)
      require_enabled(deliveries, op);
    bind_delivery_arrays(p, msg, deliveries);
    p.bind_int(endpoints_named ? 1 : 0);
    p.bind_text_or_null(msg.application_id)
        .bind_text_or_null(msg.event_id)
        .bind_text_or_null(msg.channels)
        .bind_text_or_null(msg.source_id);
    write(pg::stmt::insert_message, p, op, [this, &msg, &deliveries](pg::result& r) {
      inserted(r, msg, deliveries, false);
    });
  });
}

void pg_store::inserted(pg::result& r, message_record& msg,
                        std::vector<delivery_record>& deliveries, bool fanned_out) {
  constexpr std::string_view op = "insert_message";
  if (r.rows() == 0)
    throw error(std::string{op} + ": a message with id " + msg.id +
                    (msg.event_id.empty() ? "" : " or event id " + msg.event_id) + " exists already",
                error::kind::conflict);
  std::int64_t seq = 0;
  std::vector<std::pair<std::int64_t, std::string>> stored; // (delivery id, endpoint id)
  while (r.next()) {
    seq = r.column_int();
    if (r.is_null())
      break; // no delivery was stored
    auto id = r.column_int();
    stored.emplace_back(id, r.column_text());
  }
  for (const auto& [id, endpoint_id] : stored) {
    ++totals_delta_[endpoint_id];
    work_added(seq, endpoint_id);
  }
  msg.seq = seq;
  std::vector<delivery_record> kept;
  kept.reserve(stored.size());
  std::size_t next = 0;
  for (auto& [id, endpoint_id] : stored) {
    delivery_record d;
    if (fanned_out) { // a new pending delivery, due at once (insert_message_fanout)
      d.endpoint_id = endpoint_id;
      d.next_attempt_at = msg.created_at;
    } else {
      // Rows come back in delivery-id order, which is the order of `deliveries`: match each
      // stored row to the next delivery with its endpoint id.
      while (next < deliveries.size() && deliveries[next].endpoint_id != endpoint_id)
        ++next;
      if (next == deliveries.size())
        throw error(std::string{op} + ": the database returned a delivery for endpoint " +
                    endpoint_id + " that was not asked for");
      d = std::move(deliveries[next++]);
    }
    d.updated_at = initial_update_time(msg, d);
    d.id = id;
    d.message_seq = seq;
    d.message_id = msg.id;
    d.created_at = msg.created_at;
    kept.push_back(std::move(d));
  }
  deliveries = std::move(kept);
}

void pg_store::put_idempotency(const idempotency_record& rec) {
  constexpr std::string_view op = "put_idempotency";
  atomically(op, [&] {
    pg::params p;
    p.bind_text(rec.key).bind_text(rec.request_hash).bind_text(rec.message_id).bind_time(
        rec.created_at);
    write(pg::stmt::put_idempotency, p, op, [op](pg::result& r) {
      if (r.affected() == 0)
        throw error(std::string{op} + ": the Idempotency-Key exists already",
                    error::kind::conflict);
    });
  });
}

void pg_store::record_attempt(attempt_record& a, const delivery_update& d) {
  constexpr std::string_view op = "record_attempt";
  check_attempt_matches(a, d);
  atomically(op, [&] {
    pg::params p;
    bind_update(p, d);
    p.bind_time(a.at)
        .bind_int(encode(a.outcome))
        .bind_int(a.status_code)
        .bind_int(a.elapsed.count())
        .bind_int(encode(a.error))
        .bind_text(a.error_detail)
        .bind_blob(a.response_body);
    write(pg::stmt::record_attempt, p, op, [&a, op, id = d.delivery_id](pg::result& r) {
      if (!r.next())
        throw error(std::string{op} + ": no delivery with id " + std::to_string(id),
                    error::kind::missing);
      a.seq = r.column_int();
    });
  });
  a.delivery_id = d.delivery_id;
}

void pg_store::update_delivery(const delivery_update& d) {
  constexpr std::string_view op = "update_delivery";
  atomically(op, [&] { apply_update(d, op); });
}

void pg_store::put_endpoint(const endpoint_record& ep) {
  constexpr std::string_view op = "put_endpoint";
  atomically(op, [&] {
    pg::params p;
    columns::bind_endpoint(p, ep, columns::endpoint_text_columns{ep});
    if (run(pg::stmt::put_endpoint, p, op).rows() == 0)
      throw error(std::string{op} + ": another endpoint of the application has uid " +
                      ep.tenancy().uid,
                  error::kind::conflict);
    endpoint_changed(ep.id);
  });
}

std::optional<endpoint_record> pg_store::update_endpoint(const endpoint_record& ep,
                                                         std::uint32_t fields) {
  constexpr std::string_view op = "update_endpoint";
  std::optional<endpoint_record> after;
  atomically(op, [&] {
    pg::params p;
    const columns::endpoint_text_columns text{ep};
    p.bind_text(ep.id)
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
    auto r = run(pg::stmt::update_endpoint, p, op);
    after = first_endpoint(r);
    if (after)
      endpoint_changed(ep.id);
    else if ((fields & endpoint_field::uid) != 0 && !ep.tenancy().uid.empty() && find_endpoint(ep.id))
      throw error(std::string{op} + ": another endpoint of the application has uid " + ep.tenancy().uid,
                  error::kind::conflict);
  });
  return after;
}

std::optional<endpoint_record> pg_store::rotate_secret(const std::string& endpoint_id,
                                                       const std::string& secret,
                                                       time_point previous_expires_at,
                                                       time_point at) {
  constexpr std::string_view op = "rotate_secret";
  std::optional<endpoint_record> after;
  atomically(op, [&] {
    pg::params p;
    p.bind_time(previous_expires_at).bind_text(secret).bind_time(at).bind_text(endpoint_id);
    auto r = run(pg::stmt::rotate_secret, p, op);
    after = first_endpoint(r);
    if (after)
      endpoint_changed(endpoint_id);
  });
  return after;
}

void pg_store::set_endpoint_status(const std::string& endpoint_id, endpoint_status status,
                                   disabled_reason reason, time_point at) {
  constexpr std::string_view op = "set_endpoint_status";
  atomically(op, [&] {
    pg::params p;
    p.bind_int(encode(status)).bind_int(encode(reason)).bind_time(at).bind_text(endpoint_id);
    run(pg::stmt::set_endpoint_status, p, op);
    endpoint_changed(endpoint_id);
  });
}

void pg_store::set_failing_since(const std::string& endpoint_id, time_point since) {
  constexpr std::string_view op = "set_failing_since";
  atomically(op, [&] {
    pg::params p;
    p.bind_time(since).bind_text(endpoint_id);
    run(pg::stmt::set_failing_since, p, op);
    endpoint_changed(endpoint_id); // the 24-hour clock must survive a failover
  });
}

std::size_t pg_store::fail_pending(const std::string& endpoint_id, failure_reason reason,
                                   time_point at) {
  constexpr std::string_view op = "fail_pending";
  std::size_t n = 0;
  atomically(op, [&] {
    pg::params p;
    p.bind_int(encode(reason)).bind_time(at).bind_text(endpoint_id);
    n = run(pg::stmt::fail_pending, p, op).affected();
    endpoint_changed(endpoint_id);
  });
  return n;
}

endpoint_deletion pg_store::delete_endpoint(const std::string& endpoint_id, time_point at) {
  constexpr std::string_view op = "delete_endpoint";
  endpoint_deletion result;
  atomically(op, [&] {
    pg::params p;
    p.bind_text(endpoint_id).bind_int(encode(failure_reason::endpoint_deleted)).bind_time(at);
    auto r = run(pg::stmt::delete_endpoint, p, op);
    endpoint_changed(endpoint_id);
    if (r.next()) {
      result.failed = static_cast<std::size_t>(r.column_int());
      result.existed = r.column_int() > 0;
    }
  });
  return result;
}

std::size_t pg_store::requeue_failed(const std::string& endpoint_id, time_point since,
                                     time_point now) {
  constexpr std::string_view op = "requeue_failed";
  std::size_t n = 0;
  atomically(op, [&] {
    pg::params p;
    p.bind_time(now).bind_text(endpoint_id).bind_time(since);
    n = run(pg::stmt::requeue_failed, p, op).affected();
    endpoint_changed(endpoint_id);
  });
  return n;
}

std::vector<delivery_record> pg_store::requeue_message(std::int64_t message_seq,
                                                       time_point now) {
  constexpr std::string_view op = "requeue_message";
  std::vector<delivery_record> pending;
  atomically(op, [&] {
    pg::params p;
    p.bind_time(now).bind_int(message_seq);
    run(pg::stmt::requeue_message, p, op);
    pg::params q;
    q.bind_int(message_seq);
    auto r = run(pg::stmt::pending_of_message, q, op);
    while (r.next())
      pending.push_back(columns::read_delivery(r));
    for (const auto& d : pending)
      work_added(message_seq, d.endpoint_id);
  });
  return pending;
}

std::vector<delivery_record> pg_store::requeue_delivery(std::int64_t message_seq,
                                                        const std::string& endpoint_id,
                                                        time_point now) {
  constexpr std::string_view op = "requeue_delivery";
  std::vector<delivery_record> pending;
  atomically(op, [&] {
    pg::params p;
    p.bind_time(now).bind_int(message_seq).bind_text(endpoint_id);
    run(pg::stmt::requeue_delivery, p, op);
    pg::params q;
    q.bind_int(message_seq);
    auto r = run(pg::stmt::pending_of_message, q, op);
    while (r.next()) {
      auto d = columns::read_delivery(r);
      if (d.endpoint_id == endpoint_id)
        pending.push_back(std::move(d));
    }
    for (const auto& d : pending)
      work_added(message_seq, d.endpoint_id);
  });
  return pending;
}

// -- write steps ----------------------------------------------------------------------------------

void pg_store::require_enabled(const std::vector<delivery_record>& deliveries,
                               std::string_view op) {
  std::vector<std::string> ids;
  ids.reserve(deliveries.size());
  for (const auto& d : deliveries)
    ids.push_back(d.endpoint_id);
  pg::params p;
  p.bind_array(pg::text_array(ids));
  write(pg::stmt::named_endpoints, p, op, [op](pg::result& r) {
    while (r.next()) {
      auto id = r.column_text();
      if (r.is_null())
        throw error(std::string{op} + ": no endpoint " + id, error::kind::missing);
      if (codes::decode<endpoint_status>(r.column_int()) != endpoint_status::enabled)
        throw error(std::string{op} + ": endpoint " + id + " is disabled", error::kind::disabled);
    }
  });
}

void pg_store::apply_update(const delivery_update& d, std::string_view op) {
  pg::params p;
  bind_update(p, d);
  write(pg::stmt::update_delivery, p, op, [op, id = d.delivery_id](pg::result& r) {
    if (!r.next())
      return;
    const auto changed = r.column_int();
    const bool exists = r.column_int() != 0;
    if (changed == 0 && !exists)
      throw error(std::string{op} + ": no delivery with id " + std::to_string(id),
                  error::kind::missing);
  });
}

// -- applications ------------------------------------------------------------------------------

void pg_store::insert_application(const application_record& app) {
  constexpr std::string_view op = "insert_application";
  atomically(op, [&] {
    pg::params p;
    columns::bind_application(p, app);
    if (run(pg::stmt::insert_application, p, op).rows() == 0)
      throw error(std::string{op} + ": an application with id " + app.id +
                      (app.uid.empty() ? "" : " or uid " + app.uid) + " exists already",
                  error::kind::conflict);
  });
}

bool pg_store::update_application(const application_record& app) {
  constexpr std::string_view op = "update_application";
  bool changed = false;
  atomically(op, [&] {
    pg::params p;
    p.bind_text(app.id)
        .bind_text_or_null(app.uid)
        .bind_text(app.name)
        .bind_int(app.rate_limit)
        .bind_text(app.metadata)
        .bind_time(app.updated_at);
    auto r = run(pg::stmt::update_application, p, op);
    if (!r.next())
      return;
    if (r.column_int() != 0)
      throw error(std::string{op} + ": another application has uid " + app.uid,
                  error::kind::conflict);
    changed = r.column_int() > 0;
  });
  return changed;
}

void pg_store::put_event_type(const event_type_record& t) {
  constexpr std::string_view op = "put_event_type";
  atomically(op, [&] {
    pg::params p;
    columns::bind_event_type(p, t);
    run(pg::stmt::put_event_type, p, op);
  });
}

bool pg_store::delete_application(const std::string& application_id) {
  constexpr std::string_view op = "delete_application";
  bool existed = false;
  atomically(op, [&] {
    pg::params p;
    p.bind_text(application_id);
    existed = run(pg::stmt::delete_application, p, op).affected() > 0;
  });
  return existed;
}

} // namespace hookd::store
