#pragma once
// HOOKD_INSPECT(type, fields...) defines CAF's `inspect` for a plain message struct: its type
// name plus its fields in order. Every message in messages/ is declared this way.
// CAF 0.17's headers are not all self-contained; caf/all.hpp is (and every actor includes it).
#include <caf/all.hpp>

#define HOOKD_INSPECT(type, ...)                                                                   \
  template <class Inspector>                                                                       \
  typename Inspector::result_type inspect(Inspector& f, type& x) {                                 \
    return f(caf::meta::type_name(#type), __VA_ARGS__);                                            \
  }
