#include "bench/bench/progress.hpp"

#include "bench/bench/client_pool.hpp"
#include "bench/common/clock.hpp"

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdio>

namespace hookd::bench {

progress::progress(const producer_counters& producers, std::function<proc_usage()> hookd_usage,
                   std::uint16_t receiver_port)
    : producers_(producers), hookd_usage_(std::move(hookd_usage)), receiver_port_(receiver_port),
      tty_(::isatty(2) != 0), thread_([this] { loop(); }) {}

progress::~progress() {
  stop_ = true;
  thread_.join();
  pause();
}

void progress::set_phase(std::string name) {
  std::lock_guard lock{mutex_};
  phase_ = std::move(name);
}

void progress::pause() {
  std::lock_guard lock{mutex_};
  if (!paused_ && tty_)
    std::fprintf(stderr, "\n");
  paused_ = true;
}

void progress::resume() {
  std::lock_guard lock{mutex_};
  paused_ = false;
}

void progress::loop() {
  const auto start = steady::now();
  auto last = start;
  std::uint64_t last_accepted = 0, last_ok = 0;
  auto last_print = start - std::chrono::seconds{10};
  while (!stop_) {
    std::this_thread::sleep_for(std::chrono::milliseconds{250});
    const auto now = steady::now();
    if (now - last < std::chrono::seconds{1})
      continue;
    const double dt = std::chrono::duration<double>(now - last).count();
    last = now;
    const auto accepted = producers_.accepted.load();
    std::uint64_t ok = last_ok;
    auto rx = call(receiver_port_, "GET", "/_ctl/stats", {}, std::chrono::milliseconds{500});
    if (rx.status == 200)
      ok = nlohmann::json::parse(rx.body, nullptr, false).value("ok", last_ok);
    std::string pending = "?", in_flight = "?";
    if (auto port = hookd_port_.load()) {
      auto st = call(port, "GET", "/v1/stats", {}, std::chrono::milliseconds{500});
      if (st.status == 200) {
        auto j = nlohmann::json::parse(st.body, nullptr, false);
        if (!j.is_discarded()) {
          pending = std::to_string(j.value("pending", -1));
          in_flight = std::to_string(j.value("in_flight", -1));
        }
      } else {
        pending = "down";
      }
    }
    const auto usage = hookd_usage_();
    char line[400];
    std::lock_guard lock{mutex_};
    std::snprintf(line, sizeof line,
                  "[%6.1fs] %-14s accepted %9llu (%7.0f/s)  receiver 2xx %9llu (%7.0f/s)  "
                  "pending %8s  in flight %5s  RSS %6.1f MiB  CPU %6.1f s",
                  std::chrono::duration<double>(now - start).count(), phase_.c_str(),
                  static_cast<unsigned long long>(accepted),
                  static_cast<double>(accepted - last_accepted) / dt,
                  static_cast<unsigned long long>(ok), static_cast<double>(ok - last_ok) / dt,
                  pending.c_str(), in_flight.c_str(),
                  static_cast<double>(usage.rss_bytes) / 1048576.0, usage.cpu_s);
    last_accepted = accepted;
    last_ok = ok;
    if (paused_)
      continue;
    if (tty_) {
      std::fprintf(stderr, "\r\033[K%s", line);
    } else if (now - last_print >= std::chrono::seconds{5}) {
      std::fprintf(stderr, "%s\n", line);
      last_print = now;
    }
    std::fflush(stderr);
  }
}

} // namespace hookd::bench
