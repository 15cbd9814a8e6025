// Where values come from: defaults, the TOML file, the environment and flags, in that order of
// precedence, plus --help, --version and command-line mistakes.
#include "config/load.hpp"
#include "config/options.hpp"
#include "hookd_version.hpp"

#include <catch2/catch.hpp>

#include "tests/config/load_helpers.hpp"

#include <chrono>
#include <cstdlib>

using namespace std::chrono_literals;
using namespace hookd::config;
using namespace hookd::config::test;

TEST_CASE("no file, environment or flags gives the defaults", "[config][sources]") {
  const config cfg = load_ok({});
  CHECK(differences(cfg, config{}).empty());
  // The defaults of docs/configuration.md, spelled out once so a changed default is noticed.
  CHECK(cfg.server.listen == "127.0.0.1:8080");
  CHECK(cfg.server.api_token.empty());
  CHECK(cfg.server.max_payload_bytes == 1048576);
  CHECK(cfg.server.max_ingest_backlog == 10000);
  CHECK(cfg.store.retention == 72h);
  CHECK(cfg.retry.initial_interval == 120s);
  CHECK(cfg.retry.multiplier == 2.0);
  CHECK(cfg.retry.max_interval == 1h);
  CHECK(cfg.retry.jitter == 0.5);
  CHECK(cfg.retry.max_duration == 10h);
  CHECK(cfg.retry.breaker_threshold == 5);
  CHECK(cfg.endpoints.permanent_statuses == std::vector<int>{404, 410});
  CHECK(cfg.endpoints.failure_disable_after == 24h);
  CHECK_FALSE(cfg.endpoints.allow_private_targets);
  CHECK(cfg.endpoints.allow_cidrs.empty());
  CHECK(cfg.http.connect_timeout == 5s);
  CHECK(cfg.http.attempt_timeout == 15s);
  CHECK(cfg.http.max_in_flight == 1024);
  CHECK(cfg.alerts.retry_ratio == 0.5);
  CHECK(cfg.alerts.min_attempts == 20);
  CHECK(cfg.log.level == "info");
  CHECK(cfg.log.format == "text");
}

TEST_CASE("the defaults pass validation and unrelated HOOKD_ variables are ignored",
          "[config][sources]") {
  const config cfg = load_ok({}, {{"HOOKD_NOT_A_KEY", "x"},
                                  {"HOOKD_RETRY", "x"},
                                  {"HOOKD_retry_multiplier", "0.1"}, // wrong case: not ours
                                  {"PATH", "/usr/bin"}});
  CHECK(differences(cfg, config{}).empty());
}

