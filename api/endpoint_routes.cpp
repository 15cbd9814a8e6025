// /v1/endpoints: create, list, get, patch, delete, enable, disable, recover, secret.
#include "api/api_actor.hpp"
#include "api/id_pages.hpp"
#include "api/requests.hpp"
#include "api/resources.hpp"
#include "policy/signing.hpp"

namespace hookd::api {
namespace {

constexpr duration rotation_overlap = std::chrono::hours{24};

/// Reads the endpoint with its stats, then runs `then(view)`.
template <class Then>
void with_endpoint(api_actor_ptr self, const call_ptr& call, Then then) {
  self->request(self->state.deps.reader, caf::infinite, endpoint_query{call->route.param, {}})
      .then([=](endpoint_view& view) mutable { then(view); },
            [=](caf::error& e) { respond_error(*call, e); });
}

/// The endpoint's attempts of the last hour, kept in memory (metrics/endpoint_windows.hpp).
policy::attempt_counts last_hour(api_actor_ptr self, const std::string& endpoint_id) {
  return self->state.deps.ctx->metrics->per_endpoint.last_hour(endpoint_id, now(self));
}

/// endpoint_json with the endpoint's success rate of the last hour.
json endpoint_body(api_actor_ptr self, const store::endpoint_record& ep,
                   const store::endpoint_stats& stats) {
  return endpoint_json(ep, stats, last_hour(self, ep.id));
}

void answer_endpoint(api_actor_ptr self, const call_ptr& call, int status) {
  with_endpoint(self, call, [=](endpoint_view& v) { respond_json(*call, status, endpoint_body(self, v.endpoint, v.stats)); });
}

void create(api_actor_ptr self, const call_ptr& call) {
  auto fields = parse_endpoint_fields(call->request.body, true,
                                      target_policy_from(*self->state.deps.ctx->cfg));
  if (failed(call, fields))
    return;
  const time_point t = now(self);
  store::endpoint_record ep; // the dispatcher assigns the id
  ep.secret = policy::generate_secret();
  ep.created_at = ep.updated_at = t;
  if (auto e = apply_endpoint_fields(std::get<endpoint_fields>(fields), ep))
    return respond_error(*call, *e);
  self->request(self->state.deps.dispatcher, caf::infinite, put_endpoint_cmd{std::move(ep)})
      .then([=](store::endpoint_record& stored) { respond_json(*call, 201, created_endpoint_json(stored)); },
            [=](caf::error& e) { respond_error(*call, e); });
}

void list(api_actor_ptr self, const call_ptr& call) {
  auto asked = read_id_page(call->route.query, "ep_");
  if (auto* e = std::get_if<api_error>(&asked))
    return respond_error(*call, *e);
  const std::size_t limit = std::get<id_page_request>(asked).limit;
  const std::string after = std::get<id_page_request>(asked).after;
  auto on_page = [=](std::vector<endpoint_view>& page) {
    const auto next = trim_id_page(page, limit, [](const endpoint_view& v) { return v.endpoint.id; });
    json data = json::array();
    for (const auto& v : page)
      if (v.endpoint.id != alert_endpoint_id)
        data.push_back(endpoint_body(self, v.endpoint, v.stats));
    respond_json(*call, 200, list_json(std::move(data), next));
  };
  // ?application_id=: one application's endpoints (its id; the dashboard's filter).
  if (auto app = call->route.query.find("application_id"); app != call->route.query.end()) {
    self->request(self->state.deps.reader, caf::infinite,
                  list_application_endpoints_query{app->second, after, limit + 1})
        .then(on_page, [=](caf::error& e) { respond_error(*call, e); });
    return;
  }
  self->request(self->state.deps.reader, caf::infinite, list_endpoints_query{after, limit + 1})
      .then(on_page, [=](caf::error& e) { respond_error(*call, e); });
}

/// The store::endpoint_field bits of the settings a PATCH body names.
std::uint32_t named_fields(const endpoint_fields& f) {
  namespace field = store::endpoint_field;
  std::uint32_t bits = 0;
  bits |= f.url ? field::url : 0;
  bits |= f.description ? field::description : 0;
  bits |= f.event_types ? field::event_types : 0;
  bits |= f.scheme ? field::scheme : 0;
  bits |= f.rate_limit_per_s ? field::rate_limit_per_s : 0;
  bits |= f.max_concurrency ? field::max_concurrency : 0;
  bits |= f.timeout_ms ? field::timeout_ms : 0;
  bits |= f.secret ? field::secret : 0;
  return bits;
}

void patch(api_actor_ptr self, const call_ptr& call) {
  auto fields = parse_endpoint_fields(call->request.body, false,
                                      target_policy_from(*self->state.deps.ctx->cfg));
  if (failed(call, fields))
    return;
  with_endpoint(self, call, [=, f = std::get<endpoint_fields>(fields)](endpoint_view& v) {
    if (auto e = apply_endpoint_fields(f, v.endpoint))
      return respond_error(*call, *e);
    v.endpoint.updated_at = now(self);
    const auto stats = v.stats;
    // One UPDATE of only the fields this PATCH names: a DELETE meanwhile makes it a 404, and
    // another PATCH or a rotation meanwhile keeps what it wrote to the other fields (a secret
    // set here ends a rotation's overlap, as documented).
    self->request(self->state.deps.dispatcher, caf::infinite,
                  update_endpoint_cmd{std::move(v.endpoint), named_fields(f)})
        .then([=](store::endpoint_record& stored) { respond_json(*call, 200, endpoint_body(self, stored, stats)); },
              [=](caf::error& e) { respond_error(*call, e); });
  });
}

void remove(api_actor_ptr self, const call_ptr& call) {
  self->request(self->state.deps.dispatcher, caf::infinite, delete_endpoint_cmd{call->route.param, no_time})
      .then([=](bool) { respond_empty(*call, 204); }, [=](caf::error& e) { respond_error(*call, e); });
}

void set_status(api_actor_ptr self, const call_ptr& call, endpoint_status status) {
  set_endpoint_status_cmd cmd;
  cmd.endpoint_id = call->route.param;
  cmd.status = status;
  cmd.reason = status == endpoint_status::enabled ? disabled_reason::none : disabled_reason::manual;
  cmd.fail_reason = failure_reason::endpoint_disabled;
  self->request(self->state.deps.dispatcher, caf::infinite, std::move(cmd))
      .then([=](std::size_t) { answer_endpoint(self, call, 200); },
            [=](caf::error& e) { respond_error(*call, e); });
}

void recover(api_actor_ptr self, const call_ptr& call) {
  auto since = parse_recover_request(call->request.body);
  if (failed(call, since))
    return;
  self->request(self->state.deps.dispatcher, caf::infinite,
                requeue_failed_cmd{call->route.param, std::get<time_point>(since), no_time})
      .then([=](std::size_t n) { respond_json(*call, 202, json{{"requeued", n}}); },
            [=](caf::error& e) { respond_error(*call, e); });
}

void rotate(api_actor_ptr self, const call_ptr& call) {
  auto requested = parse_rotate_request(call->request.body);
  if (failed(call, requested))
    return;
  with_endpoint(self, call, [=, wanted = std::get<std::string>(requested)](endpoint_view& v) {
    auto& ep = v.endpoint;
    endpoint_fields f;
    f.secret = wanted.empty() ? policy::generate_secret() : wanted;
    if (auto e = apply_endpoint_fields(f, ep)) // the new secret must suit the scheme
      return respond_error(*call, *e);
    const time_point t = now(self);
    // One UPDATE: the secret stored at that moment becomes the previous one.
    self->request(self->state.deps.dispatcher, caf::infinite,
                  rotate_secret_cmd{ep.id, ep.secret, t + rotation_overlap, t})
        .then([=](store::endpoint_record& stored) { respond_json(*call, 200, json{{"secret", stored.secret}}); },
              [=](caf::error& e) { respond_error(*call, e); });
  });
}

} // namespace

void handle_endpoint_route(api_actor_ptr self, const call_ptr& call) {
  // The alert sink is hookd's own endpoint (configured by alerts.alert_url), not the API's.
  if (call->route.param == alert_endpoint_id)
    return respond_error(*call, api_error::not_found("no endpoint " + call->route.param));
  switch (call->route.id) {
    case route::create_endpoint: return create(self, call);
    case route::list_endpoints: return list(self, call);
    case route::get_endpoint: return answer_endpoint(self, call, 200);
    case route::patch_endpoint: return patch(self, call);
    case route::delete_endpoint: return remove(self, call);
    case route::enable_endpoint: return set_status(self, call, endpoint_status::enabled);
    case route::disable_endpoint: return set_status(self, call, endpoint_status::disabled);
    case route::recover_endpoint: return recover(self, call);
    case route::rotate_secret: return rotate(self, call);
    case route::get_secret:
      return with_endpoint(self, call, [=](endpoint_view& v) { respond_json(*call, 200, secret_json(v.endpoint, now(self))); });
    default: return respond_error(*call, api_error::internal("not an endpoint route"));
  }
}

} // namespace hookd::api
