// /api/v1/app/{app}/msg: an application's messages — create (eventId, Idempotency-Key), get, list.
#include "api/cursor.hpp"
#include "api/idempotency_replay.hpp"
#include "api/svix/svix_handlers.hpp"
#include "messages/errors.hpp"
#include "policy/signing.hpp"

namespace hookd::api::svix {
namespace {

bool with_content(const call_ptr& call) {
  auto it = call->route.query.find("with_content");
  return it == call->route.query.end() || it->second != "false";
}

/// Identifies a request under an Idempotency-Key: hex SHA-256 of method, path and body.
std::string request_hash(const net::server_request& r) {
  const auto path = std::string_view{r.target}.substr(0, r.target.find('?'));
  const std::string_view parts[] = {r.method, " ", path, "\n", r.body};
  return policy::to_hex(policy::sha256(parts));
}

void submit(api_actor_ptr self, const call_ptr& call, submit_message msg, bool content) {
  const std::string key = msg.idempotency_key;
  const std::string hash = msg.request_hash;
  self->request(self->state.deps.dispatcher, caf::infinite, std::move(msg))
      .then(
          [=](submit_result& r) {
            r.message.payload = r.body.str();
            respond_json(*call, 202, message_out(r.message, content));
          },
          [=](caf::error& e) {
            if (code_of(e) == static_cast<std::uint8_t>(errc::store_conflict) && key.empty())
              return respond_error(*call, api_error::conflict(
                                              "conflict", "a message with this eventId exists already "
                                                          "in this application"));
            if (key.empty() || code_of(e) != static_cast<std::uint8_t>(errc::store_conflict))
              return respond_error(*call, e);
            replay_after_conflict(self, key, hash, e, [=](replay_outcome& outcome) {
              if (auto* err = std::get_if<api_error>(&outcome)) {
                if (err->code == "conflict")
                  err->message = "a message with this eventId exists already in this application";
                return respond_error(*call, *err);
              }
              respond_json(*call, 202, message_out(std::get<message_view>(outcome).message, content));
            });
          });
}

void create(api_actor_ptr self, const call_ptr& call) {
  auto in = parse_message(call->request.body);
  if (failed(call, in))
    return;
  const std::string key{call->request.header("idempotency-key")};
  if (!key.empty())
    if (auto e = check_idempotency_key(key))
      return respond_error(*call, *e);
  const bool content = with_content(call);
  with_application(self, call, [=, m = std::get<message_in>(in)](store::application_record& app) mutable {
    submit_message msg;
    msg.event_type = std::move(m.event_type);
    msg.payload = std::move(m.payload);
    msg.application_id = app.id;
    msg.event_id = std::move(m.event_id);
    msg.channels = std::move(m.channels);
    if (key.empty())
      return submit(self, call, std::move(msg), content);
    // Keys are kept per application: two tenants' SDKs may pick the same key.
    msg.idempotency_key = "app:" + app.id + ":" + key;
    msg.request_hash = request_hash(call->request);
    const std::string scoped_key = msg.idempotency_key; // msg moves into the reply's handler
    self->request(self->state.deps.reader, caf::infinite, idempotency_query{scoped_key})
        .then(
            [=, msg = std::move(msg)](store::idempotency_record& rec) mutable {
              if (rec.key.empty())
                return submit(self, call, std::move(msg), content);
              replay_stored(self, rec, msg.request_hash, [=](replay_outcome& outcome) {
                if (auto* err = std::get_if<api_error>(&outcome))
                  return respond_error(*call, *err);
                respond_json(*call, 202, message_out(std::get<message_view>(outcome).message, content));
              });
            },
            [=](caf::error& e) { respond_error(*call, e); });
  });
}

void list(api_actor_ptr self, const call_ptr& call) {
  const auto parsed_query = seq_list_query(call);
  if (!parsed_query)
    return;
  const list_query query = parsed_query->first;
  const std::int64_t before = parsed_query->second;
  with_application(self, call, [=](store::application_record& app) {
    list_messages_query lq;
    lq.filter.application_id = app.id;
    lq.filter.event_types = query.event_types;
    lq.filter.channel = query.channel;
    lq.filter.since = query.after;
    lq.filter.until = query.before;
    lq.filter.before_seq = before;
    lq.limit = query.limit;
    self->request(self->state.deps.reader, caf::infinite, std::move(lq))
        .then(
            [=](store::message_page& page) {
              json data = json::array();
              for (const auto& m : page.messages)
                data.push_back(message_out(m, query.with_content));
              std::optional<std::string> next;
              if (page.next_before > 0)
                next = encode_seq_cursor(page.next_before);
              respond_json(*call, 200, list_out(std::move(data), next));
            },
            [=](caf::error& e) { respond_error(*call, e); });
  });
}

} // namespace

void handle_message(api_actor_ptr self, const call_ptr& call) {
  switch (call->route.id) {
    case route::svix_create_message: return create(self, call);
    case route::svix_list_messages: return list(self, call);
    case route::svix_get_message:
      return with_message(self, call, call->route.params.at(1),
                          [=](store::application_record&, message_view& v) {
                            respond_json(*call, 200, message_out(v.message, with_content(call)));
                          });
    default: return respond_error(*call, api_error::internal("not a message route"));
  }
}

} // namespace hookd::api::svix
