// GET /v1/messages: messages newest first, filtered (docs/api.md), a page at a time.
#include "api/api_actor.hpp"
#include "api/cursor.hpp"
#include "api/resources.hpp"
#include "policy/time_format.hpp"

#include <charconv>

namespace hookd::api {
namespace {

constexpr std::size_t default_page = 20;
constexpr std::size_t max_page = 100;

/// Messages read per page when a filter has no index (store.hpp list_messages): a page may
/// then hold fewer than `limit` messages while next_cursor says more may follow.
constexpr std::size_t scan_limit = 20'000;

std::optional<api_error> read_time(const std::map<std::string, std::string>& query,
                                   const char* name, time_point& out) {
  auto it = query.find(name);
  if (it == query.end() || it->second.empty())
    return std::nullopt;
  auto t = parse_time(it->second);
  if (!t)
    return api_error::malformed(std::string{name} + " must be an RFC 3339 time, e.g. 2026-11-30T09:00:00Z");
  out = *t;
  return std::nullopt;
}

/// The query of GET /v1/messages → the listing, or the 400 to answer.
std::variant<list_messages_query, api_error> parse(const std::map<std::string, std::string>& query) {
  list_messages_query q;
  q.limit = default_page;
  q.scan_limit = scan_limit;
  auto& f = q.filter;
  if (auto it = query.find("limit"); it != query.end()) {
    const auto& s = it->second;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), q.limit);
    if (ec != std::errc{} || end != s.data() + s.size() || q.limit < 1 || q.limit > max_page)
      return api_error::malformed("limit must be an integer from 1 to 100");
  }
  if (auto it = query.find("cursor"); it != query.end()) {
    auto seq = decode_seq_cursor(it->second);
    if (!seq)
      return api_error::malformed("cursor is not one this API returned");
    f.before_seq = *seq;
  }
  if (auto it = query.find("event_type"); it != query.end() && !it->second.empty())
    f.event_types = {it->second};
  if (auto it = query.find("endpoint_id"); it != query.end())
    f.endpoint_id = it->second;
  if (auto it = query.find("application_id"); it != query.end())
    f.application_id = it->second;
  if (auto it = query.find("source_id"); it != query.end())
    f.source_id = it->second;
  if (auto it = query.find("event_id"); it != query.end())
    f.event_id = it->second;
  if (auto it = query.find("status"); it != query.end() && !it->second.empty()) {
    const auto status = enum_from_string<delivery_status>(it->second);
    if (!status)
      return api_error::malformed("status must be pending, delivered or failed");
    f.status = static_cast<std::int32_t>(*status);
  }
  if (auto e = read_time(query, "since", f.since))
    return *e;
  if (auto e = read_time(query, "until", f.until))
    return *e;
  return q;
}

} // namespace

void list_messages(api_actor_ptr self, const call_ptr& call) {
  auto parsed_query = parse(call->route.query);
  if (auto* e = std::get_if<api_error>(&parsed_query))
    return respond_error(*call, *e);
  self->request(self->state.deps.reader, caf::infinite, std::get<list_messages_query>(parsed_query))
      .then(
          [=](store::message_page& page) {
            json data = json::array();
            for (const auto& m : page.messages)
              data.push_back(message_summary_json(m));
            std::optional<std::string> next;
            if (page.next_before > 0)
              next = encode_seq_cursor(page.next_before);
            respond_json(*call, 200, list_json(std::move(data), next));
          },
          [=](caf::error& e) { respond_error(*call, e); });
}

} // namespace hookd::api
