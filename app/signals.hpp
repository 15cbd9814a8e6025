#pragma once
// SIGTERM / SIGINT handling for the daemon: block both in every thread (call `block` before
// any thread starts), then wait for one in the main thread with `wait`.
namespace hookd {

class shutdown_signals {
public:
  /// Blocks SIGTERM and SIGINT for this thread and the threads it creates afterwards.
  static void block();
  /// Waits for SIGTERM or SIGINT; returns the signal number.
  static int wait();
};

} // namespace hookd
