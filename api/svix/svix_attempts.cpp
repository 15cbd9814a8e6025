// /api/v1/app/{app}/attempt/...: an application's attempts — by message, by endpoint, one
// attempt, and a resend of a message to one endpoint.
#include "api/cursor.hpp"
#include "api/svix/svix_handlers.hpp"

#include <map>

namespace hookd::api::svix {
namespace {

/// Attempts read per page of an endpoint's attempt list: the log has no per-endpoint index
/// (store.hpp list_attempts), so a page reads at most this many of the newest attempts.
constexpr std::size_t attempt_scan = 20'000;

/// Attempts are logged when they end: only 0 (success) and 2 (fail) exist in the log.
bool status_can_match(int status) { return status < 0 || status == 0 || status == 2; }

bool matches(const store::attempt_record& a, const list_query& q, const std::string& endpoint_id) {
  if (q.status >= 0 && attempt_status(a.outcome) != q.status)
    return false;
  if (!endpoint_id.empty() && a.endpoint_id != endpoint_id)
    return false;
  if (q.after != no_time && a.at < q.after)
    return false;
  return q.before == no_time || a.at < q.before;
}

/// A message's attempts (its log is short: one per try of each delivery), filtered and paged
/// newest first; the endpoints' URLs read for the page.
void by_message(api_actor_ptr self, const call_ptr& call) {
  const auto parsed_query = seq_list_query(call);
  if (!parsed_query)
    return;
  const list_query query = parsed_query->first;
  const std::int64_t before = parsed_query->second;
  std::string endpoint_filter;
  if (auto it = call->route.query.find("endpoint_id"); it != call->route.query.end())
    endpoint_filter = it->second;
  with_message(self, call, call->route.params.at(1), [=](store::application_record& app, message_view& v) {
    self->request(self->state.deps.reader, caf::infinite, attempts_query{v.message.id})
        .then(
            [=](std::vector<store::attempt_record>& all) {
              std::vector<store::attempt_record> page;
              std::optional<std::string> next;
              for (auto it = all.rbegin(); it != all.rend(); ++it) {
                if ((before > 0 && it->seq >= before) || !matches(*it, query, endpoint_filter))
                  continue;
                if (page.size() == query.limit) {
                  next = encode_seq_cursor(page.back().seq);
                  break;
                }
                page.push_back(std::move(*it));
              }
              std::vector<std::string> ids;
              for (const auto& a : page)
                if (std::find(ids.begin(), ids.end(), a.endpoint_id) == ids.end())
                  ids.push_back(a.endpoint_id);
              self->request(self->state.deps.reader, caf::infinite, endpoints_query{ids})
                  .then(
                      [=](std::vector<store::endpoint_record>& endpoints) {
                        std::map<std::string, std::string> url;
                        for (const auto& ep : endpoints)
                          url[ep.id] = ep.url;
                        json data = json::array();
                        for (const auto& a : page)
                          data.push_back(attempt_out(a, url[a.endpoint_id]));
                        respond_json(*call, 200, list_out(std::move(data), next));
                      },
                      [=](caf::error& e) { respond_error(*call, e); });
            },
            [=](caf::error& e) { respond_error(*call, e); });
    (void)app;
  });
}

void by_endpoint(api_actor_ptr self, const call_ptr& call) {
  const auto parsed_query = seq_list_query(call);
  if (!parsed_query)
    return;
  const list_query query = parsed_query->first;
  const std::int64_t before = parsed_query->second;
  with_endpoint(self, call, call->route.params.at(1), [=](store::application_record&, endpoint_view& v) {
    if (!status_can_match(query.status))
      return respond_json(*call, 200, list_out(json::array(), std::nullopt));
    list_attempts_query lq;
    lq.filter.endpoint_id = v.endpoint.id;
    if (query.status == 0)
      lq.filter.outcome = static_cast<std::int32_t>(attempt_outcome::success);
    else if (query.status == 2)
      lq.filter.outcome = store::attempt_filter::any_failure;
    lq.filter.since = query.after;
    lq.filter.until = query.before;
    lq.filter.before_seq = before;
    lq.limit = query.limit;
    lq.scan_limit = attempt_scan;
    const std::string url = v.endpoint.url;
    self->request(self->state.deps.reader, caf::infinite, std::move(lq))
        .then(
            [=](store::attempt_page& page) {
              json data = json::array();
              for (const auto& a : page.attempts)
                data.push_back(attempt_out(a, url));
              std::optional<std::string> next;
              if (page.next_before > 0)
                next = encode_seq_cursor(page.next_before);
              respond_json(*call, 200, list_out(std::move(data), next));
            },
            [=](caf::error& e) { respond_error(*call, e); });
  });
}

void one(api_actor_ptr self, const call_ptr& call) {
  const auto& id = call->route.params.at(2);
  const auto seq = attempt_seq_of(id, "atmpt_");
  if (!seq)
    return respond_error(*call, api_error::not_found("no attempt " + id));
  with_message(self, call, call->route.params.at(1), [=](store::application_record&, message_view& v) {
    self->request(self->state.deps.reader, caf::infinite, attempt_query{*seq})
        .then(
            [=](store::attempt_record& a) {
              if (a.message_id != v.message.id)
                return respond_error(*call, api_error::not_found("no attempt " + id));
              self->request(self->state.deps.reader, caf::infinite, endpoints_query{{a.endpoint_id}})
                  .then(
                      [=](std::vector<store::endpoint_record>& eps) {
                        respond_json(*call, 200, attempt_out(a, eps.empty() ? "" : eps.front().url));
                      },
                      [=](caf::error& e) { respond_error(*call, e); });
            },
            [=](caf::error& e) { respond_error(*call, e); });
  });
}

/// A new attempt of the message to the endpoint now, whatever its delivery's state.
void resend(api_actor_ptr self, const call_ptr& call) {
  const auto endpoint = call->route.params.at(2);
  with_message(self, call, call->route.params.at(1), [=](store::application_record& app, message_view& m) {
    const auto seq = m.message.seq;
    self->request(self->state.deps.reader, caf::infinite, endpoint_query{endpoint, app.id})
        .then(
            [=](endpoint_view& v) {
              if (v.endpoint.status != endpoint_status::enabled)
                return respond_error(*call, api_error::conflict("endpoint_disabled",
                                                                "endpoint " + v.endpoint.id + " is disabled"));
              self->request(self->state.deps.dispatcher, caf::infinite,
                            retry_message_cmd{seq, v.endpoint.id})
                  .then(
                      [=](std::size_t n) {
                        if (n == 0)
                          return respond_error(*call, api_error::not_found(
                                                          "the message was never sent to endpoint " +
                                                          v.endpoint.id));
                        respond_json(*call, 202, json::object());
                      },
                      [=](caf::error& e) { respond_error(*call, e); });
            },
            [=](caf::error& e) { respond_error(*call, e); });
  });
}

} // namespace

void handle_attempt(api_actor_ptr self, const call_ptr& call) {
  switch (call->route.id) {
    case route::svix_list_attempts_by_message:
    case route::svix_list_message_attempts: return by_message(self, call);
    case route::svix_list_attempts_by_endpoint: return by_endpoint(self, call);
    case route::svix_get_attempt: return one(self, call);
    case route::svix_resend: return resend(self, call);
    default: return respond_error(*call, api_error::internal("not an attempt route"));
  }
}

} // namespace hookd::api::svix
