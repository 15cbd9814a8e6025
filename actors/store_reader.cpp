#include "actors/store_reader.hpp"

#include "logging/logger.hpp"
#include "messages/errors.hpp"

#include <caf/all.hpp>

namespace hookd {
namespace {

struct reader_state {
  static inline const char* name = "hookd.store_reader";
  std::shared_ptr<store::store> db;
};

using reader_ptr = store_reader_actor::stateful_pointer<reader_state>;

/// Runs a query, turning a store::error into an error reply.
template <class Fn>
auto guarded(reader_ptr self, Fn fn) -> caf::result<decltype(fn(*self->state.db))> {
  try {
    return fn(*self->state.db);
  } catch (const store::error& e) {
    logging::get("store")->error("store read failed: {}", e.what());
    return make_error(errc::store_failed, e.what());
  }
}

store_reader_actor::behavior_type reader(reader_ptr self, std::shared_ptr<store::store> db) {
  self->state.db = std::move(db);
  return {
      [=](const load_pending_query& q) {
        return guarded(self, [&](store::store& s) { return s.load_pending(q.endpoint_id); });
      },
      [=](const load_payloads_query& q) {
        return guarded(self, [&](store::store& s) {
          std::vector<payload_entry> out;
          for (auto& [seq, bytes] : s.load_payloads(q.message_seqs))
            out.push_back(payload_entry{seq, payload{std::move(bytes)}});
          return out;
        });
      },
      [=](endpoints_atom) {
        return guarded(self, [](store::store& s) { return s.load_endpoints(); });
      },
      [=](pending_atom) {
        return guarded(self, [](store::store& s) { return s.endpoints_with_pending(); });
      },
  };
}

} // namespace

store_reader_actor spawn_store_reader(caf::actor_system& sys, std::shared_ptr<store::store> db,
                                      bool detached) {
  if (detached)
    return sys.spawn<caf::detached>(reader, std::move(db));
  return sys.spawn(reader, std::move(db));
}

} // namespace hookd
