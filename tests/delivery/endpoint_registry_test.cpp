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
