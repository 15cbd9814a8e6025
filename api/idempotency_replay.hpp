#pragma once
// What a request under an Idempotency-Key that is stored already gets (docs/api.md,
// Idempotency): the same request (same hash) the message it created, another one 409
// idempotency_conflict. Shared by POST /v1/messages and each message of a batch (private to
// api/).
#include "api/api_actor.hpp"

#include <functional>
#include <string>
#include <variant>

namespace hookd::api {

/// The stored message to replay, or the error to answer.
using replay_outcome = std::variant<message_view, api_error>;
using replay_fn = std::function<void(replay_outcome&)>;

/// The answer for a request with hash `hash` under the stored key `rec`.
void replay_stored(api_actor_ptr self, const store::idempotency_record& rec, const std::string& hash,
                   const replay_fn& done);

/// The store refused a message because its key exists (a concurrent request with the same key,
/// or an earlier message of the same batch, committed first): looks the key up again and
/// answers as replay_stored; `refusal` itself when the key is not found.
void replay_after_conflict(api_actor_ptr self, const std::string& key, const std::string& hash,
                           const caf::error& refusal, const replay_fn& done);

} // namespace hookd::api
