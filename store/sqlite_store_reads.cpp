#include "store/sqlite_store_impl.hpp"

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
