#include "actors/store_syncer.hpp"

#include "logging/logger.hpp"
#include "messages/errors.hpp"
#include "store/store.hpp"

#include <caf/all.hpp>

namespace hookd {
namespace {

struct syncer_state {
  static inline const char* name = "hookd.store_syncer";
  std::shared_ptr<store::durability> durability;
};

store_syncer_actor::behavior_type
syncer(store_syncer_actor::stateful_pointer<syncer_state> self,
       std::shared_ptr<store::durability> durability) {
  self->state.durability = std::move(durability);
  return {
      [self](flush_atom) -> caf::result<caf::ok_atom> {
        try {
          self->state.durability->sync();
          return caf::ok_atom_v;
        } catch (const store::error& e) {
          logging::get("store")->critical("{}", e.what());
          return make_error(errc::store_failed, e.what());
        }
      },
  };
}

} // namespace

store_syncer_actor spawn_store_syncer(caf::local_actor* writer,
                                      std::shared_ptr<store::durability> durability,
                                      bool detached) {
  if (detached)
    return writer->spawn<caf::detached + caf::linked>(syncer, std::move(durability));
  return writer->spawn<caf::linked>(syncer, std::move(durability));
}

} // namespace hookd
