// /v1/applications: the applications (tenants) the Svix API manages, as the native API sees
// them (read-only here: they are created and changed through /api/v1/app, docs/svix.md).
#include "api/api_actor.hpp"
#include "api/cursor.hpp"
#include "api/resources.hpp"

#include <charconv>

namespace hookd::api {
namespace {

constexpr std::size_t default_page = 20;
constexpr std::size_t max_page = 100;

void list(api_actor_ptr self, const call_ptr& call) {
  std::size_t limit = default_page;
  if (auto it = call->route.query.find("limit"); it != call->route.query.end()) {
    const auto& s = it->second;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), limit);
    if (ec != std::errc{} || end != s.data() + s.size() || limit < 1 || limit > max_page)
      return respond_error(*call, api_error::malformed("limit must be an integer from 1 to 100"));
  }
  std::string after;
  if (auto it = call->route.query.find("cursor"); it != call->route.query.end()) {
    auto id = decode_cursor(it->second, "app_");
    if (!id)
      return respond_error(*call, api_error::malformed("cursor is not one this API returned"));
    after = std::move(*id);
  }
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
