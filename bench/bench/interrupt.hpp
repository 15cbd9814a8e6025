#pragma once
// Ctrl-C (SIGINT) or SIGTERM ends a run without leaving anything behind: each part the bench
// started (the hookd nodes, the receiver, a throw-away PostgreSQL) registers how to stop it,
// and the bench runs those, newest first, then exits with status 130.
#include <functional>

namespace hookd::bench {

/// Blocks SIGINT and SIGTERM (in this thread and those it starts later: call it first in
/// main) and starts the thread that waits for them.
void watch_interrupts();

/// What to stop on an interrupt, from construction to destruction.
class interrupt_cleanup {
public:
  explicit interrupt_cleanup(std::function<void()> stop);
  ~interrupt_cleanup();
  interrupt_cleanup(const interrupt_cleanup&) = delete;
  interrupt_cleanup& operator=(const interrupt_cleanup&) = delete;

private:
  unsigned long id_;
};

} // namespace hookd::bench
