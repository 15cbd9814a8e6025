// The configuration files shipped at the repository root load, and say what they promise:
// hookd.example.toml lists every key at its default, hookd.dev.toml is the local-dev setup.
#include "config/load.hpp"
#include "config/options.hpp"
#include "config/sources.hpp"

#include <catch2/catch.hpp>

#include "tests/config/load_helpers.hpp"

#include <chrono>

using namespace std::chrono_literals;
using namespace hookd::config;
using namespace hookd::config::test;

namespace {
const std::string example_file = std::string(HOOKD_SOURCE_DIR) + "/hookd.example.toml";
const std::string dev_file = std::string(HOOKD_SOURCE_DIR) + "/hookd.dev.toml";
} // namespace

TEST_CASE("hookd.example.toml loads and holds exactly the defaults", "[config][shipped]") {
  CHECK(differences(load_ok({"--config", example_file}), config{}).empty());
}

TEST_CASE("hookd.example.toml sets every key", "[config][shipped]") {
  layered_config layers;
  apply_toml_file(example_file, layers);
  REQUIRE(layers.errors.empty());
  for (const option& o : options()) {
    INFO(o.name());
    CHECK(layers.origins.count(o.name()) == 1);
  }
}

TEST_CASE("hookd.dev.toml loads with the local-development settings", "[config][shipped]") {
  const config cfg = load_ok({"--config", dev_file});
  CHECK(cfg.server.listen == "127.0.0.1:8080");
  CHECK(cfg.server.api_token.empty());
  CHECK(cfg.store.path == "./data/hookd.db");
  CHECK(cfg.endpoints.allow_private_targets);
  CHECK(cfg.log.level == "info");
  CHECK(differences(cfg, config{}) == std::vector<std::string>{"endpoints.allow_private_targets"});
}

TEST_CASE("hookd.dev.toml accepts the overrides scripts/run passes on", "[config][shipped]") {
  const config cfg = load_ok({"--config", dev_file, "--log.level=debug"},
                             {{"HOOKD_RETRY_INITIAL_INTERVAL", "1s"}});
  CHECK(cfg.log.level == "debug");
  CHECK(cfg.retry.initial_interval == 1s);
}