TEST_CASE("the TOML file sets values in every section", "[config][sources][toml]") {
  const toml_file file(R"(
[server]
listen = "0.0.0.0:9000"
api_token = "s3cret"
max_payload_bytes = 2048
max_ingest_backlog = 500
[store]
path = "/var/lib/hookd/hookd.db"
retention = "7d"
[retry]
initial_interval = "30s"
multiplier = 3            # an integer is fine for a number
max_interval = "2h"
jitter = 0.25
max_duration = "1d"
breaker_threshold = 7
[endpoints]
permanent_statuses = [404, 410, 451]
failure_disable_after = "12h"
allow_private_targets = true
allow_cidrs = ["10.1.0.0/16", "fd00::/8"]
idle_timeout = "5m"
[http]
connect_timeout = "2s"
attempt_timeout = "20s"
max_in_flight = 64
io_threads = 4
ca_file = "/etc/ssl/private-ca.pem"
[alerts]
alert_url = "https://alerts.example.com/hook"
alert_secret = "whsec_abc"
retry_ratio = 0.8
min_attempts = 50
[log]
level = "debug"
format = "json"
)");
  const config cfg = load_ok({"--config", file.path()});
  CHECK(cfg.server.listen == "0.0.0.0:9000");
  CHECK(cfg.server.api_token == "s3cret");
  CHECK(cfg.server.max_payload_bytes == 2048);
  CHECK(cfg.server.max_ingest_backlog == 500);
  CHECK(cfg.store.path == "/var/lib/hookd/hookd.db");
  CHECK(cfg.store.retention == 168h);
  CHECK(cfg.retry.initial_interval == 30s);
  CHECK(cfg.retry.multiplier == 3.0);
  CHECK(cfg.retry.max_interval == 2h);
  CHECK(cfg.retry.jitter == 0.25);
  CHECK(cfg.retry.max_duration == 24h);
  CHECK(cfg.retry.breaker_threshold == 7);
  CHECK(cfg.endpoints.permanent_statuses == std::vector<int>{404, 410, 451});
  CHECK(cfg.endpoints.failure_disable_after == 12h);
  CHECK(cfg.endpoints.allow_private_targets);
  CHECK(cfg.endpoints.allow_cidrs == std::vector<std::string>{"10.1.0.0/16", "fd00::/8"});
  CHECK(cfg.endpoints.idle_timeout == 5min);
  CHECK(cfg.http.connect_timeout == 2s);
  CHECK(cfg.http.attempt_timeout == 20s);
  CHECK(cfg.http.max_in_flight == 64);
  CHECK(cfg.http.io_threads == 4);
  CHECK(cfg.http.ca_file == "/etc/ssl/private-ca.pem");
  CHECK(cfg.alerts.alert_url == "https://alerts.example.com/hook");
  CHECK(cfg.alerts.alert_secret == "whsec_abc");
  CHECK(cfg.alerts.retry_ratio == 0.8);
  CHECK(cfg.alerts.min_attempts == 50);
  CHECK(cfg.log.level == "debug");
  CHECK(cfg.log.format == "json");
}

TEST_CASE("an empty TOML file and dotted keys work", "[config][sources][toml]") {
  CHECK(differences(load_ok({"--config", toml_file("").path()}), config{}).empty());
  const config cfg = load_ok({"--config", toml_file("retry.jitter = 0.1\n").path()});
  CHECK(cfg.retry.jitter == 0.1);
}

TEST_CASE("the environment overrides the file and flags override the environment",
          "[config][sources]") {
  const toml_file file("[retry]\nmax_duration = \"5h\"\njitter = 0.1\n[log]\nlevel = \"warn\"\n");
  const std::vector<std::string> args{"--config", file.path()};
  const env_map env{{"HOOKD_RETRY_MAX_DURATION", "6h"}, {"HOOKD_LOG_LEVEL", "error"}};

  SECTION("file alone") {
    const config cfg = load_ok(args);
    CHECK(cfg.retry.max_duration == 5h);
    CHECK(cfg.log.level == "warn");
  }
  SECTION("environment over file") {
    const config cfg = load_ok(args, env);
    CHECK(cfg.retry.max_duration == 6h);
    CHECK(cfg.log.level == "error");
    CHECK(cfg.retry.jitter == 0.1); // untouched by the environment
  }
  SECTION("flag over environment, with = and as a separate argument") {
    std::vector<std::string> with_flags = args;
    with_flags.insert(with_flags.end(), {"--retry.max_duration=7h", "--log.level", "trace"});
    const config cfg = load_ok(with_flags, env);
    CHECK(cfg.retry.max_duration == 7h);
    CHECK(cfg.log.level == "trace");
    CHECK(cfg.retry.jitter == 0.1);
  }
  SECTION("flag over file without environment") {
    const config cfg = load_ok({"--retry.max_duration", "8h", "--config", file.path()});
    CHECK(cfg.retry.max_duration == 8h);
  }
}

TEST_CASE("a later flag wins over an earlier one", "[config][sources][flags]") {
  const config cfg = load_ok({"--retry.jitter=0.1", "--retry.jitter=0.2"});
  CHECK(cfg.retry.jitter == 0.2);
}

