#include "policy/ids.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace hookd;
using namespace hookd::policy;

TEST_CASE("ids carry their prefix, are unique and sort by creation time", "[policy][ids]") {
  id_generator gen{42};
  const time_point t0 = from_unix_ms(1'700'000'000'000);
  std::set<std::string> seen;
  std::string previous;
  for (int i = 0; i < 10'000; ++i) {
    const auto id = gen.next("msg_", t0 + duration{i / 100}); // 100 ids per millisecond
    REQUIRE(is_valid_id(id, "msg_"));
    REQUIRE(id > previous);
    REQUIRE(seen.insert(id).second);
    previous = id;
  }
  CHECK(gen.next("ep_", t0).starts_with("ep_"));
}

TEST_CASE("id validation rejects foreign shapes", "[policy][ids]") {
  id_generator gen{1};
  const auto id = gen.next("ep_", from_unix_ms(1));
  CHECK(is_valid_id(id, "ep_"));
  CHECK_FALSE(is_valid_id(id, "msg_"));
  CHECK_FALSE(is_valid_id("ep_", "ep_"));
  CHECK_FALSE(is_valid_id("ep_0123456789ABCDEFGHJKMNPQR", "ep_"));  // 25 characters
  CHECK_FALSE(is_valid_id("ep_0123456789ABCDEFGHJKMNPQRU", "ep_")); // U is not Crockford
}
