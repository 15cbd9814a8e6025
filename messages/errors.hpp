#pragma once
// hookd's own error codes, carried as caf::error values between actors (category "hookd").
// Exceptions never cross an actor boundary; they become one of these.

#include "messages/inspect.hpp"

#include <cstdint>
#include <string>

namespace hookd {

enum class errc : std::uint8_t {
  store_failed = 1,  ///< the database refused or failed a write/read
  unknown_endpoint,  ///< no endpoint with that id
  endpoint_disabled, ///< the endpoint does not take new deliveries
  shutting_down,     ///< the engine is stopping and accepts no new work
  not_ready,         ///< recovery has not finished
  unknown_message,   ///< no message with that id
  overloaded,        ///< too many messages being stored at once (server.max_ingest_backlog)
  store_conflict,    ///< a uniqueness rule refused the write (store::error::kind::conflict)
  store_missing,     ///< the row the write refers to does not exist (store::error::kind::missing)
  fenced,            ///< cluster mode: the write's lease is no longer this node's
  unknown_application, ///< no application with that id or uid
  unknown_attempt,     ///< no attempt with that id
  unknown_event_type,  ///< no event type with that name
  unknown_source,      ///< no inbound source with that id
};

inline constexpr caf::atom_value error_category = caf::atom("hookd");

inline caf::error make_error(errc code, std::string detail) {
  return caf::error{static_cast<std::uint8_t>(code), error_category,
                    caf::make_message(std::move(detail))};
}

/// The code of a hookd error; nullopt-like 0 for errors of other categories.
inline std::uint8_t code_of(const caf::error& e) {
  return e.category() == error_category ? e.code() : 0;
}

/// The human-readable detail of an error made by make_error (or CAF's rendering otherwise).
std::string describe(const caf::error& e);

} // namespace hookd
