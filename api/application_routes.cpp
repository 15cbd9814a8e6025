// /v1/applications: the applications (tenants) the Svix API manages, as the native API sees
// them (read-only here: they are created and changed through /api/v1/app, docs/svix.md).
#include "api/api_actor.hpp"
#include "api/id_pages.hpp"
#include "api/resources.hpp"

namespace hookd::api {
namespace {

void list(api_actor_ptr self, const call_ptr& call) {
  auto asked = read_id_page(call->route.query, "app_");
  if (auto* e = std::get_if<api_error>(&asked))
    return respond_error(*call, *e);
  const std::size_t limit = std::get<id_page_request>(asked).limit;
  self->request(self->state.deps.reader, caf::infinite,
                list_applications_query{std::get<id_page_request>(asked).after, limit + 1})
      .then(
          [=](std::vector<store::application_record>& page) {
            const auto next = trim_id_page(page, limit, [](const auto& app) { return app.id; });
            json data = json::array();
            for (const auto& app : page)
              data.push_back(application_json(app));
            respond_json(*call, 200, list_json(std::move(data), next));
          },
          [=](caf::error& e) { respond_error(*call, e); });
}

} // namespace

void handle_application_route(api_actor_ptr self, const call_ptr& call) {
  if (call->route.id == route::list_applications)
    return list(self, call);
  self->request(self->state.deps.reader, caf::infinite, application_query{call->route.param})
      .then([=](store::application_record& app) { respond_json(*call, 200, application_json(app)); },
            [=](caf::error& e) { respond_error(*call, e); });
}

} // namespace hookd::api
