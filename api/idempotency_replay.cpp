#include "api/idempotency_replay.hpp"

namespace hookd::api {

void replay_stored(api_actor_ptr self, const store::idempotency_record& rec, const std::string& hash,
                   const replay_fn& done) {
  if (rec.request_hash != hash) {
    replay_outcome conflict = api_error::conflict("idempotency_conflict",
                                                  "Idempotency-Key was used with a different request");
    return done(conflict);
  }
  self->request(self->state.deps.reader, caf::infinite, message_query{rec.message_id})
      .then(
          [done](message_view& view) {
            replay_outcome found = std::move(view);
            done(found);
          },
          [done](caf::error& e) {
            replay_outcome failed = to_api_error(e);
            done(failed);
          });
}

void replay_after_conflict(api_actor_ptr self, const std::string& key, const std::string& hash,
                           const caf::error& refusal, const replay_fn& done) {
  self->request(self->state.deps.reader, caf::infinite, idempotency_query{key})
      .then(
          [=](store::idempotency_record& rec) {
            if (!rec.key.empty())
              return replay_stored(self, rec, hash, done);
            replay_outcome failed = to_api_error(refusal);
            done(failed);
          },
          [=](caf::error& e) {
            replay_outcome failed = to_api_error(e);
            done(failed);
          });
}

} // namespace hookd::api
