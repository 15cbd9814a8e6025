// /api/v1/event-type: the catalogue of event-type names — create (or replace), list, get.
#include "api/cursor.hpp"
#include "api/svix/svix_handlers.hpp"
#include "messages/errors.hpp"

namespace hookd::api::svix {
namespace {

void list(api_actor_ptr self, const call_ptr& call) {
  auto q = parse_list_query(call->route.query);
  if (failed(call, q))
    return;
  const auto query = std::get<list_query>(q);
  // The iterator is the last name of the previous page (names are Svix's own iterators).
  if (!query.iterator.empty() && !valid_name(query.iterator))
    return respond_error(*call, api_error::invalid_at({"query", "iterator"},
                                                      "iterator: not one this API returned"));
  const auto limit = query.limit;
  self->request(self->state.deps.reader, caf::infinite, list_event_types_query{query.iterator, limit + 1})
      .then(
          [=](std::vector<store::event_type_record>& page) {
            std::optional<std::string> next;
            if (page.size() > limit) {
              page.resize(limit);
              next = page.back().name;
            }
            json data = json::array();
            for (const auto& t : page)
              data.push_back(event_type_out(t));
            respond_json(*call, 200, list_out(std::move(data), next));
          },
          [=](caf::error& e) { respond_error(*call, e); });
}

void put(api_actor_ptr self, const call_ptr& call, store::event_type_record rec) {
  self->request(self->state.deps.writer, caf::infinite, put_event_type_cmd{std::move(rec)})
      .then([=](store::event_type_record& stored) { respond_json(*call, 201, event_type_out(stored)); },
            [=](caf::error& e) { respond_error(*call, e); });
}

void create(api_actor_ptr self, const call_ptr& call) {
  auto in = parse_event_type(call->request.body);
  if (failed(call, in))
    return;
  auto& t = std::get<event_type_in>(in);
  store::event_type_record rec;
  rec.name = std::move(t.name);
  rec.description = std::move(t.description);
  rec.archived = t.archived;
  rec.deprecated = t.deprecated;
  rec.schemas = std::move(t.schemas);
  rec.created_at = rec.updated_at = now(self);
  // As Svix: a name in use is a conflict, unless that type was archived (then it comes back
  // with the new description).
  self->request(self->state.deps.reader, caf::infinite, event_type_query{rec.name})
      .then(
          [=](store::event_type_record& existing) mutable {
            if (!existing.archived)
              return respond_error(*call, api_error::conflict("event_type_exists",
                                                              "an event type named " + rec.name +
                                                                  " exists already"));
            put(self, call, std::move(rec));
          },
          [=](caf::error& e) mutable {
            if (code_of(e) != static_cast<std::uint8_t>(errc::unknown_event_type))
              return respond_error(*call, e);
            put(self, call, std::move(rec));
          });
}

} // namespace

void handle_event_type(api_actor_ptr self, const call_ptr& call) {
  switch (call->route.id) {
    case route::svix_list_event_types: return list(self, call);
    case route::svix_create_event_type: return create(self, call);
    case route::svix_get_event_type:
      self->request(self->state.deps.reader, caf::infinite, event_type_query{call->route.params.at(0)})
          .then([=](store::event_type_record& t) { respond_json(*call, 200, event_type_out(t)); },
                [=](caf::error& e) { respond_error(*call, e); });
      return;
    default: return respond_error(*call, api_error::internal("not an event type route"));
  }
}

} // namespace hookd::api::svix
