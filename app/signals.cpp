#include "app/signals.hpp"

#include <csignal>
#include <pthread.h>

namespace hookd {
namespace {

sigset_t shutdown_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

} // namespace

void shutdown_signals::block() {
  const sigset_t set = shutdown_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int shutdown_signals::wait() {
  const sigset_t set = shutdown_set();
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

} // namespace hookd
