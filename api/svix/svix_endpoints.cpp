// /api/v1/app/{app}/endpoint: an application's endpoints — list, create, get, update, patch,
// delete, secret, rotate, recover, custom headers.
#include "api/cursor.hpp"
#include "api/svix/svix_handlers.hpp"
#include "policy/signing.hpp"

namespace hookd::api::svix {
namespace {

constexpr duration rotation_overlap = std::chrono::hours{24};

std::string endpoint_param(const call_ptr& call) { return call->route.params.at(1); }

void list(api_actor_ptr self, const call_ptr& call) {
  auto q = parse_list_query(call->route.query);
  if (failed(call, q))
    return;
  const auto query = std::get<list_query>(q);
  std::string after;
  if (!query.iterator.empty()) {
    auto id = decode_cursor(query.iterator, "ep_");
    if (!id)
      return respond_error(*call, api_error::invalid_at({"query", "iterator"},
                                                        "iterator: not one this API returned"));
    after = std::move(*id);
  }
  with_application(self, call, [=](store::application_record& app) {
    const auto limit = query.limit;
    self->request(self->state.deps.reader, caf::infinite,
                  list_application_endpoints_query{app.id, after, limit + 1})
        .then(
            [=](std::vector<endpoint_view>& page) {
              std::optional<std::string> next;
              if (page.size() > limit) {
                page.resize(limit);
                next = encode_cursor(page.back().endpoint.id);
              }
              json data = json::array();
              for (const auto& v : page)
                data.push_back(endpoint_out(v.endpoint));
              respond_json(*call, 200, list_out(std::move(data), next));
            },
            [=](caf::error& e) { respond_error(*call, e); });
  });
}

/// The store::endpoint_field bits of what `in` sets (replace: everything an EndpointUpdate
/// holds; patch: what is present).
std::uint32_t apply(const endpoint_in& in, store::endpoint_record& ep, body_mode mode) {
  namespace field = store::endpoint_field;
  const bool all = mode != body_mode::patch;
  std::uint32_t bits = 0;
  auto tenancy = ep.tenancy();
  if (in.url.set()) {
    ep.url = *in.url.value;
    bits |= field::url;
  }
  if (all || in.description.present) {
    ep.description = in.description.value.value_or("");
    bits |= field::description;
  }
  if (all || in.uid.present) {
    tenancy.uid = in.uid.value.value_or("");
    bits |= field::uid;
  }
  if (all || in.filter_types.present) {
    ep.event_types = in.filter_types.value.value_or(std::vector<std::string>{});
    bits |= field::event_types;
  }
  if (all || in.rate_limit.present) {
    ep.rate_limit_per_s = in.rate_limit.value.value_or(0);
    bits |= field::rate_limit_per_s;
  }
  if (all || in.metadata.present) {
    tenancy.metadata = in.metadata.value.value_or("{}");
    bits |= field::metadata;
  }
  if (in.headers.present) {
    tenancy.headers = in.headers.value.value_or(store::header_list{});
    bits |= field::headers;
  }
  if (in.secret.set()) {
    ep.secret = *in.secret.value;
    bits |= field::secret;
  }
  ep.set_tenancy(std::move(tenancy));
  return bits;
}

/// Answers with the endpoint as stored now.
void answer(api_actor_ptr self, const call_ptr& call, const std::string& app_id,
            const std::string& endpoint_id, int status) {
  self->request(self->state.deps.reader, caf::infinite, endpoint_query{endpoint_id, app_id})
      .then([=](endpoint_view& v) { respond_json(*call, status, endpoint_out(v.endpoint)); },
            [=](caf::error& e) { respond_error(*call, e); });
}

/// Enables or disables the endpoint when `disabled` asks for the other state, then answers.
void settle_status(api_actor_ptr self, const call_ptr& call, const std::string& app_id,
                   const store::endpoint_record& ep, std::optional<bool> disabled, int status) {
  const bool is_disabled = ep.status == endpoint_status::disabled;
  if (!disabled || *disabled == is_disabled)
    return answer(self, call, app_id, ep.id, status);
  set_endpoint_status_cmd cmd;
  cmd.endpoint_id = ep.id;
  cmd.status = *disabled ? endpoint_status::disabled : endpoint_status::enabled;
  cmd.reason = *disabled ? disabled_reason::manual : disabled_reason::none;
  cmd.fail_reason = failure_reason::endpoint_disabled;
  self->request(self->state.deps.dispatcher, caf::infinite, std::move(cmd))
      .then([=](std::size_t) { answer(self, call, app_id, ep.id, status); },
            [=](caf::error& e) { respond_error(*call, e); });
}

void create(api_actor_ptr self, const call_ptr& call) {
  auto parsed_in = parse_endpoint(call->request.body, body_mode::create,
                                  target_policy_from(*self->state.deps.ctx->cfg));
  if (failed(call, parsed_in))
    return;
  with_application(self, call, [=, in = std::get<endpoint_in>(parsed_in)](store::application_record& app) {
    const time_point t = now(self);
    store::endpoint_record ep; // the dispatcher assigns the id
    ep.edit_tenancy().application_id = app.id;
    ep.secret = policy::generate_secret(24);
    ep.created_at = ep.updated_at = t;
    apply(in, ep, body_mode::create);
    if (in.disabled.value.value_or(false)) {
      ep.status = endpoint_status::disabled;
      ep.reason = disabled_reason::manual;
    }
    self->request(self->state.deps.dispatcher, caf::infinite, put_endpoint_cmd{std::move(ep)})
        .then([=](store::endpoint_record& stored) { respond_json(*call, 201, endpoint_out(stored)); },
              [=](caf::error& e) { respond_error(*call, e); });
  });
}

void update(api_actor_ptr self, const call_ptr& call, body_mode mode) {
  auto parsed_in = parse_endpoint(call->request.body, mode,
                                  target_policy_from(*self->state.deps.ctx->cfg));
  if (failed(call, parsed_in))
    return;
  with_endpoint(self, call, endpoint_param(call),
                [=, in = std::get<endpoint_in>(parsed_in)](store::application_record& app, endpoint_view& v) {
                  auto& ep = v.endpoint;
                  const auto bits = apply(in, ep, mode);
                  ep.updated_at = now(self);
                  // Svix's PUT enables an endpoint its body does not disable.
                  std::optional<bool> disabled = in.disabled.value;
                  if (mode == body_mode::replace && !disabled)
                    disabled = false;
                  const std::string app_id = app.id;
                  const auto before = ep;
                  self->request(self->state.deps.dispatcher, caf::infinite,
                                update_endpoint_cmd{std::move(ep), bits})
                      .then([=](store::endpoint_record&) { settle_status(self, call, app_id, before, disabled, 200); },
                            [=](caf::error& e) { respond_error(*call, e); });
                });
}

void rotate(api_actor_ptr self, const call_ptr& call) {
  auto key = parse_rotate(call->request.body);
  if (failed(call, key))
    return;
  with_endpoint(self, call, endpoint_param(call),
                [=, wanted = std::get<std::string>(key)](store::application_record&, endpoint_view& v) {
                  const time_point t = now(self);
                  const auto secret = wanted.empty() ? policy::generate_secret(24) : wanted;
                  self->request(self->state.deps.dispatcher, caf::infinite,
                                rotate_secret_cmd{v.endpoint.id, secret, t + rotation_overlap, t})
                      .then([=](store::endpoint_record&) { respond_empty(*call, 204); },
                            [=](caf::error& e) { respond_error(*call, e); });
                });
}

void recover(api_actor_ptr self, const call_ptr& call) {
  auto in = parse_recover(call->request.body);
  if (failed(call, in))
    return;
  const auto r = std::get<recover_in>(in);
  if (r.until != no_time)
    return respond_error(*call, api_error::invalid_at({"body", "until"},
                                                      "until: hookd recovers every failed message "
                                                      "since `since`; an end is not supported"));
  with_endpoint(self, call, endpoint_param(call), [=](store::application_record&, endpoint_view& v) {
    self->request(self->state.deps.dispatcher, caf::infinite,
                  requeue_failed_cmd{v.endpoint.id, r.since, no_time})
        .then(
            [=](std::size_t) {
              respond_json(*call, 202, json{{"id", self->state.ids.next("qtask_", now(self))},
                                            {"status", "finished"},
                                            {"task", "endpoint.recover"}});
            },
            [=](caf::error& e) { respond_error(*call, e); });
  });
}

void set_headers(api_actor_ptr self, const call_ptr& call, body_mode mode) {
  auto in = parse_headers(call->request.body, mode);
  if (failed(call, in))
    return;
  with_endpoint(self, call, endpoint_param(call),
                [=, h = std::get<headers_in>(in)](store::application_record&, endpoint_view& v) {
                  auto& ep = v.endpoint;
                  auto& headers = ep.edit_tenancy().headers;
                  if (mode == body_mode::replace) {
                    headers = h.set;
                  } else {
                    auto named = [](const std::string& a, const std::string& b) {
                      return a.size() == b.size() &&
                             std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
                               return std::tolower(static_cast<unsigned char>(x)) ==
                                      std::tolower(static_cast<unsigned char>(y));
                             });
                    };
                    auto drop = [&](const std::string& name) {
                      std::erase_if(headers, [&](const auto& kv) { return named(kv.first, name); });
                    };
                    for (const auto& name : h.removed)
                      drop(name);
                    for (const auto& [name, value] : h.set) {
                      drop(name);
                      headers.emplace_back(name, value);
                    }
                  }
                  if (headers.size() > 64)
                    return respond_error(*call, api_error::invalid_at({"body", "headers"},
                                                                      "headers: at most 64"));
                  ep.updated_at = now(self);
                  self->request(self->state.deps.dispatcher, caf::infinite,
                                update_endpoint_cmd{std::move(ep), store::endpoint_field::headers})
                      .then([=](store::endpoint_record&) { respond_empty(*call, 204); },
                            [=](caf::error& e) { respond_error(*call, e); });
                });
}

} // namespace

