// delivery/parked_endpoints: which parked endpoints wake when, with explicit time points.
#include "delivery/parked_endpoints.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace hookd;
using namespace hookd::delivery;
using namespace std::chrono_literals;

namespace {

const time_point t0 = time_point{} + 1000h;

endpoint_memento memento_with(int failures) {
  endpoint_memento m;
  m.breaker.failures = failures;
  m.breaker.open = failures >= 5;
  m.breaker.next_probe_at = t0 + 10min;
  m.exhausted_episode = failures > 6;
  return m;
}

std::vector<std::string> ids_of(const std::vector<std::pair<std::string, endpoint_memento>>& due) {
  std::vector<std::string> ids;
  for (const auto& [id, m] : due)
    ids.push_back(id);
  return ids;
}

} // namespace

TEST_CASE("parked endpoints wake in wake order, each once", "[parked]") {
  parked_endpoints p;
  p.park("ep_c", t0 + 3h, {});
  p.park("ep_a", t0 + 1h, {});
  p.park("ep_b", t0 + 2h, {});
  CHECK(p.size() == 3);
  CHECK(p.next_wake() == t0 + 1h);

  struct step {
    duration at;
    std::vector<std::string> woken;
  };
  const std::vector<step> steps{
      {59min, {}},
      {1h, {"ep_a"}},        // at its wake time exactly
      {1h, {}},              // never twice
      {5h, {"ep_b", "ep_c"}} // earliest first
  };
  for (const auto& s : steps) {
    INFO("at t0 + " << std::chrono::duration_cast<std::chrono::minutes>(s.at).count() << " min");
    CHECK(ids_of(p.take_due(t0 + s.at)) == s.woken);
  }
  CHECK(p.size() == 0);
  CHECK_FALSE(p.next_wake());
}

TEST_CASE("an unparked endpoint never wakes, one parked again wakes at its new time only",
          "[parked]") {
  parked_endpoints p;
  p.park("ep_a", t0 + 1h, memento_with(7));
  p.park("ep_b", t0 + 1h, {});

  auto m = p.unpark("ep_a"); // work arrived for it
  REQUIRE(m);
  CHECK(m->breaker.failures == 7);
  CHECK(m->breaker.open);
  CHECK(m->breaker.next_probe_at == t0 + 10min);
  CHECK(m->exhausted_episode);
  CHECK_FALSE(p.unpark("ep_a"));
  CHECK_FALSE(p.contains("ep_a"));

  p.park("ep_b", t0 + 4h, memento_with(2)); // parked again, later: replaces the entry
  CHECK(p.size() == 1);
  CHECK(p.next_wake() == t0 + 4h);
  CHECK(p.take_due(t0 + 2h).empty());
  auto due = p.take_due(t0 + 4h);
  REQUIRE(due.size() == 1);
  CHECK(due[0].first == "ep_b");
  CHECK(due[0].second.breaker.failures == 2);
}

TEST_CASE("parking the same endpoint twice at one time wakes it once", "[parked]") {
  parked_endpoints p;
  p.park("ep_a", t0 + 1h, {});
  p.unpark("ep_a");
  p.park("ep_a", t0 + 1h, memento_with(1));
  auto due = p.take_due(t0 + 1h);
  REQUIRE(due.size() == 1);
  CHECK(due[0].second.breaker.failures == 1);
  CHECK(p.take_due(t0 + 2h).empty());
}
