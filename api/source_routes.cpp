// /v1/sources: inbound sources (docs/inbound.md) — create, list, get, patch, delete, and the
// secret (shown on create and by GET .../secret only; rotation keeps the previous one accepted
// for a day, as an endpoint's).
#include "api/api_actor.hpp"
#include "api/id_pages.hpp"
#include "api/resources.hpp"
#include "api/source_requests.hpp"
#include "messages/errors.hpp"

namespace hookd::api {
namespace {

/// How long a rotated-out secret is still accepted: the sender's configuration may lag.
constexpr duration rotation_overlap = std::chrono::hours{24};

/// Runs `then` with the source of the path, or answers 404.
template <class Then>
void with_source(api_actor_ptr self, const call_ptr& call, Then then) {
  self->request(self->state.deps.reader, caf::infinite, source_query{call->route.param})
      .then([=](store::source_record& src) mutable { then(src); },
            [=](caf::error& e) { respond_error(*call, e); });
}

/// Stores `src` (created or replaced) and answers with `render` of what was stored.
template <class Render>
void store_source(api_actor_ptr self, const call_ptr& call, store::source_record src, bool create,
                  int status, Render render) {
  self->request(self->state.deps.writer, caf::infinite, put_source_cmd{std::move(src), create})
      .then([=](store::source_record& stored) { respond_json(*call, status, render(stored)); },
            [=](caf::error& e) { respond_error(*call, e); });
}

void create(api_actor_ptr self, const call_ptr& call) {
  auto fields = parse_source_fields(call->request.body, true);
  if (failed(call, fields))
    return;
  const time_point t = now(self);
  store::source_record src;
  src.id = self->state.ids.next("src_", t);
  src.created_at = src.updated_at = t;
  if (auto e = apply_source_fields(std::get<source_fields>(fields), src))
    return respond_error(*call, *e);
  store_source(self, call, std::move(src), true, 201, created_source_json);
}

void list(api_actor_ptr self, const call_ptr& call) {
  auto asked = read_id_page(call->route.query, "src_");
  if (auto* e = std::get_if<api_error>(&asked))
    return respond_error(*call, *e);
  const std::size_t limit = std::get<id_page_request>(asked).limit;
  self->request(self->state.deps.reader, caf::infinite,
                list_sources_query{std::get<id_page_request>(asked).after, limit + 1})
      .then(
          [=](std::vector<store::source_record>& page) {
            const auto next = trim_id_page(page, limit, [](const auto& src) { return src.id; });
            json data = json::array();
            for (const auto& src : page)
              data.push_back(source_json(src));
            respond_json(*call, 200, list_json(std::move(data), next));
          },
          [=](caf::error& e) { respond_error(*call, e); });
}

void patch(api_actor_ptr self, const call_ptr& call) {
  auto fields = parse_source_fields(call->request.body, false);
  if (failed(call, fields))
    return;
  with_source(self, call, [=, f = std::get<source_fields>(fields)](store::source_record& src) {
    if (auto e = apply_source_fields(f, src))
      return respond_error(*call, *e);
    src.updated_at = now(self);
    store_source(self, call, std::move(src), false, 200, source_json);
  });
}

void remove(api_actor_ptr self, const call_ptr& call) {
  self->request(self->state.deps.writer, caf::infinite, delete_source_cmd{call->route.param})
      .then(
          [=](bool existed) {
            if (!existed)
              return respond_error(*call, api_error::not_found("no source " + call->route.param));
            respond_empty(*call, 204);
          },
          [=](caf::error& e) { respond_error(*call, e); });
}

void rotate(api_actor_ptr self, const call_ptr& call) {
  auto requested = parse_rotate_request(call->request.body);
  if (failed(call, requested))
    return;
  with_source(self, call, [=, wanted = std::get<std::string>(requested)](store::source_record& src) {
    const auto kind = policy::source_kind_from_string(src.kind);
    if (!kind)
      return respond_error(*call, api_error::internal("source " + src.id + " has an unknown kind"));
    const std::string next = wanted.empty() ? policy::generate_source_secret(*kind) : wanted;
    if (auto why = policy::check_source_secret(*kind, next); !why.empty())
      return respond_error(*call, api_error::invalid("secret: " + why));
    const time_point t = now(self);
    src.previous_secret = std::move(src.secret);
    src.previous_secret_expires_at = t + rotation_overlap;
    src.secret = next;
    src.updated_at = t;
    store_source(self, call, std::move(src), false, 200,
                 [](const store::source_record& stored) { return json{{"secret", stored.secret}}; });
  });
}

} // namespace

void handle_source_route(api_actor_ptr self, const call_ptr& call) {
  switch (call->route.id) {
    case route::create_source: return create(self, call);
    case route::list_sources: return list(self, call);
    case route::get_source:
      return with_source(self, call, [=](store::source_record& src) { respond_json(*call, 200, source_json(src)); });
    case route::patch_source: return patch(self, call);
    case route::delete_source: return remove(self, call);
    case route::get_source_secret:
      return with_source(self, call, [=](store::source_record& src) {
        respond_json(*call, 200, source_secret_json(src, now(self)));
      });
    case route::rotate_source_secret: return rotate(self, call);
    default: return respond_error(*call, api_error::internal("not a source route"));
  }
}

} // namespace hookd::api
