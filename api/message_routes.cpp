// /v1/messages: create (with Idempotency-Key), get, attempts, retry.
#include "api/api_actor.hpp"
#include "api/idempotency_replay.hpp"
#include "api/requests.hpp"
#include "api/resources.hpp"
#include "messages/errors.hpp"
#include "policy/signing.hpp"


namespace hookd::api {
namespace {

/// Identifies a request under an Idempotency-Key: hex SHA-256 of method, target and body.
std::string request_hash(const net::server_request& r) {
  const std::string_view parts[] = {r.method, " ", r.target, "\n", r.body};
  return policy::to_hex(policy::sha256(parts));
}

/// With a message id from the route, runs `then(view)`; unknown ids answer 404.
template <class Then>
void with_message(api_actor_ptr self, const call_ptr& call, const std::string& id, Then then) {
  self->request(self->state.deps.reader, caf::infinite, message_query{id})
      .then([=](message_view& view) mutable { then(view); },
            [=](caf::error& e) { respond_error(*call, e); });
}

void answer_message(const call_ptr& call, int status, const message_view& v,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
  respond_text(*call, status, message_text(v.message, v.message.payload, v.deliveries), std::move(headers));
}

/// Answers a replay_stored / replay_after_conflict outcome.
replay_fn answer_replay(const call_ptr& call) {
  return [call](replay_outcome& outcome) {
    if (auto* e = std::get_if<api_error>(&outcome))
      return respond_error(*call, *e);
    answer_message(call, 202, std::get<message_view>(outcome), {{"Idempotent-Replayed", "true"}});
  };
}

void accepted(const call_ptr& call, submit_result& r) {
  respond_text(*call, 202, accepted_message_text(r.message, r.body.str(), r.endpoint_ids));
}

void submit(api_actor_ptr self, const call_ptr& call, submit_message msg) {
  const std::string key = msg.idempotency_key;
  const std::string hash = msg.request_hash;
  self->request(self->state.deps.dispatcher, caf::infinite, std::move(msg))
      .then([=](submit_result& r) { accepted(call, r); },
            [=](caf::error& e) {
              if (key.empty() || code_of(e) != static_cast<std::uint8_t>(errc::store_conflict))
                return respond_error(*call, e);
              // A concurrent request with the same key won the race: look again.
              replay_after_conflict(self, key, hash, e, answer_replay(call));
            });
}

void create(api_actor_ptr self, const call_ptr& call) {
  auto parsed_request = parse_message_request(call->request.body);
  if (auto* e = std::get_if<api_error>(&parsed_request))
    return respond_error(*call, *e);
  auto& req = std::get<message_request>(parsed_request);
  if (req.endpoint_id == alert_endpoint_id)
    return respond_error(*call, api_error::not_found("no endpoint " + req.endpoint_id));
  submit_message msg{std::move(req.event_type), std::move(req.payload), std::move(req.endpoint_id), {}, {}, {}, {}, {}, {}, {}};
  const std::string key{call->request.header("idempotency-key")};
  if (key.empty())
    return submit(self, call, std::move(msg));
  if (auto e = check_idempotency_key(key))
    return respond_error(*call, *e);
  msg.idempotency_key = key;
  msg.request_hash = request_hash(call->request);
  self->request(self->state.deps.reader, caf::infinite, idempotency_query{key})
      .then(
          [=, msg = std::move(msg)](store::idempotency_record& rec) mutable {
            if (rec.key.empty())
              return submit(self, call, std::move(msg));
            replay_stored(self, rec, msg.request_hash, answer_replay(call));
          },
          [=](caf::error& e) { respond_error(*call, e); });
}

void attempts(api_actor_ptr self, const call_ptr& call) {
  with_message(self, call, call->route.param, [=](message_view& v) {
    self->request(self->state.deps.reader, caf::infinite, attempts_query{v.message.id})
        .then(
            [=](std::vector<store::attempt_record>& list) {
              json data = json::array();
              for (const auto& a : list)
                data.push_back(attempt_json(a));
              respond_json(*call, 200, list_json(std::move(data), std::nullopt));
            },
            [=](caf::error& e) { respond_error(*call, e); });
  });
}

void retry(api_actor_ptr self, const call_ptr& call) {
  with_message(self, call, call->route.param, [=](message_view& v) {
    self->request(self->state.deps.dispatcher, caf::infinite, retry_message_cmd{v.message.seq, {}})
        .then([=](std::size_t n) { respond_json(*call, 202, json{{"retried", n}}); },
              [=](caf::error& e) { respond_error(*call, e); });
  });
}

} // namespace

void handle_message_route(api_actor_ptr self, const call_ptr& call) {
  switch (call->route.id) {
    case route::create_message: return create(self, call);
    case route::create_message_batch: return create_message_batch(self, call);
    case route::get_message:
      return with_message(self, call, call->route.param, [=](message_view& v) { answer_message(call, 200, v); });
    case route::list_attempts: return attempts(self, call);
    case route::retry_message: return retry(self, call);
    default: return respond_error(*call, api_error::internal("not a message route"));
  }
}

} // namespace hookd::api
