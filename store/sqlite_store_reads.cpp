#include "store/sqlite_store_impl.hpp"

#include "store/listing_sql.hpp"
#include "store/sqlite_row_mapping.hpp"

#include <algorithm>
#include <chrono>

namespace hookd::store {

using sqlite::payload_chunk;
using sqlite::query;
using sqlite::read_all;
using sqlite::read_attempt;
using sqlite::read_delivery;
using sqlite::read_endpoint;
using sqlite::read_idempotency;
using sqlite::read_application;
using sqlite::read_message;
using sqlite::sql_limit;

std::vector<endpoint_record> sqlite_store::load_endpoints() {
  query q{sql_.load_endpoints, "load_endpoints"};
  return read_all(q, read_endpoint);
}

std::optional<endpoint_record> sqlite_store::find_endpoint(const std::string& endpoint_id) {
  query q{sql_.find_endpoint, "find_endpoint"};
  q.bind_text(endpoint_id);
  if (!q.step())
    return std::nullopt;
  return read_endpoint(q);
}

std::vector<std::string> sqlite_store::endpoints_with_pending() {
  query q{sql_.endpoints_with_pending, "endpoints_with_pending"};
  return read_all(q, [](query& row) { return row.column_text(); });
}

std::vector<delivery_record> sqlite_store::load_pending(const std::string& endpoint_id) {
  query q{sql_.load_pending, "load_pending"};
  q.bind_text(endpoint_id);
  return read_all(q, read_delivery);
}

std::vector<std::pair<std::int64_t, std::string>>
sqlite_store::load_payloads(std::span<const std::int64_t> message_seqs) {
  std::vector<std::int64_t> seqs(message_seqs.begin(), message_seqs.end());
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  std::vector<std::pair<std::int64_t, std::string>> result;
  result.reserve(seqs.size());
  for (std::size_t first = 0; first < seqs.size(); first += payload_chunk)
    load_payload_chunk(std::span{seqs}.subspan(first), result);
  return result;
}

std::vector<endpoint_record> sqlite_store::list_endpoints(const std::string& after_id,
                                                          std::size_t limit) {
  query q{sql_.list_endpoints, "list_endpoints"};
  q.bind_text(after_id).bind_int(sql_limit(limit)); // every id sorts after ''
  return read_all(q, read_endpoint);
}

std::vector<std::pair<std::string, endpoint_stats>>
sqlite_store::stats_of(std::span<const std::string> endpoint_ids) {
  constexpr std::string_view op = "stats_of";
  std::vector<std::pair<std::string, endpoint_stats>> result;
  result.reserve(endpoint_ids.size());
  for (const auto& id : endpoint_ids) {
    endpoint_stats st;
    // One statement, so the three figures come from one snapshot even outside begin().
    query q{sql_.delivery_counts, op};
    q.bind_text(id);
    if (q.step()) {
      st.pending = q.column_int();
      st.failed = q.column_int();
      auto total = q.column_int() + unflushed_total(id);
      st.delivered = total - st.pending - st.failed;
    }
    result.emplace_back(id, st);
  }
  return result;
}

std::optional<idempotency_record> sqlite_store::find_idempotency(const std::string& key) {
  query q{sql_.find_idempotency, "find_idempotency"};
  q.bind_text(key);
  if (!q.step())
    return std::nullopt;
  return read_idempotency(q);
}

store_counts sqlite_store::counts(time_point now) {
  constexpr std::string_view op = "counts";
  store_counts c;
  {
    using namespace std::chrono;
    query q{sql_.pending_counts, op};
    q.bind_time(now).bind_time(now + minutes{1}).bind_time(now + minutes{10}).bind_time(now + hours{1});
    if (q.step()) {
      c.pending = q.column_int();
      for (auto& bucket : c.pending_by_due)
        bucket = q.column_int();
    }
  }
  query q{sql_.endpoint_counts, op};
  if (q.step()) {
    c.endpoints_enabled = q.column_int();
    c.endpoints_disabled = q.column_int();
  }
  return c;
}

std::optional<message_record> sqlite_store::find_message(const std::string& message_id) {
  query q{sql_.find_message, "find_message"};
  q.bind_text(message_id);
  if (!q.step())
    return std::nullopt;
  return read_message(q);
}

std::vector<delivery_record> sqlite_store::deliveries_of(std::int64_t message_seq) {
  query q{sql_.deliveries_of, "deliveries_of"};
  q.bind_int(message_seq);
  return read_all(q, read_delivery);
}

std::vector<attempt_record> sqlite_store::attempts_of(const std::string& message_id) {
  query q{sql_.attempts_of, "attempts_of"};
  q.bind_text(message_id);
  return read_all(q, read_attempt);
}

void sqlite_store::for_each_attempt_since(time_point since, duration longest_attempt,
                                          const attempt_visitor& fn) {
  query q{sql_.recent_attempts, "for_each_attempt_since"};
  const time_point stop_before = since - longest_attempt;
  while (q.step()) {
    auto endpoint_id = q.column_text();
    const time_point at = q.column_time();
    const auto outcome = codes::decode<attempt_outcome>(q.column_int());
    if (at < stop_before)
      return;
    if (at >= since)
      fn(endpoint_id, at, outcome);
  }
}

std::vector<endpoint_record> sqlite_store::list_application_endpoints(
    const std::string& application_id, const std::string& after_id, std::size_t limit) {
  query q{sql_.list_application_endpoints, "list_application_endpoints"};
  q.bind_text(application_id).bind_text(after_id).bind_int(sql_limit(limit));
  return read_all(q, read_endpoint);
}

std::optional<endpoint_record> sqlite_store::find_endpoint_by_uid(const std::string& application_id,
                                                                  const std::string& uid) {
  query q{sql_.find_endpoint_by_uid, "find_endpoint_by_uid"};
  q.bind_text(application_id).bind_text(uid);
  if (!q.step())
    return std::nullopt;
  return read_endpoint(q);
}

std::optional<application_record> sqlite_store::find_application(const std::string& application_id) {
  query q{sql_.find_application, "find_application"};
  q.bind_text(application_id);
  if (!q.step())
    return std::nullopt;
  return read_application(q);
}

std::optional<application_record> sqlite_store::find_application_by_uid(const std::string& uid) {
  query q{sql_.find_application_by_uid, "find_application_by_uid"};
  q.bind_text(uid);
  if (!q.step())
    return std::nullopt;
  return read_application(q);
}

std::vector<application_record> sqlite_store::list_applications(const std::string& after_id,
                                                                std::size_t limit) {
  query q{sql_.list_applications, "list_applications"};
  q.bind_text(after_id).bind_int(sql_limit(limit));
  return read_all(q, read_application);
}

std::optional<event_type_record> sqlite_store::find_event_type(const std::string& name) {
  query q{sql_.find_event_type, "find_event_type"};
  q.bind_text(name);
  if (!q.step())
    return std::nullopt;
  return columns::read_event_type(q);
}

std::vector<event_type_record> sqlite_store::list_event_types(const std::string& after_name,
                                                              std::size_t limit) {
  query q{sql_.list_event_types, "list_event_types"};
  q.bind_text(after_name).bind_int(sql_limit(limit));
  return read_all(q, [](query& row) { return columns::read_event_type(row); });
}

std::vector<application_counts> sqlite_store::counts_by_application() {
  query q{sql_.counts_by_application, "counts_by_application"};
  return read_all(q, [](query& row) { return columns::read_application_counts(row); });
}

namespace {

std::int64_t newest(sqlite::statement& max_seq, std::string_view op) {
  query q{max_seq, op};
  return q.step() ? q.column_int() : 0;
}

/// Runs a listing built per call (store/listing_sql.hpp) and reads its rows with `read`.
template <class Read>
auto run_listing(sqlite::connection& db, const listing::sql_query& built, std::string_view op,
                 Read read) {
  sqlite::statement s{db, built.sql};
  query q{s, op};
  for (const auto& p : built.params) {
    if (const auto* i = std::get_if<std::int64_t>(&p))
      q.bind_int(*i);
    else
      q.bind_text(std::get<std::string>(p));
  }
  return read_all(q, read);
}

} // namespace

message_page sqlite_store::list_messages(const message_filter& f, std::size_t limit,
                                         std::size_t scan_limit) {
  constexpr std::string_view op = "list_messages";
  const auto w = listing::window_of(f.before_seq, f.before_seq > 0 ? 0 : newest(sql_.max_message_seq, op),
                                    f.scans(), scan_limit);
  message_page page;
  page.messages = run_listing(db_, listing::messages(listing::dialect::sqlite, f, w, limit + 1), op,
                              read_message);
  page.next_before = listing::finish_page(page.messages, limit, w);
  return page;
}

attempt_page sqlite_store::list_attempts(const attempt_filter& f, std::size_t limit,
                                         std::size_t scan_limit) {
  constexpr std::string_view op = "list_attempts";
  const auto w = listing::window_of(f.before_seq, f.before_seq > 0 ? 0 : newest(sql_.max_attempt_seq, op),
                                    true, scan_limit);
  attempt_page page;
  page.attempts = run_listing(db_, listing::attempts(listing::dialect::sqlite, f, w, limit + 1), op,
                              read_attempt);
  page.next_before = listing::finish_page(page.attempts, limit, w);
  return page;
}

std::optional<attempt_record> sqlite_store::find_attempt(std::int64_t seq) {
  query q{sql_.find_attempt, "find_attempt"};
  q.bind_int(seq);
  if (!q.step())
    return std::nullopt;
  return read_attempt(q);
}

// -- read steps -----------------------------------------------------------------------------------

void sqlite_store::load_payload_chunk(std::span<const std::int64_t> seqs,
                                      std::vector<std::pair<std::int64_t, std::string>>& out) {
  query q{sql_.load_payloads, "load_payloads"};
  for (std::size_t i = 0; i < payload_chunk; ++i)
    q.bind_int(seqs[std::min(i, seqs.size() - 1)]);
  while (q.step()) {
    auto seq = q.column_int();
    out.emplace_back(seq, q.column_blob());
  }
}

} // namespace hookd::store
