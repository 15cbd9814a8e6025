#pragma once
// The API's resource shapes (docs/api.md) rendered from store records. The
// secret never appears here except in secret_json / created_endpoint_json.
#include "policy/success_window.hpp"
#include "store/records.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace hookd::api {

using json = nlohmann::ordered_json; // keeps fields in the order written (id first)

/// Succeeded / all attempts, null when there were none (policy::attempt_counts::success_rate).
json success_rate_json(const policy::attempt_counts& counts);

/// An endpoint without its secret; `stats` adds pending/delivered/failed/success_rate_1h.
/// `last_hour`: the endpoint's attempts of the last hour (its success_rate_1h).
json endpoint_json(const store::endpoint_record& ep, const store::endpoint_stats& stats,
                   const policy::attempt_counts& last_hour);

/// The endpoint as POST /v1/endpoints answers: endpoint_json plus its secret.
json created_endpoint_json(const store::endpoint_record& ep);

/// GET /v1/endpoints/{id}/secret; the previous secret only while it still signs (before `now`
/// passes its expiry).
json secret_json(const store::endpoint_record& ep, time_point now);

json delivery_json(const store::delivery_record& d);

/// A message with its deliveries, as response text. The payload's stored bytes are spliced in
/// as they are (no parse and re-serialisation, whatever its size).
std::string message_text(const store::message_record& m, std::string_view payload,
                         const std::vector<store::delivery_record>& deliveries);

/// The 202 answer to POST /v1/messages: the message with one fresh pending delivery per
/// endpoint. Same shape as message_text, written directly (it is on the ingest hot path and a
/// message may fan out to thousands of endpoints).
std::string accepted_message_text(const store::message_record& m, std::string_view payload,
                                  const std::vector<std::string>& endpoint_ids);

json attempt_json(const store::attempt_record& a);

/// A message of GET /v1/messages: without its deliveries (GET /v1/messages/{id} has them).
json message_summary_json(const store::message_record& m);

/// A source without its secret (docs/inbound.md); `inbound_path` is where its sender posts.
json source_json(const store::source_record& src);
/// The source as POST /v1/sources answers: source_json plus its secret.
json created_source_json(const store::source_record& src);
/// GET /v1/sources/{id}/secret; the previous secret only while it is still accepted.
json source_secret_json(const store::source_record& src, time_point now);

/// GET /v1/applications[/{id}].
json application_json(const store::application_record& app);

/// "att_" (the Svix API: "atmpt_") + the attempt's sequence number in Crockford base32 (13
/// characters).
std::string attempt_id(std::int64_t seq, std::string_view prefix = "att_");
/// The sequence number inside an attempt id of that prefix; nullopt when it is not one.
std::optional<std::int64_t> attempt_seq_of(std::string_view id, std::string_view prefix = "att_");

/// {"data": [...], "next_cursor": cursor or null}.
json list_json(json data, const std::optional<std::string>& next_cursor);

} // namespace hookd::api
