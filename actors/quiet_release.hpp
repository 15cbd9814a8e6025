#pragma once
// A store actor's page cache, given back while the actor is quiet (store::release_memory).
// SQLite keeps every page a connection has read or written cached, up to cache_size: with
// 10,000 endpoints that was about 2.5 KiB per endpoint across the writer and the reader
// (docs/benchmarks.md), held for as long as hookd runs, though a quiet hookd needs none of it.
//
// The actor calls note_store_activity(self) on each request and on_quiet_tick(self) when its
// idle_atom arrives; those arm the timer of `period` when quiet_release says so. The cache is
// released once, between one and two periods after the last request, and no timer stays armed
// while the actor is quiet.
#include "messages/type_ids.hpp"
#include "store/store.hpp"

#include <chrono>

namespace hookd {

class quiet_release {
public:
  static constexpr std::chrono::seconds period{5};

  /// True when the caller must arm the timer.
  bool note_activity() {
    active_ = true;
    if (armed_)
      return false;
    armed_ = true;
    return true;
  }

  /// True when the caller must arm the timer again.
  bool on_tick(store::store& db) {
    if (active_) {
      active_ = false;
      return true;
    }
    armed_ = false;
    db.release_memory();
    return false;
  }

private:
  bool active_ = false;
  bool armed_ = false;
};

/// For a store actor whose state holds `quiet` (a quiet_release) and `db`, and which reacts to
/// idle_atom: call on each request.
template <class Self>
void note_store_activity(Self* self) {
  if (self->state.quiet.note_activity())
    self->delayed_send(self, quiet_release::period, idle_atom_v);
}

/// The same actor's idle_atom handler.
template <class Self>
void on_quiet_tick(Self* self) {
  if (self->state.quiet.on_tick(*self->state.db))
    self->delayed_send(self, quiet_release::period, idle_atom_v);
}

} // namespace hookd
