#include "net/resolver_pool.hpp"

#include <boost/asio/io_context.hpp>

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace hookd::net {

resolve_result system_resolve(const std::string& host, std::uint16_t port) {
  boost::asio::io_context ctx; // the blocking resolve runs on this thread; ctx only hosts it
  boost::asio::ip::tcp::resolver resolver(ctx);
  resolve_result r;
  auto results = resolver.resolve(host, std::to_string(port),
                                  boost::asio::ip::tcp::resolver::numeric_service, r.error);
  for (const auto& entry : results)
    r.endpoints.push_back(entry.endpoint());
  return r;
}

struct resolver_pool::state {
  using key = std::pair<std::string, std::uint16_t>;

  std::mutex m; ///< guards everything below but `stopped` and `deliver`
  std::condition_variable work;
  std::mutex deliver; ///< held while callbacks run, so that shutdown can wait them out
  std::atomic<bool> stopped{false};
  resolve_fn lookup;
  std::size_t max_threads = 1;
  std::size_t threads = 0;
  std::size_t idle = 0;
  struct wanted {
    std::vector<callback> waiters;
    std::shared_ptr<std::atomic<bool>> started = std::make_shared<std::atomic<bool>>(false);
  };
  std::map<key, wanted> waiting; ///< per lookup wanted or running
  std::deque<key> queue;         ///< lookups not yet started

  static void run(const std::shared_ptr<state>& self);
  resolve_result look_up(const key& k) const;
};

resolve_result resolver_pool::state::look_up(const key& k) const {
  try {
    return lookup(k.first, k.second);
  } catch (...) {
    resolve_result r;
    r.thrown = std::current_exception();
    return r;
  }
}

void resolver_pool::state::run(const std::shared_ptr<state>& self) {
  pthread_setname_np(pthread_self(), "hookd-dns");
  state& s = *self;
  std::unique_lock lock(s.m);
  for (;;) {
    ++s.idle;
    s.work.wait(lock, [&] { return s.stopped || !s.queue.empty(); });
    --s.idle;
    if (s.stopped)
      break;
    key k = std::move(s.queue.front());
    s.queue.pop_front();
    s.waiting[k].started->store(true);
    lock.unlock();
    resolve_result r = s.look_up(k);
    lock.lock();
    auto waiters = std::move(s.waiting[k].waiters);
    s.waiting.erase(k);
    lock.unlock();
    {
      std::lock_guard delivering(s.deliver);
      if (!s.stopped)
        for (auto& done : waiters) {
          try {
            done(r);
          } catch (...) { // the callback's owner's problem; the other waiters still hear
          }
        }
    }
    lock.lock();
  }
  --s.threads;
}

resolver_pool::resolver_pool(std::size_t threads, resolve_fn lookup)
    : state_(std::make_shared<state>()) {
  state_->lookup = lookup ? std::move(lookup) : resolve_fn(system_resolve);
  state_->max_threads = threads < 1 ? 1 : threads;
}

resolver_pool::~resolver_pool() {
  shutdown();
}

lookup_ticket resolver_pool::resolve(const std::string& host, std::uint16_t port,
                                     callback done) {
  auto& s = *state_;
  std::lock_guard lock(s.m);
  if (s.stopped)
    return std::make_shared<std::atomic<bool>>(false);
  state::key k{host, port};
  auto [it, fresh] = s.waiting.try_emplace(k);
  it->second.waiters.push_back(std::move(done));
  lookup_ticket ticket = it->second.started;
  if (!fresh)
    return ticket; // coalesced with the lookup already wanted
  s.queue.push_back(k);
  if (s.queue.size() > s.idle && s.threads < s.max_threads) { // more lookups than free threads
    try {
      std::thread([self = state_] { state::run(self); }).detach();
      ++s.threads;
    } catch (...) {
      if (s.threads == 0) { // nobody would ever run it
        s.queue.pop_back();
        s.waiting.erase(k);
        throw;
      }
      // The running threads take it when they are done with what they have.
    }
  }
  s.work.notify_one();
  return ticket;
}

void resolver_pool::shutdown() {
  {
    std::lock_guard lock(state_->m);
    state_->stopped = true;
    state_->queue.clear();
    state_->waiting.clear();
  }
  state_->work.notify_all();
  std::lock_guard wait_for_callbacks(state_->deliver);
}

} // namespace hookd::net
