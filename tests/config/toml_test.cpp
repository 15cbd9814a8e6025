// The TOML file layer: typos and wrong types are errors that name the key, the file and line.
#include "config/load.hpp"

#include <catch2/catch.hpp>

#include "tests/config/load_helpers.hpp"

using namespace hookd::config;
using namespace hookd::config::test;

namespace {

std::string file_error(const std::string& text) {
  const toml_file file(text);
  std::string out = load_error({"--config", file.path()});
  CHECK_THAT(out, Catch::Contains(file.path()));
  return out;
}

} // namespace

TEST_CASE("an unknown key in a known section is an error", "[config][toml]") {
  const std::string out = file_error("[retry]\nmax_durration = \"10h\"\n");
  CHECK_THAT(out, Catch::Contains("unknown key retry.max_durration in "));
  CHECK_THAT(out, Catch::Contains(":2 (did you mean retry.max_duration?)"));
}

TEST_CASE("an unknown section is an error", "[config][toml]") {
  CHECK_THAT(file_error("[retries]\nmultiplier = 2.0\n"),
             Catch::Contains("unknown section [retries] in "));
  CHECK_THAT(file_error("listen = \"127.0.0.1:8080\"\n"),
             Catch::Contains("unknown section [listen] in "));
  CHECK_THAT(file_error("[retry.backoff]\nx = 1\n"), Catch::Contains("unknown key retry.backoff"));
  CHECK_THAT(file_error("[retyr]\n"), Catch::Contains("(did you mean retry?)"));
  CHECK_THAT(file_error("[zzz]\n"), !Catch::Contains("did you mean"));
}

TEST_CASE("a section that is not a table is an error", "[config][toml]") {
  CHECK_THAT(file_error("retry = 5\n"), Catch::Contains("retry must be a table"));
}

TEST_CASE("a value of the wrong type is an error naming the key", "[config][toml]") {
  struct row {
    const char* text;
    const char* message;
  };
  const row rows[] = {
      {"[retry]\nmultiplier = \"2\"\n",
       "invalid value for retry.multiplier (from {}:2): must be a number (found a TOML string)"},
      {"[retry]\nmax_duration = 36000\n",
       "invalid value for retry.max_duration (from {}:2): must be a duration string like \"15s\" "
       "(found a TOML integer), got \"36000\""},
      {"[retry]\nmax_duration = \"10 hours\"\n",
       "invalid value for retry.max_duration (from {}:2): expected a whole number with a unit"},
      {"[retry]\nbreaker_threshold = 5.0\n",
       "invalid value for retry.breaker_threshold (from {}:2): must be an integer (found a TOML "
       "floating-point)"},
      {"[http]\nio_threads = 99999999999\n",
       "invalid value for http.io_threads (from {}:2): is out of range"},
      {"[server]\nmax_payload_bytes = -1\n",
       "invalid value for server.max_payload_bytes (from {}:2): must be a non-negative integer"},
      {"[endpoints]\nallow_private_targets = \"yes\"\n",
       "invalid value for endpoints.allow_private_targets (from {}:2): must be true or false"},
      {"[endpoints]\npermanent_statuses = \"404,410\"\n",
       "invalid value for endpoints.permanent_statuses (from {}:2): must be an array of integers"},
      {"[endpoints]\npermanent_statuses = [404, \"410\"]\n",
       "invalid value for endpoints.permanent_statuses (from {}:2): must be an array of integers"},
      {"[endpoints]\nallow_cidrs = \"10.0.0.0/8\"\n",
       "invalid value for endpoints.allow_cidrs (from {}:2): must be an array of strings like "
       "[\"10.1.0.0/16\"] (found a TOML string)"},
      {"[endpoints]\nallow_cidrs = [\"10.0.0.0/8\", 8]\n",
       "invalid value for endpoints.allow_cidrs (from {}:2): must be an array of strings"},
      {"[server]\nmax_ingest_backlog = -5\n",
       "invalid value for server.max_ingest_backlog (from {}:2): must be a non-negative integer"},
      {"[server]\nlisten = 8080\n",
       "invalid value for server.listen (from {}:2): must be a string (found a TOML integer)"},
      {"[alerts]\nretry_ratio = nan\n",
       "invalid value for alerts.retry_ratio (from {}:2): must be a finite number"},
  };
  for (const row& r : rows) {
    INFO(r.text);
    const toml_file file(r.text);
    std::string expected = r.message;
    expected.replace(expected.find("{}"), 2, file.path());
    CHECK_THAT(load_error({"--config", file.path()}), Catch::Contains(expected));
  }
}

TEST_CASE("a TOML syntax error names the file, line and column", "[config][toml]") {
  CHECK_THAT(file_error("[retry]\nmultiplier = = 2\n"), Catch::Contains(":2:"));
  CHECK_THAT(file_error("[retry]\njitter = 0.1\njitter = 0.2\n"), Catch::Contains("cannot parse"));
}

TEST_CASE("a missing config file is an error", "[config][toml]") {
  CHECK_THAT(load_error({"--config", "/nonexistent/hookd.toml"}),
             Catch::Contains("cannot read config file /nonexistent/hookd.toml"));
}

TEST_CASE("all file mistakes are reported together, keys in file order", "[config][toml]") {
  const std::string out =
      file_error("[retry]\nmultiplier = 0\njiter = 0.1\n[log]\nlevel = 3\n[nope]\n");
  CHECK_THAT(out, Catch::Contains("[nope]"));
  const std::size_t jiter = out.find("retry.jiter");
  const std::size_t level = out.find("log.level");
  REQUIRE(jiter != std::string::npos);
  REQUIRE(level != std::string::npos);
  CHECK(jiter < level);
  // Validation waits until every value could be read: multiplier = 0 is not reported yet.
  CHECK_THAT(out, !Catch::Contains("retry.multiplier"));
}