TEST_CASE("every option can be set from the environment and from a flag", "[config][sources]") {
  // A value different from the default for each kind, taken from a reference config.
  config wanted;
  wanted.server.listen = "0.0.0.0:9999";
  wanted.server.api_token = "tok";
  wanted.server.max_payload_bytes = 4096;
  wanted.server.max_ingest_backlog = 5;
  wanted.server.max_connections = 100;
  wanted.server.idle_timeout = 5s;
  wanted.server.max_connection_age = 1h;
  wanted.server.max_body_bytes_in_flight = 8192;
  wanted.server.max_batch_bytes = 6144;
  wanted.server.inbound_listen = "0.0.0.0:9998";
  wanted.server.inbound_max_payload_bytes = 2048;
  wanted.server.inbound_request_timeout = 3s;
  wanted.server.inbound_idle_timeout = 4s;
  wanted.store.backend = "postgres";
  wanted.store.path = "/tmp/x.db";
  wanted.store.url = "postgresql://hookd@db.internal/hookd";
  wanted.store.retention = 1h;
  wanted.cluster = {.node_id = "node-a", .heartbeat = 1s, .lease_ttl = 5s};
  wanted.retry = {.initial_interval = 1s,
                  .multiplier = 1.5,
                  .max_interval = 2min,
                  .jitter = 0.0,
                  .max_duration = 3h,
                  .breaker_threshold = 2};
  wanted.endpoints = {.permanent_statuses = {410},
                      .failure_disable_after = 2h,
                      .allow_private_targets = true,
                      .allow_cidrs = {"10.1.0.0/16", "fd00::/8"},
                      .idle_timeout = 10s};
  wanted.http = {.connect_timeout = 1s,
                 .attempt_timeout = 2s,
                 .max_in_flight = 3,
                 .io_threads = 2,
                 .ca_file = "/ca.pem"};
  wanted.alerts = {
      .alert_url = "http://a", .alert_secret = "whsec_x", .retry_ratio = 1.0, .min_attempts = 1};
  wanted.log = {.level = "off", .format = "json"};
  REQUIRE(differences(wanted, config{}).size() == options().size());

  env_map env;
  std::vector<std::string> args;
  for (const option& o : options()) {
    env[o.env_name()] = value_of(wanted, o.name());
    args.push_back(o.flag() + "=" + value_of(wanted, o.name()));
  }
  CHECK(differences(load_ok({}, env), wanted).empty());
  CHECK(differences(load_ok(args), wanted).empty());
}

TEST_CASE("allow_cidrs from file, environment and flag", "[config][sources]") {
  using list = std::vector<std::string>;
  const toml_file file("[endpoints]\nallow_cidrs = [\"127.0.0.0/8\", \"::1/128\"]\n");
  CHECK(load_ok({"--config", file.path()}).endpoints.allow_cidrs == list{"127.0.0.0/8", "::1/128"});
  CHECK(load_ok({"--config", file.path()},
                {{"HOOKD_ENDPOINTS_ALLOW_CIDRS", " 10.0.0.0/8 , fd00::/8 "}})
            .endpoints.allow_cidrs == list{"10.0.0.0/8", "fd00::/8"});
  CHECK(load_ok({"--config", file.path(), "--endpoints.allow_cidrs=192.168.0.0/16"})
            .endpoints.allow_cidrs == list{"192.168.0.0/16"});
  // Empty text is the empty list, so a flag can clear what the file set.
  CHECK(
      load_ok({"--config", file.path(), "--endpoints.allow_cidrs="}).endpoints.allow_cidrs.empty());
  CHECK(load_ok({}, {{"HOOKD_ENDPOINTS_ALLOW_CIDRS", ""}}).endpoints.allow_cidrs.empty());
  CHECK(load_ok({"--config", toml_file("[endpoints]\nallow_cidrs = []\n").path()})
            .endpoints.allow_cidrs.empty());
  CHECK_THAT(load_error({}, {{"HOOKD_ENDPOINTS_ALLOW_CIDRS", "10.0.0.0/8,,fd00::/8"}}),
             Catch::Contains("invalid value for endpoints.allow_cidrs (from "
                             "HOOKD_ENDPOINTS_ALLOW_CIDRS): expected comma-separated values "
                             "without empty items"));
}

