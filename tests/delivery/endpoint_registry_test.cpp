#include "delivery/endpoint_registry.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace hookd;
using hookd::delivery::endpoint_registry;

namespace {

store::endpoint_record endpoint(std::string id, std::vector<std::string> types) {
  store::endpoint_record ep;
  ep.id = std::move(id);
  ep.url = "http://127.0.0.1/" + ep.id;
  ep.event_types = std::move(types);
  return ep;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

} // namespace

TEST_CASE("fan-out: empty filters get everything, others only their event types", "[registry]") {
  endpoint_registry r;
  r.put(endpoint("ep_all", {}));
  r.put(endpoint("ep_orders", {"order.created", "order.paid"}));
  r.put(endpoint("ep_users", {"user.created"}));
  CHECK(sorted(r.subscribers("order.paid")) == std::vector<std::string>{"ep_all", "ep_orders"});
  CHECK(r.subscribers("user.created").size() == 2);
  CHECK(r.subscribers("nothing.subscribed") == std::vector<std::string>{"ep_all"});

  SECTION("disabled endpoints get no new deliveries") {
    r.set_status("ep_orders", endpoint_status::disabled, disabled_reason::gone);
    CHECK(r.subscribers("order.paid") == std::vector<std::string>{"ep_all"});
    r.set_status("ep_orders", endpoint_status::enabled, disabled_reason::none);
    CHECK(r.subscribers("order.paid").size() == 2);
  }
  SECTION("updating an endpoint re-indexes it") {
    r.put(endpoint("ep_orders", {"user.created"}));
    CHECK(r.subscribers("order.paid") == std::vector<std::string>{"ep_all"});
    CHECK(r.subscribers("user.created").size() == 3);
  }
  SECTION("removal") {
    CHECK(r.remove("ep_all"));
    CHECK_FALSE(r.remove("ep_all"));
    CHECK(r.subscribers("nothing.subscribed").empty());
    CHECK(r.find("ep_all") == nullptr);
    CHECK(r.size() == 2);
  }
}

TEST_CASE("ids longer than the small-string buffer survive replacement and removal",
          "[registry]") {
  // The map key and the fan-out index view the id stored in each record; a replaced record
  // must not leave a view of its predecessor's id behind.
  endpoint_registry reg;
  std::vector<std::string> ids;
  for (int i = 0; i < 300; ++i)
    ids.push_back("ep_01J0000000000000000000" + std::to_string(1000 + i));
  for (int round = 0; round < 4; ++round)
    for (const auto& id : ids)
      reg.put(endpoint(id, round % 2 == 0 ? std::vector<std::string>{}
                                           : std::vector<std::string>{"order.created"}));
  for (std::size_t i = 0; i < ids.size(); i += 2)
    CHECK(reg.remove(ids[i]));

  CHECK(reg.size() == 150);
  CHECK(reg.subscribers("order.paid").empty()); // the last round subscribed to one type
  const auto all = sorted(reg.subscribers("order.created"));
  std::vector<std::string> odd;
  for (std::size_t i = 1; i < ids.size(); i += 2)
    odd.push_back(ids[i]);
  CHECK(all == sorted(odd));
  for (const auto& id : odd)
    REQUIRE(reg.find(id) != nullptr);
  CHECK(reg.find(ids[0]) == nullptr);
}