void handle_endpoint(api_actor_ptr self, const call_ptr& call) {
  switch (call->route.id) {
    case route::svix_list_endpoints: return list(self, call);
    case route::svix_create_endpoint: return create(self, call);
    case route::svix_get_endpoint:
      return with_endpoint(self, call, endpoint_param(call), [=](store::application_record&, endpoint_view& v) {
        respond_json(*call, 200, endpoint_out(v.endpoint));
      });
    case route::svix_update_endpoint: return update(self, call, body_mode::replace);
    case route::svix_patch_endpoint: return update(self, call, body_mode::patch);
    case route::svix_delete_endpoint:
      return with_endpoint(self, call, endpoint_param(call), [=](store::application_record&, endpoint_view& v) {
        self->request(self->state.deps.dispatcher, caf::infinite, delete_endpoint_cmd{v.endpoint.id, no_time})
            .then([=](bool) { respond_empty(*call, 204); }, [=](caf::error& e) { respond_error(*call, e); });
      });
    case route::svix_get_endpoint_secret:
      return with_endpoint(self, call, endpoint_param(call), [=](store::application_record&, endpoint_view& v) {
        respond_json(*call, 200, json{{"key", v.endpoint.secret}});
      });
    case route::svix_rotate_endpoint_secret: return rotate(self, call);
    case route::svix_recover_endpoint: return recover(self, call);
    case route::svix_get_endpoint_headers:
      return with_endpoint(self, call, endpoint_param(call), [=](store::application_record&, endpoint_view& v) {
        respond_json(*call, 200, headers_out(v.endpoint.tenancy().headers));
      });
    case route::svix_update_endpoint_headers: return set_headers(self, call, body_mode::replace);
    case route::svix_patch_endpoint_headers: return set_headers(self, call, body_mode::patch);
    default: return respond_error(*call, api_error::internal("not an endpoint route"));
  }
}

} // namespace hookd::api::svix
