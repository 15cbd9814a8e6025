// /api/v1/app: applications (tenants) — list, create (get_if_exists), get, update, patch, delete.
#include "api/cursor.hpp"
#include "api/svix/svix_handlers.hpp"
#include "messages/errors.hpp"

namespace hookd::api::svix {
namespace {

/// Endpoints deleted per round when an application goes.
constexpr std::size_t delete_page = 500;

void list(api_actor_ptr self, const call_ptr& call) {
  auto q = parse_list_query(call->route.query);
  if (failed(call, q))
    return;
  const auto& query = std::get<list_query>(q);
  std::string after;
  if (!query.iterator.empty()) {
    auto id = decode_cursor(query.iterator, "app_");
    if (!id)
      return respond_error(*call, api_error::invalid_at({"query", "iterator"},
                                                        "iterator: not one this API returned"));
    after = std::move(*id);
  }
  const auto limit = query.limit;
  self->request(self->state.deps.reader, caf::infinite, list_applications_query{after, limit + 1})
      .then(
          [=](std::vector<store::application_record>& page) {
            std::optional<std::string> next;
            if (page.size() > limit) {
              page.resize(limit);
              next = encode_cursor(page.back().id);
            }
            json data = json::array();
            for (const auto& app : page)
              data.push_back(application_out(app));
            respond_json(*call, 200, list_out(std::move(data), next));
          },
          [=](caf::error& e) { respond_error(*call, e); });
}

/// `in` applied to `app` (create and replace: every field; patch: the present ones).
void apply(const application_in& in, store::application_record& app, body_mode mode) {
  const bool all = mode != body_mode::patch;
  if (in.name.set())
    app.name = *in.name.value;
  if (all || in.uid.present)
    app.uid = in.uid.value.value_or("");
  if (all || in.rate_limit.present)
    app.rate_limit = in.rate_limit.value.value_or(0);
  if (all || in.metadata.present)
    app.metadata = in.metadata.value.value_or("{}");
}

void insert(api_actor_ptr self, const call_ptr& call, store::application_record app,
            bool get_if_exists) {
  const std::string uid = app.uid;
  self->request(self->state.deps.writer, caf::infinite,
                put_application_cmd{std::move(app), true})
      .then([=](store::application_record& stored) { respond_json(*call, 201, application_out(stored)); },
            [=](caf::error& e) {
              if (!get_if_exists || uid.empty() ||
                  code_of(e) != static_cast<std::uint8_t>(errc::store_conflict))
                return respond_error(*call, e);
              // A concurrent create with the same uid won: answer with that one.
              self->request(self->state.deps.reader, caf::infinite, application_query{uid})
                  .then([=](store::application_record& found) { respond_json(*call, 200, application_out(found)); },
                        [=](caf::error& again) { respond_error(*call, again); });
            });
}

void create(api_actor_ptr self, const call_ptr& call) {
  auto in = parse_application(call->request.body, body_mode::create);
  if (failed(call, in))
    return;
  const time_point t = now(self);
  store::application_record app;
  app.id = self->state.ids.next("app_", t);
  app.created_at = app.updated_at = t;
  apply(std::get<application_in>(in), app, body_mode::create);
  auto flag = call->route.query.find("get_if_exists");
  const bool get_if_exists = flag != call->route.query.end() && flag->second == "true";
  if (!get_if_exists || app.uid.empty())
    return insert(self, call, std::move(app), get_if_exists);
  self->request(self->state.deps.reader, caf::infinite, application_query{app.uid})
      .then([=](store::application_record& found) { respond_json(*call, 200, application_out(found)); },
            [=](caf::error& e) mutable {
              if (code_of(e) != static_cast<std::uint8_t>(errc::unknown_application))
                return respond_error(*call, e);
              insert(self, call, std::move(app), true);
            });
}

void update(api_actor_ptr self, const call_ptr& call, body_mode mode) {
  auto in = parse_application(call->request.body, mode);
  if (failed(call, in))
    return;
  with_application(self, call, [=, in = std::get<application_in>(in)](store::application_record& app) {
    apply(in, app, mode);
    app.updated_at = now(self);
    self->request(self->state.deps.writer, caf::infinite,
                  put_application_cmd{std::move(app), false})
        .then([=](store::application_record& stored) { respond_json(*call, 200, application_out(stored)); },
              [=](caf::error& e) { respond_error(*call, e); });
  });
}

/// Deletes the application's endpoints a page at a time (each as DELETE of an endpoint does:
/// its pending deliveries fail as endpoint_deleted), then the application's row.
void remove_endpoints_then_app(api_actor_ptr self, const call_ptr& call, const std::string& app_id) {
  self->request(self->state.deps.reader, caf::infinite,
                list_application_endpoints_query{app_id, "", delete_page})
      .then(
          [=](std::vector<endpoint_view>& page) {
            if (page.empty()) {
              self->request(self->state.deps.writer, caf::infinite,
                            delete_application_cmd{app_id})
                  .then([=](bool) { respond_empty(*call, 204); },
                        [=](caf::error& e) { respond_error(*call, e); });
              return;
            }
            auto left = std::make_shared<std::size_t>(page.size());
            auto failure = std::make_shared<caf::error>();
            for (const auto& v : page)
              self->request(self->state.deps.dispatcher, caf::infinite,
                            delete_endpoint_cmd{v.endpoint.id, no_time, false})
                  .then(
                      [=](bool) {
                        if (--*left == 0)
                          remove_endpoints_then_app(self, call, app_id);
                      },
                      [=](caf::error& e) {
                        if (!*failure)
                          respond_error(*call, e);
                        *failure = e;
                        --*left;
                      });
          },
          [=](caf::error& e) { respond_error(*call, e); });
}

} // namespace

void handle_application(api_actor_ptr self, const call_ptr& call) {
  switch (call->route.id) {
    case route::svix_list_applications: return list(self, call);
    case route::svix_create_application: return create(self, call);
    case route::svix_get_application:
      return with_application(self, call, [=](store::application_record& app) {
        respond_json(*call, 200, application_out(app));
      });
    case route::svix_update_application: return update(self, call, body_mode::replace);
    case route::svix_patch_application: return update(self, call, body_mode::patch);
    case route::svix_delete_application:
      return with_application(self, call, [=](store::application_record& app) {
        remove_endpoints_then_app(self, call, app.id);
      });
    default: return respond_error(*call, api_error::internal("not an application route"));
  }
}

} // namespace hookd::api::svix
