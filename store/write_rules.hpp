#pragma once
// Rules every store implementation applies the same way to the records it is given (shared so
// that SQLite and PostgreSQL cannot drift apart).
#include "store/store.hpp"

#include <string>

namespace hookd::store {

/// A new delivery's updated_at: its own when set, else its message's acceptance time.
inline time_point initial_update_time(const message_record& msg, const delivery_record& d) {
  return d.updated_at == no_time ? msg.created_at : d.updated_at;
}

/// record_attempt's precondition: the attempt (when it names a delivery) and the update are for
/// the same delivery. Throws kind missing otherwise, before anything is written.
inline void check_attempt_matches(const attempt_record& a, const delivery_update& d) {
  if (a.delivery_id != 0 && a.delivery_id != d.delivery_id)
    throw error("record_attempt: the attempt is for delivery " + std::to_string(a.delivery_id) +
                    " but the update for delivery " + std::to_string(d.delivery_id),
                error::kind::missing);
}

} // namespace hookd::store
