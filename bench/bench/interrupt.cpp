#include "bench/bench/interrupt.hpp"

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

namespace hookd::bench {

namespace {

std::mutex cleanups_mutex;
std::map<unsigned long, std::function<void()>> cleanups; // by registration order
unsigned long next_id = 0;

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

} // namespace

void watch_interrupts() {
  const auto set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread([set] {
    int signal = 0;
    sigwait(&set, &signal);
    std::fprintf(stderr, "\nhookd-bench: interrupted; stopping what the run started\n");
    std::lock_guard lock{cleanups_mutex};
    for (auto it = cleanups.rbegin(); it != cleanups.rend(); ++it)
      it->second();
    std::_Exit(130);
  }).detach();
}

interrupt_cleanup::interrupt_cleanup(std::function<void()> stop) {
  std::lock_guard lock{cleanups_mutex};
  id_ = next_id++;
  cleanups.emplace(id_, std::move(stop));
}

interrupt_cleanup::~interrupt_cleanup() {
  std::lock_guard lock{cleanups_mutex};
  cleanups.erase(id_);
}

} // namespace hookd::bench
