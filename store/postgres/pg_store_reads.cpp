#include "store/postgres/pg_store_impl.hpp"

#include "store/enum_codes.hpp"
#include "store/listing_sql.hpp"
#include "store/record_columns.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

namespace hookd::store {
namespace {

/// Every row of `r`, each read with `read`.
template <class Read>
auto read_all(pg::result& r, Read read) {
  std::vector<decltype(read(r))> rows;
  rows.reserve(static_cast<std::size_t>(r.rows()));
  while (r.next())
    rows.push_back(read(r));
  return rows;
}

std::int64_t sql_limit(std::size_t n) {
  constexpr auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(std::min(n, max));
}

/// Rows of the attempt log read per round trip by for_each_attempt_since.
constexpr std::int64_t attempts_per_trip = 2000;

} // namespace

std::vector<endpoint_record> pg_store::load_endpoints() {
  auto r = run(pg::stmt::load_endpoints, {}, "load_endpoints");
  return read_all(r, columns::read_endpoint<pg::result>);
}

std::optional<endpoint_record> pg_store::find_endpoint(const std::string& endpoint_id) {
  pg::params p;
  p.bind_text(endpoint_id);
  auto r = run(pg::stmt::find_endpoint, p, "find_endpoint");
  if (!r.next())
    return std::nullopt;
  return columns::read_endpoint(r);
}

std::vector<std::string> pg_store::endpoints_with_pending() {
  auto r = run(pg::stmt::endpoints_with_pending, {}, "endpoints_with_pending");
  return read_all(r, [](pg::result& row) { return row.column_text(); });
}

std::vector<delivery_record> pg_store::load_pending(const std::string& endpoint_id) {
  pg::params p;
  p.bind_text(endpoint_id);
  auto r = run(pg::stmt::load_pending, p, "load_pending");
  return read_all(r, columns::read_delivery<pg::result>);
}

std::vector<std::pair<std::int64_t, std::string>>
pg_store::load_payloads(std::span<const std::int64_t> message_seqs) {
  std::vector<std::int64_t> seqs(message_seqs.begin(), message_seqs.end());
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  std::vector<std::pair<std::int64_t, std::string>> result;
  if (seqs.empty())
    return result;
  pg::params p;
  p.bind_array(pg::int_array(seqs));
  auto r = run(pg::stmt::load_payloads, p, "load_payloads");
  result.reserve(static_cast<std::size_t>(r.rows()));
  while (r.next()) {
    auto seq = r.column_int();
    result.emplace_back(seq, r.column_blob());
  }
  return result;
}

std::vector<endpoint_record> pg_store::list_endpoints(const std::string& after_id,
                                                      std::size_t limit) {
  pg::params p;
  p.bind_text(after_id).bind_int(sql_limit(limit)); // every id sorts after ''
  auto r = run(pg::stmt::list_endpoints, p, "list_endpoints");
  return read_all(r, columns::read_endpoint<pg::result>);
}

std::vector<std::pair<std::string, endpoint_stats>>
pg_store::stats_of(std::span<const std::string> endpoint_ids) {
  std::vector<std::pair<std::string, endpoint_stats>> result;
  if (endpoint_ids.empty())
    return result;
  pg::params p;
  p.bind_array(pg::text_array({endpoint_ids.begin(), endpoint_ids.end()}));
  // One statement, so the figures come from one snapshot even outside begin().
  auto r = run(pg::stmt::delivery_counts, p, "stats_of");
  result.reserve(endpoint_ids.size());
  while (r.next()) {
    auto id = r.column_text();
    endpoint_stats st;
    st.pending = r.column_int();
    st.failed = r.column_int();
    const auto total = r.column_int() + unflushed_total(id); // NULL (no row yet) reads as 0
    st.delivered = total - st.pending - st.failed;
    result.emplace_back(std::move(id), st);
  }
  return result;
}

std::optional<idempotency_record> pg_store::find_idempotency(const std::string& key) {
  pg::params p;
  p.bind_text(key);
  auto r = run(pg::stmt::find_idempotency, p, "find_idempotency");
  if (!r.next())
    return std::nullopt;
  return columns::read_idempotency(r);
}

store_counts pg_store::counts(time_point now) {
  using namespace std::chrono;
  store_counts c;
  pg::params p;
  p.bind_time(now).bind_time(now + minutes{1}).bind_time(now + minutes{10}).bind_time(now + hours{1});
  auto r = run(pg::stmt::pending_counts, p, "counts");
  if (r.next()) {
    c.pending = r.column_int();
    for (auto& bucket : c.pending_by_due)
      bucket = r.column_int();
  }
  auto e = run(pg::stmt::endpoint_counts, {}, "counts");
  if (e.next()) {
    c.endpoints_enabled = e.column_int();
    c.endpoints_disabled = e.column_int();
  }
  return c;
}

std::optional<message_record> pg_store::find_message(const std::string& message_id) {
  pg::params p;
  p.bind_text(message_id);
  auto r = run(pg::stmt::find_message, p, "find_message");
  if (!r.next())
    return std::nullopt;
  return columns::read_message(r);
}

std::vector<delivery_record> pg_store::deliveries_of(std::int64_t message_seq) {
  pg::params p;
  p.bind_int(message_seq);
  auto r = run(pg::stmt::deliveries_of, p, "deliveries_of");
  return read_all(r, columns::read_delivery<pg::result>);
}

std::vector<delivery_record>
pg_store::pending_of_messages(std::span<const std::int64_t> message_seqs) {
  pg::params p;
  p.bind_array(pg::int_array({message_seqs.begin(), message_seqs.end()}));
  auto r = run(pg::stmt::pending_of_messages, p, "pending_of_messages");
  return read_all(r, columns::read_delivery<pg::result>);
}

std::vector<attempt_record> pg_store::attempts_of(const std::string& message_id) {
  pg::params p;
  p.bind_text(message_id);
  auto r = run(pg::stmt::attempts_of, p, "attempts_of");
  return read_all(r, columns::read_attempt<pg::result>);
}

void pg_store::for_each_attempt_since(time_point since, duration longest_attempt,
                                      const attempt_visitor& fn) {
  const time_point stop_before = since - longest_attempt;
  std::int64_t before = std::numeric_limits<std::int64_t>::max();
  for (;;) {
    pg::params p;
    p.bind_int(before).bind_int(attempts_per_trip);
    auto r = run(pg::stmt::recent_attempts, p, "for_each_attempt_since");
    if (r.rows() == 0)
      return;
    while (r.next()) {
      before = r.column_int();
      auto endpoint_id = r.column_text();
      const time_point at = r.column_time();
      const auto outcome = codes::decode<attempt_outcome>(r.column_int());
      if (at < stop_before)
        return;
      if (at >= since)
        fn(endpoint_id, at, outcome);
    }
  }
}

// -- applications and listings ------------------------------------------------------------------

std::vector<endpoint_record> pg_store::list_application_endpoints(const std::string& application_id,
                                                                  const std::string& after_id,
                                                                  std::size_t limit) {
  pg::params p;
  p.bind_text(application_id).bind_text(after_id).bind_int(sql_limit(limit));
  auto r = run(pg::stmt::list_application_endpoints, p, "list_application_endpoints");
  return read_all(r, columns::read_endpoint<pg::result>);
}

std::optional<endpoint_record> pg_store::find_endpoint_by_uid(const std::string& application_id,
                                                              const std::string& uid) {
  pg::params p;
  p.bind_text(application_id).bind_text(uid);
  auto r = run(pg::stmt::find_endpoint_by_uid, p, "find_endpoint_by_uid");
  if (!r.next())
    return std::nullopt;
  return columns::read_endpoint(r);
}

std::optional<application_record> pg_store::find_application(const std::string& application_id) {
  pg::params p;
  p.bind_text(application_id);
  auto r = run(pg::stmt::find_application, p, "find_application");
  if (!r.next())
    return std::nullopt;
  return columns::read_application(r);
}

std::optional<application_record> pg_store::find_application_by_uid(const std::string& uid) {
  pg::params p;
  p.bind_text(uid);
  auto r = run(pg::stmt::find_application_by_uid, p, "find_application_by_uid");
  if (!r.next())
    return std::nullopt;
  return columns::read_application(r);
}

std::vector<application_record> pg_store::list_applications(const std::string& after_id,
                                                            std::size_t limit) {
  pg::params p;
  p.bind_text(after_id).bind_int(sql_limit(limit));
  auto r = run(pg::stmt::list_applications, p, "list_applications");
  return read_all(r, columns::read_application<pg::result>);
}

std::optional<event_type_record> pg_store::find_event_type(const std::string& name) {
  pg::params p;
  p.bind_text(name);
  auto r = run(pg::stmt::find_event_type, p, "find_event_type");
  if (!r.next())
    return std::nullopt;
  return columns::read_event_type(r);
}

std::vector<event_type_record> pg_store::list_event_types(const std::string& after_name,
                                                          std::size_t limit) {
  pg::params p;
  p.bind_text(after_name).bind_int(sql_limit(limit));
  auto r = run(pg::stmt::list_event_types, p, "list_event_types");
  return read_all(r, columns::read_event_type<pg::result>);
}

std::vector<application_counts> pg_store::counts_by_application() {
  auto r = run(pg::stmt::counts_by_application, {}, "counts_by_application");
  return read_all(r, columns::read_application_counts<pg::result>);
}

namespace {

/// The parameters of a listing built per call (store/listing_sql.hpp).
pg::params listing_params(const listing::sql_query& q) {
  pg::params p;
  for (const auto& v : q.params) {
    if (const auto* i = std::get_if<std::int64_t>(&v))
      p.bind_int(*i);
    else
      p.bind_text(std::get<std::string>(v));
  }
  return p;
}

} // namespace

std::int64_t pg_store::newest_seq(pg::stmt max_seq, std::string_view op) {
  auto r = run(max_seq, {}, op);
  return r.next() ? r.column_int() : 0;
}

message_page pg_store::list_messages(const message_filter& f, std::size_t limit,
                                     std::size_t scan_limit) {
  constexpr std::string_view op = "list_messages";
  const auto w = listing::window_of(
      f.before_seq, f.before_seq > 0 ? 0 : newest_seq(pg::stmt::max_message_seq, op), f.scans(),
      scan_limit);
  const auto q = listing::messages(listing::dialect::postgres, f, w, limit + 1);
  settle();
  auto r = db().exec(q.sql, listing_params(q), op);
  message_page page;
  page.messages = read_all(r, columns::read_message<pg::result>);
  page.next_before = listing::finish_page(page.messages, limit, w);
  return page;
}

attempt_page pg_store::list_attempts(const attempt_filter& f, std::size_t limit,
                                     std::size_t scan_limit) {
  constexpr std::string_view op = "list_attempts";
  const auto w = listing::window_of(
      f.before_seq, f.before_seq > 0 ? 0 : newest_seq(pg::stmt::max_attempt_seq, op), true,
      scan_limit);
  const auto q = listing::attempts(listing::dialect::postgres, f, w, limit + 1);
  settle();
  auto r = db().exec(q.sql, listing_params(q), op);
  attempt_page page;
  page.attempts = read_all(r, columns::read_attempt<pg::result>);
  page.next_before = listing::finish_page(page.attempts, limit, w);
  return page;
}

std::optional<attempt_record> pg_store::find_attempt(std::int64_t seq) {
  pg::params p;
  p.bind_int(seq);
  auto r = run(pg::stmt::find_attempt, p, "find_attempt");
  if (!r.next())
    return std::nullopt;
  return columns::read_attempt(r);
}

} // namespace hookd::store