TEST_CASE("permanent_statuses from file, environment and flag", "[config][sources]") {
  const toml_file file("[endpoints]\npermanent_statuses = [404, 410, 451]\n");
  CHECK(load_ok({"--config", file.path()}).endpoints.permanent_statuses ==
        std::vector<int>{404, 410, 451});
  CHECK(load_ok({"--config", file.path()}, {{"HOOKD_ENDPOINTS_PERMANENT_STATUSES", "404, 451"}})
            .endpoints.permanent_statuses == std::vector<int>{404, 451});
  CHECK(load_ok({"--config", file.path(), "--endpoints.permanent_statuses=410"},
                {{"HOOKD_ENDPOINTS_PERMANENT_STATUSES", "404,451"}})
            .endpoints.permanent_statuses == std::vector<int>{410});
  CHECK(load_ok({"--endpoints.permanent_statuses", "404,410,418"}).endpoints.permanent_statuses ==
        std::vector<int>{404, 410, 418});
  SECTION("an empty list disables the feature") {
    CHECK(load_ok({}, {{"HOOKD_ENDPOINTS_PERMANENT_STATUSES", ""}})
              .endpoints.permanent_statuses.empty());
    CHECK(load_ok({"--config", toml_file("[endpoints]\npermanent_statuses = []\n").path()})
              .endpoints.permanent_statuses.empty());
  }
  SECTION("malformed lists are refused") {
    for (const char* text : {"404,", ",404", "404,,410", "404;410", "abc", "404 410"}) {
      INFO(text);
      CHECK_THAT(load_error({}, {{"HOOKD_ENDPOINTS_PERMANENT_STATUSES", text}}),
                 Catch::Contains("invalid value for endpoints.permanent_statuses "
                                 "(from HOOKD_ENDPOINTS_PERMANENT_STATUSES)"));
    }
  }
}

TEST_CASE("booleans from flags and the environment", "[config][sources]") {
  CHECK(load_ok({"--endpoints.allow_private_targets"}).endpoints.allow_private_targets);
  CHECK(load_ok({"--endpoints.allow_private_targets=true"}).endpoints.allow_private_targets);
  CHECK_FALSE(load_ok({"--endpoints.allow_private_targets=false"},
                      {{"HOOKD_ENDPOINTS_ALLOW_PRIVATE_TARGETS", "true"}})
                  .endpoints.allow_private_targets);
  for (const char* yes : {"true", "TRUE", "1", "yes", "on"})
    CHECK(load_ok({}, {{"HOOKD_ENDPOINTS_ALLOW_PRIVATE_TARGETS", yes}})
              .endpoints.allow_private_targets);
  for (const char* no : {"false", "False", "0", "no", "off"})
    CHECK_FALSE(load_ok({}, {{"HOOKD_ENDPOINTS_ALLOW_PRIVATE_TARGETS", no}})
                    .endpoints.allow_private_targets);
  CHECK(load_ok({"--endpoints.allow_private_targets"},
                {{"HOOKD_ENDPOINTS_ALLOW_PRIVATE_TARGETS", "false"}})
            .endpoints.allow_private_targets);
  CHECK_THAT(load_error({}, {{"HOOKD_ENDPOINTS_ALLOW_PRIVATE_TARGETS", "maybe"}}),
             Catch::Contains("invalid value for endpoints.allow_private_targets (from "
                             "HOOKD_ENDPOINTS_ALLOW_PRIVATE_TARGETS): expected true or false, "
                             "got \"maybe\""));
}

