#pragma once
// A store actor's page cache, given back while the actor is quiet (store::release_memory).
// SQLite keeps every page a connection has read or written cached, up to cache_size: with
// 10,000 endpoints that was about 2.5 KiB per endpoint across the writer and the reader
// (docs/benchmarks.md), held for as long as hookd runs, though a quiet hookd needs none of it.
//
// The actor calls note_activity() on each request and arms a timer of `period` when it says
// so; on each tick it calls on_tick() and arms the timer again when that says so. The cache is
// released once, between one and two periods after the last request, and no timer stays armed
// while the actor is quiet.
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

} // namespace hookd
