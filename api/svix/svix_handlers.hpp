#pragma once
// The Svix API's handlers, one file per resource (private to api/svix): each resolves the
// application of the path first (by id or uid; an unknown one is a 404, and nothing of another
// application is ever found through it), then asks the engine's actors as the native API does.
#include "api/api_actor.hpp"
#include "api/svix/svix_requests.hpp"
#include "api/svix/svix_shapes.hpp"

namespace hookd::api::svix {

/// Runs `then(app)` with the application the path's {app} names (id or uid); 404 otherwise.
template <class Then>
void with_application(api_actor_ptr self, const call_ptr& call, Then then) {
  self->request(self->state.deps.reader, caf::infinite, application_query{call->route.params.at(0)})
      .then([=](store::application_record& app) mutable { then(app); },
            [=](caf::error& e) { respond_error(*call, e); });
}

/// Runs `then(app, view)` with the path's endpoint ({ep}: id or uid) of the path's application.
template <class Then>
void with_endpoint(api_actor_ptr self, const call_ptr& call, const std::string& endpoint, Then then) {
  with_application(self, call, [=](store::application_record& app) mutable {
    self->request(self->state.deps.reader, caf::infinite, endpoint_query{endpoint, app.id})
        .then([=](endpoint_view& v) mutable { then(app, v); },
              [=](caf::error& e) { respond_error(*call, e); });
  });
}

/// Runs `then(app, view)` with the path's message ({msg}) of the path's application.
template <class Then>
void with_message(api_actor_ptr self, const call_ptr& call, const std::string& message, Then then) {
  with_application(self, call, [=](store::application_record& app) mutable {
    self->request(self->state.deps.reader, caf::infinite, message_query{message})
        .then(
            [=](message_view& v) mutable {
              if (v.message.application_id != app.id)
                return respond_error(*call, api_error::not_found("no message " + message));
              then(app, v);
            },
            [=](caf::error& e) { respond_error(*call, e); });
  });
}

/// The query of a list that pages by seq (messages, attempts) and the seq its page starts
/// below (0: the newest); nullopt, with the 422 answered, when either is bad.
std::optional<std::pair<list_query, std::int64_t>> seq_list_query(const call_ptr& call);

void handle_application(api_actor_ptr self, const call_ptr& call);
void handle_endpoint(api_actor_ptr self, const call_ptr& call);
void handle_message(api_actor_ptr self, const call_ptr& call);
void handle_attempt(api_actor_ptr self, const call_ptr& call);
void handle_event_type(api_actor_ptr self, const call_ptr& call);

} // namespace hookd::api::svix