TEST_CASE("malformed values from the environment and flags name the key and source",
          "[config][sources]") {
  CHECK_THAT(load_error({}, {{"HOOKD_HTTP_IO_THREADS", "four"}}),
             Catch::Contains("invalid value for http.io_threads (from HOOKD_HTTP_IO_THREADS): "
                             "expected an integer, got \"four\""));
  CHECK_THAT(load_error({"--retry.max_duration=10x"}),
             Catch::Contains("invalid value for retry.max_duration (from --retry.max_duration)"));
  CHECK_THAT(load_error({"--retry.max_duration=1.5h"}), Catch::Contains("retry.max_duration"));
  CHECK_THAT(load_error({}, {{"HOOKD_RETRY_MULTIPLIER", "nan"}}),
             Catch::Contains("invalid value for retry.multiplier (from HOOKD_RETRY_MULTIPLIER): "
                             "expected a number"));
  CHECK_THAT(load_error({}, {{"HOOKD_SERVER_MAX_PAYLOAD_BYTES", "-1"}}),
             Catch::Contains("server.max_payload_bytes"));
  CHECK_THAT(load_error({}, {{"HOOKD_HTTP_MAX_IN_FLIGHT", "99999999999"}}),
             Catch::Contains("http.max_in_flight"));
}

TEST_CASE("several mistakes are all reported at once", "[config][sources]") {
  const std::string out = load_error({"--retry.jitter=x", "--http.io_threads=y"});
  CHECK_THAT(out, Catch::Contains("retry.jitter"));
  CHECK_THAT(out, Catch::Contains("http.io_threads"));
}

TEST_CASE("help (--help) lists every option with its default and exits 0", "[config][cli]") {
  const load_result r = load({"--help"}, {});
  REQUIRE(r.exit_now);
  CHECK(r.exit_code == 0);
  CHECK(options().size() == 42);
  for (const option& o : options()) {
    INFO(o.name());
    CHECK_THAT(r.output, Catch::Contains(o.flag() + " "));
    CHECK_THAT(r.output, Catch::Contains(o.env_name()));
    CHECK_THAT(r.output, Catch::Contains(o.help));
  }
  for (const char* shown :
       {"--config", "--version", "--retry.max_duration DURATION=10h",
        "--endpoints.permanent_statuses INT,INT...=404,410", "--retry.multiplier NUMBER=2.0",
        "--store.retention DURATION=72h", "--server.listen TEXT=127.0.0.1:8080",
        "--endpoints.allow_cidrs TEXT,TEXT...=\"\"", "--server.max_ingest_backlog INT=10000",
        "HOOKD_<SECTION>_<KEY>"})
    CHECK_THAT(r.output, Catch::Contains(shown));
  CHECK(load({"-h"}, {}).exit_code == 0);
}

TEST_CASE("version (--version) prints the version and exits 0", "[config][cli]") {
  const load_result r = load({"--version"}, {});
  REQUIRE(r.exit_now);
  CHECK(r.exit_code == 0);
  CHECK(r.output == std::string("hookd ") + hookd::version + "\n");
}

TEST_CASE("help and version win over a broken configuration", "[config][cli]") {
  CHECK(load({"--version"}, {{"HOOKD_RETRY_JITTER", "7"}}).exit_code == 0);
  CHECK(load({"--help", "--config", "/nonexistent.toml"}, {}).exit_code == 0);
}

TEST_CASE("unknown flags, stray arguments and missing values exit 2", "[config][cli]") {
  CHECK_THAT(load_error({"--retry.max_duraton=10h"}), Catch::Contains("--retry.max_duraton"));
  CHECK_THAT(load_error({"--nope.key=1"}), Catch::Contains("--nope.key"));
  CHECK_THAT(load_error({"stray"}), Catch::Contains("stray"));
  load_error({"--retry.max_duration"});
  load_error({"--config"});
}

TEST_CASE("process_environment returns the process environment", "[config][sources]") {
  ::setenv("HOOKD_TEST_PROCESS_ENVIRONMENT", "a=b", 1);
  const auto env = process_environment();
  ::unsetenv("HOOKD_TEST_PROCESS_ENVIRONMENT");
  REQUIRE(env.count("HOOKD_TEST_PROCESS_ENVIRONMENT") == 1);
  CHECK(env.at("HOOKD_TEST_PROCESS_ENVIRONMENT") == "a=b");
}
