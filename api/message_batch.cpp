// POST /v1/messages/batch: up to 1,000 messages committed in one transaction (one fsync), each
// judged as POST /v1/messages would judge it, with one result per message in order.
#include "api/api_actor.hpp"
#include "api/idempotency_replay.hpp"
#include "api/requests.hpp"
#include "api/resources.hpp"
#include "messages/errors.hpp"
#include "policy/signing.hpp"

#include <optional>

namespace hookd::api {
namespace {

/// Identifies one message of a batch under its Idempotency-Key: hex SHA-256 of the route and
/// the message's bytes as sent (so the same message re-sent in another batch replays).
std::string item_hash(std::string_view text) {
  const std::string_view parts[] = {"POST /v1/messages/batch\n", text};
  return policy::to_hex(policy::sha256(parts));
}

/// A refused message's result: the single POST's error shape plus the status it would have had.
std::string error_text(const api_error& e) {
  json body{{"error", {{"code", e.code}, {"message", e.message}, {"status", e.status}}}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// The answer being assembled: one JSON text per message, sent once none is missing.
struct batch_answer {
  call_ptr call;
  std::vector<std::string> results;
  std::size_t missing = 0;

  void set(std::size_t i, std::string text) {
    results[i] = std::move(text);
    if (--missing == 0)
      send();
  }

  void set(std::size_t i, replay_outcome& outcome) {
    if (auto* e = std::get_if<api_error>(&outcome))
      return set(i, error_text(*e));
    auto& v = std::get<message_view>(outcome);
    set(i, message_text(v.message, v.message.payload, v.deliveries));
  }

  void send() {
    std::string body = "{\"data\":[";
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (i > 0)
        body += ',';
      body += results[i];
    }
    body += "]}";
    respond_text(*call, 202, std::move(body));
  }
};

using answer_ptr = std::shared_ptr<batch_answer>;

/// One message on its way: where its result goes, its key and hash (empty: none).
struct pending_item {
  std::size_t index;
  std::string key;
  std::string hash;
};

/// Submits the messages that are not replays, all in one submit_batch.
void submit(api_actor_ptr self, const answer_ptr& answer, std::vector<pending_item> items,
            std::vector<submit_message> messages) {
  if (messages.empty())
    return;
  self->request(self->state.deps.dispatcher, caf::infinite, submit_batch{std::move(messages)})
      .then(
          [self, answer, items = std::move(items)](batch_result& r) {
            for (std::size_t k = 0; k < r.items.size() && k < items.size(); ++k) {
              auto& result = r.items[k];
              const auto& item = items[k];
              if (!result.error) {
                auto& a = result.accepted;
                answer->set(item.index, accepted_message_text(a.message, a.body.str(), a.endpoint_ids));
              } else if (!item.key.empty() &&
                         code_of(result.error) == static_cast<std::uint8_t>(errc::store_conflict)) {
                // Its key was stored meanwhile, or by an earlier message of this batch.
                replay_after_conflict(self, item.key, item.hash, result.error,
                                      [=, i = item.index](replay_outcome& o) { answer->set(i, o); });
              } else {
                answer->set(item.index, error_text(to_api_error(result.error)));
              }
            }
          },
          // The batch as a whole was refused (shutting down, overloaded, the store failing):
          // nothing of it was stored.
          [=](caf::error& e) { respond_error(*answer->call, e); });
}

/// Messages whose key is stored already are replays (replay_stored); the others are submitted.
void replay_or_submit(api_actor_ptr self, const answer_ptr& answer, std::vector<pending_item> items,
                      std::vector<submit_message> messages) {
  std::vector<std::string> keys;
  for (const auto& item : items)
    if (!item.key.empty())
      keys.push_back(item.key);
  if (keys.empty())
    return submit(self, answer, std::move(items), std::move(messages));
  self->request(self->state.deps.reader, caf::infinite, idempotency_keys_query{std::move(keys)})
      .then(
          [=](std::vector<store::idempotency_record>& stored) mutable {
            std::vector<pending_item> fresh_items;
            std::vector<submit_message> fresh;
            std::size_t next_key = 0; // stored[] has one record per keyed item, in order
            for (std::size_t k = 0; k < items.size(); ++k) {
              auto& item = items[k];
              const auto* rec = item.key.empty() || next_key >= stored.size() ? nullptr : &stored[next_key++];
              if (rec != nullptr && !rec->key.empty()) {
                replay_stored(self, *rec, item.hash,
                              [=, i = item.index](replay_outcome& o) { answer->set(i, o); });
                continue;
              }
              fresh_items.push_back(std::move(item));
              fresh.push_back(std::move(messages[k]));
            }
            submit(self, answer, std::move(fresh_items), std::move(fresh));
          },
          [=](caf::error& e) { respond_error(*answer->call, e); });
}

} // namespace

void create_message_batch(api_actor_ptr self, const call_ptr& call) {
  auto parsed_batch =
      parse_batch_request(call->request.body, self->state.deps.ctx->cfg->server.max_payload_bytes);
  if (auto* e = std::get_if<api_error>(&parsed_batch))
    return respond_error(*call, *e);
  auto& parsed_items = std::get<std::vector<parsed<batch_item>>>(parsed_batch);
  auto answer = std::make_shared<batch_answer>();
  answer->call = call;
  answer->results.resize(parsed_items.size());
  answer->missing = parsed_items.size();
  std::vector<pending_item> items;
  std::vector<submit_message> messages;
  std::vector<std::pair<std::size_t, api_error>> refused;
  for (std::size_t i = 0; i < parsed_items.size(); ++i) {
    if (auto* e = std::get_if<api_error>(&parsed_items[i])) {
      refused.emplace_back(i, std::move(*e));
      continue;
    }
    auto& item = std::get<batch_item>(parsed_items[i]);
    auto& req = item.message;
    if (req.endpoint_id == alert_endpoint_id) {
      refused.emplace_back(i, api_error::not_found("no endpoint " + req.endpoint_id));
      continue;
    }
    pending_item p{i, std::move(item.idempotency_key), {}};
    if (!p.key.empty())
      p.hash = item_hash(item.text);
    messages.push_back(submit_message{std::move(req.event_type), std::move(req.payload),
                                      std::move(req.endpoint_id), {}, p.key, p.hash, {}, {}, {}, {}});
    items.push_back(std::move(p));
  }
  // Refusals last: the answer goes out when the last result is set, possibly right here.
  if (!items.empty())
    replay_or_submit(self, answer, std::move(items), std::move(messages));
  for (auto& [i, e] : refused)
    answer->set(i, error_text(e));
}

} // namespace hookd::api
