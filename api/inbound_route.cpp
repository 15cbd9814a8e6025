// POST /in/{source}: a third party's webhook (docs/inbound.md). No API token: the sender's
// signature authenticates it. In order: the source (404), the signature over the exact bytes
// (401, nothing stored), the body as JSON (400 too deep, 415 not JSON), then the message is
// stored and routed like any other and the sender gets 200 — before any relay attempt. A
// sender's retry of an event already stored (the same sender id) is answered 200 and stores
// nothing. Every request is counted in hookd_inbound_requests_total.
#include "api/api_actor.hpp"
#include "api/json_depth.hpp"
#include "api/resources.hpp"
#include "messages/errors.hpp"
#include "policy/inbound_event.hpp"


namespace hookd::api {
namespace {

using metrics::inbound_result;

void count(api_actor_ptr self, std::string_view source, inbound_result r) {
  self->state.deps.ctx->metrics->inbound.count(source, r);
}

/// Looks a header up by lower-case name (policy asks in lower case; the server lower-cases the
/// names it received).
std::function<std::string_view(std::string_view)> header_lookup(const net::server_request& r) {
  return [&r](std::string_view name) { return r.header(name); };
}

void refuse(api_actor_ptr self, const call_ptr& call, std::string_view source, inbound_result r,
            const api_error& e) {
  count(self, source, r);
  respond_error(*call, e);
}

void store_event(api_actor_ptr self, const call_ptr& call, const store::source_record& src,
                 policy::inbound_event event) {
  submit_message msg;
  msg.event_type = std::move(event.event_type);
  msg.payload = call->request.body;
  msg.source_id = src.id;
  msg.event_id = std::move(event.sender_id);
  const std::string source = src.id;
  self->request(self->state.deps.dispatcher, caf::infinite, std::move(msg))
      .then(
          [=](submit_result& r) {
            count(self, source, inbound_result::accepted);
            respond_json(*call, 200,
                         json{{"status", "accepted"}, {"id", r.message.id}, {"event_type", r.message.event_type}});
          },
          [=](caf::error& e) {
            if (code_of(e) == static_cast<std::uint8_t>(errc::store_conflict)) {
              count(self, source, inbound_result::duplicate); // the sender retried: a no-op
              return respond_json(*call, 200, json{{"status", "duplicate"}});
            }
            // Shutting down, recovering, overloaded (429) or a store failure: the sender retries.
            auto err = to_api_error(e);
            count(self, source, err.status == 429 || err.status >= 500 ? inbound_result::unavailable
                                                                         : inbound_result::malformed);
            respond_error(*call, err);
          });
}

/// A sender's retry of an event already stored is found by a read first (the unique index on
/// (source, sender id)), so it costs no write; two copies racing each other still meet that
/// index in the writer, which refuses the second (store_conflict, also a 200 duplicate).
void store_unless_known(api_actor_ptr self, const call_ptr& call, const store::source_record& src,
                        policy::inbound_event event) {
  if (event.sender_id.empty())
    return store_event(self, call, src, std::move(event));
  list_messages_query q;
  q.filter.source_id = src.id;
  q.filter.event_id = event.sender_id;
  q.limit = 1;
  self->request(self->state.deps.reader, caf::infinite, std::move(q))
      .then(
          [=](store::message_page& page) mutable {
            if (page.messages.empty())
              return store_event(self, call, src, std::move(event));
            count(self, src.id, inbound_result::duplicate);
            respond_json(*call, 200, json{{"status", "duplicate"}, {"id", page.messages.front().id}});
          },
          [=](caf::error&) mutable { store_event(self, call, src, std::move(event)); });
}

void receive(api_actor_ptr self, const call_ptr& call, store::source_record& src) {
  const auto kind = policy::source_kind_from_string(src.kind);
  if (!kind)
    return respond_error(*call, api_error::internal("source " + src.id + " has an unknown kind"));
  const auto& req = call->request;
  const auto header = header_lookup(req);
  const auto token = call->route.query.find("token");
  policy::inbound_request in{req.body, header,
                             token == call->route.query.end() ? std::string_view{} : token->second};
  const time_point t = now(self);
  const bool previous_valid = !src.previous_secret.empty() && t < src.previous_secret_expires_at;
  // (A string_view on both sides: `cond ? std::string : ""` would view a temporary.)
  const policy::inbound_secrets secrets{
      src.secret, previous_valid ? std::string_view{src.previous_secret} : std::string_view{}};
  if (auto verdict = policy::verify_inbound(*kind, secrets, in, t); verdict != policy::inbound_verdict::ok)
    return refuse(self, call, src.id, inbound_result::unauthorized,
                  api_error{401, std::string{policy::to_string(verdict)},
                            "the request is not signed by this source's sender (" +
                                std::string{policy::to_string(verdict)} + ")"});
  if (nested_deeper_than(req.body, max_json_nesting + 1))
    return refuse(self, call, src.id, inbound_result::malformed,
                  api_error::too_deep("the body nests arrays/objects more than " +
                                      std::to_string(max_json_nesting) + " levels"));
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded())
    return refuse(self, call, src.id, inbound_result::not_json,
                  api_error{415, "unsupported_media_type", "the body must be JSON"});
  store_unless_known(self, call, src,
                     policy::read_inbound_event(*kind, body, header, src.name, src.event_type_from));
}

} // namespace

void receive_inbound(api_actor_ptr self, const call_ptr& call) {
  self->request(self->state.deps.reader, caf::infinite, source_query{call->route.param})
      .then([=](store::source_record& src) { receive(self, call, src); },
            [=](caf::error& e) {
              if (code_of(e) == static_cast<std::uint8_t>(errc::unknown_source))
                return refuse(self, call, "unknown", inbound_result::unknown_source,
                              api_error::not_found("no source " + call->route.param));
              count(self, "unknown", inbound_result::unavailable);
              respond_error(*call, e);
            });
}

} // namespace hookd::api
