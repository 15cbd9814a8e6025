// render_prometheus: every family of docs/operations.md with HELP and TYPE, parsed strictly, each value
// checked against a scripted scenario; label escaping; bounded per-endpoint series.
#include "metrics/exposition.hpp"
#include "tests/metrics/prometheus_parser.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>

using namespace std::chrono_literals;
using hookd::metrics::alert_kind;
using hookd::metrics::failing_endpoint;
using hookd::metrics::failure_board;
using hookd::metrics::render_prometheus;
using hookd::store::store_counts;
namespace prom = hookd::test::prometheus;
using prom::metric_type;

namespace {

const hookd::time_point t0 = hookd::from_unix_ms(1'704'112'470'000); // 2024-01-01 12:34:30 UTC

std::size_t slot(auto e) {
  return static_cast<std::size_t>(e);
}

/// Every family hookd exposes, with its type.
const std::vector<std::pair<std::string, metric_type>> expected_families{
    {"hookd_messages_accepted_total", metric_type::counter},
    {"hookd_attempts_total", metric_type::counter},
    {"hookd_deliveries_total", metric_type::counter},
    {"hookd_retries_scheduled_total", metric_type::counter},
    {"hookd_pending_deliveries", metric_type::gauge},
    {"hookd_pending_deliveries_by_due", metric_type::gauge},
    {"hookd_endpoints", metric_type::gauge},
    {"hookd_endpoint_disabled_total", metric_type::counter},
    {"hookd_attempts_in_flight", metric_type::gauge},
    {"hookd_attempt_duration_seconds", metric_type::histogram},
    {"hookd_delivery_latency_seconds", metric_type::histogram},
    {"hookd_store_commit_seconds", metric_type::histogram},
    {"hookd_store_commands_total", metric_type::counter},
    {"hookd_alerts_total", metric_type::counter},
    {"hookd_inbound_requests_total", metric_type::counter},
    {"hookd_endpoint_failed_attempts_1h", metric_type::gauge},
    {"hookd_endpoint_last_status_code", metric_type::gauge},
};

const std::vector<double> attempt_bounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                         1,     2.5,  5,     10,   15,  30};
const std::vector<double> latency_bounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                         0.25,  0.5,    1,     2.5,  5,     10,   30,
                                         60,    300,    900,   3600, 10800, 36000};
const std::vector<double> commit_bounds{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                        0.01,    0.025,  0.05,    0.1,    0.25,  1};

/// The (le, cumulative count) pairs a histogram with these bounds should expose.
std::vector<std::pair<double, double>> expected_buckets(const std::vector<double>& bounds,
                                                        const std::vector<double>& observed) {
  std::vector<std::pair<double, double>> out;
  for (const double le : bounds)
    out.emplace_back(le, static_cast<double>(std::count_if(observed.begin(), observed.end(),
                                                           [&](double v) { return v <= le; })));
  out.emplace_back(std::numeric_limits<double>::infinity(), static_cast<double>(observed.size()));
  return out;
}

bool contains_line(const std::string& text, const std::string& line) {
  return text.starts_with(line + "\n") || text.find("\n" + line + "\n") != std::string::npos;
}

} // namespace

TEST_CASE("a fresh metrics object exposes every family and series, at zero",
          "[metrics][exposition]") {
  const hookd::metrics::metrics m;
  const auto text = render_prometheus(m, store_counts{}, {});
  INFO(text);
  const auto e = prom::parse(text); // strict: TYPE and HELP for every family

  std::vector<std::string> names;
  for (const auto& f : e.families())
    names.push_back(f.name);
  std::vector<std::string> expected_names;
  for (const auto& [name, type] : expected_families) {
    expected_names.push_back(name);
    CHECK(e.type(name) == type);
    CHECK_FALSE(e.help(name).value_or("").empty());
  }
  CHECK(names == expected_names);

  // Every label combination of every counter, already at 0.
  for (const auto* o : {"success", "failure", "permanent"})
    CHECK(e.value("hookd_attempts_total", {{"outcome", o}}) == 0);
  CHECK(e.value("hookd_deliveries_total", {{"status", "delivered"}}) == 0);
  for (const auto* r : {"exhausted", "endpoint_disabled", "endpoint_deleted"})
    CHECK(e.value("hookd_deliveries_total", {{"status", "failed"}, {"reason", r}}) == 0);
  CHECK(e.value("hookd_retries_scheduled_total") == 0);
  CHECK(e.value("hookd_messages_accepted_total") == 0);
  CHECK(e.value("hookd_pending_deliveries") == 0);
  for (const auto* d : {"now", "1m", "10m", "1h", "later"})
    CHECK(e.value("hookd_pending_deliveries_by_due", {{"due", d}}) == 0);
  for (const auto* s : {"enabled", "disabled"})
    CHECK(e.value("hookd_endpoints", {{"status", s}}) == 0);
  for (const auto* r : {"gone", "failing", "manual"})
    CHECK(e.value("hookd_endpoint_disabled_total", {{"reason", r}}) == 0);
  CHECK(e.value("hookd_attempts_in_flight") == 0);
  CHECK(e.value("hookd_store_commands_total") == 0);
  for (const auto* k : {"endpoint_disabled", "delivery_exhausted", "high_retry_rate", "store_error",
                        "actor_crashed"})
    CHECK(e.value("hookd_alerts_total", {{"kind", k}}) == 0);
  CHECK(e.buckets("hookd_attempt_duration_seconds") == expected_buckets(attempt_bounds, {}));
  CHECK(e.buckets("hookd_delivery_latency_seconds") == expected_buckets(latency_bounds, {}));
  CHECK(e.buckets("hookd_store_commit_seconds") == expected_buckets(commit_bounds, {}));
  for (const auto* h : {"hookd_attempt_duration_seconds", "hookd_delivery_latency_seconds",
                        "hookd_store_commit_seconds"}) {
    CHECK(e.value(std::string{h} + "_sum") == 0);
    CHECK(e.value(std::string{h} + "_count") == 0);
  }
  // The per-endpoint families are declared, with no series.
  CHECK(e.find_family("hookd_endpoint_failed_attempts_1h")->samples.empty());
  CHECK(e.find_family("hookd_endpoint_last_status_code")->samples.empty());
  // 1 + 3 + 4 + 1 + 1 + 5 + 2 + 3 + 1 + (14 + 2) + (21 + 2) + (14 + 2) + 1 + 5
  CHECK(e.sample_count() == 82);
}

TEST_CASE("a scripted scenario gives exact counter values", "[metrics][exposition]") {
  hookd::metrics::metrics m;
  failure_board board;

  // 4 messages accepted; 3 delivered at the first attempt, one retried twice (503, timeout),
  // then its endpoint answered 410 and was disabled, failing that delivery.
  m.messages_accepted.inc(4);
  const std::vector<std::pair<hookd::attempt_outcome, hookd::duration>> attempts{
      {hookd::attempt_outcome::success, 3ms},     {hookd::attempt_outcome::success, 5ms},
      {hookd::attempt_outcome::success, 10ms},    {hookd::attempt_outcome::failure, 1000ms},
      {hookd::attempt_outcome::failure, 15000ms}, {hookd::attempt_outcome::permanent, 40000ms},
  };
  auto at = t0;
  for (const auto& [outcome, elapsed] : attempts) {
    m.attempts_in_flight.add(1);
    m.on_attempt(outcome, elapsed, at);
    m.attempts_in_flight.add(-1);
    at += 1s;
  }
  m.deliveries_delivered.inc(3);
  for (const double latency : {0.004, 0.2, 1.0})
    m.delivery_latency.observe(latency);
  m.retries_scheduled.inc(2);
  m.endpoint_disabled[slot(hookd::disabled_reason::gone)].inc();
  m.deliveries_failed[slot(hookd::failure_reason::endpoint_disabled)].inc();
  m.alerts[slot(alert_kind::endpoint_disabled)].inc();
  m.attempts_in_flight.add(2); // two more started, not finished
  for (const double commit : {0.00005, 0.0003, 2.0})
    m.store_commit.observe(commit);
  m.store_commands.inc(11);

  // The failing endpoint's id has every character that needs escaping.
  const std::string nasty_id = "ep_\"quoted\"\\back\nslash";
  board.record_failure(nasty_id, "https://nasty.example/hook", t0 + 3s, 503,
                       hookd::attempt_error::http_status, "503", "msg_4");
  board.record_failure(nasty_id, "https://nasty.example/hook", t0 + 4s, 0,
                       hookd::attempt_error::timeout, "timeout", "msg_4");
  board.record_failure(nasty_id, "https://nasty.example/hook", t0 + 5s, 410,
                       hookd::attempt_error::http_status, "410", "msg_4");
  board.record_failure("ep_other", "https://other.example/hook", t0 + 5s, 500,
                       hookd::attempt_error::http_status, "500", "msg_5");

  store_counts counts;
  counts.pending = 7;
  counts.pending_by_due = {2, 1, 0, 3, 1};
  counts.endpoints_enabled = 5;
  counts.endpoints_disabled = 1;

  const auto text = render_prometheus(m, counts, board.most_failing(t0 + 6s, 10));
  INFO(text);
  const auto e = prom::parse(text);

  CHECK(e.value("hookd_messages_accepted_total") == 4);
  CHECK(e.value("hookd_attempts_total", {{"outcome", "success"}}) == 3);
  CHECK(e.value("hookd_attempts_total", {{"outcome", "failure"}}) == 2);
  CHECK(e.value("hookd_attempts_total", {{"outcome", "permanent"}}) == 1);
  CHECK(e.value("hookd_deliveries_total", {{"status", "delivered"}}) == 3);
  CHECK(e.value("hookd_deliveries_total", {{"status", "failed"}, {"reason", "exhausted"}}) == 0);
  CHECK(e.value("hookd_deliveries_total",
                {{"status", "failed"}, {"reason", "endpoint_disabled"}}) == 1);
  CHECK(e.value("hookd_deliveries_total", {{"status", "failed"}, {"reason", "endpoint_deleted"}}) ==
        0);
  CHECK(e.value("hookd_retries_scheduled_total") == 2);
  CHECK(e.value("hookd_endpoint_disabled_total", {{"reason", "gone"}}) == 1);
  CHECK(e.value("hookd_endpoint_disabled_total", {{"reason", "failing"}}) == 0);
  CHECK(e.value("hookd_endpoint_disabled_total", {{"reason", "manual"}}) == 0);
  CHECK(e.value("hookd_alerts_total", {{"kind", "endpoint_disabled"}}) == 1);
  CHECK(e.value("hookd_alerts_total", {{"kind", "delivery_exhausted"}}) == 0);
  CHECK(e.value("hookd_alerts_total", {{"kind", "high_retry_rate"}}) == 0);
  CHECK(e.value("hookd_alerts_total", {{"kind", "store_error"}}) == 0);
  CHECK(e.value("hookd_alerts_total", {{"kind", "actor_crashed"}}) == 0);
  CHECK(e.value("hookd_attempts_in_flight") == 2);
  CHECK(e.value("hookd_store_commands_total") == 11);

  CHECK(e.value("hookd_pending_deliveries") == 7);
  CHECK(e.value("hookd_pending_deliveries_by_due", {{"due", "now"}}) == 2);
  CHECK(e.value("hookd_pending_deliveries_by_due", {{"due", "1m"}}) == 1);
  CHECK(e.value("hookd_pending_deliveries_by_due", {{"due", "10m"}}) == 0);
  CHECK(e.value("hookd_pending_deliveries_by_due", {{"due", "1h"}}) == 3);
  CHECK(e.value("hookd_pending_deliveries_by_due", {{"due", "later"}}) == 1);
  CHECK(e.value("hookd_endpoints", {{"status", "enabled"}}) == 5);
  CHECK(e.value("hookd_endpoints", {{"status", "disabled"}}) == 1);

  // Histograms: a value equal to a bound is in that bound's bucket (5 ms → le="0.005").
  CHECK(e.buckets("hookd_attempt_duration_seconds") ==
        expected_buckets(attempt_bounds, {0.003, 0.005, 0.01, 1, 15, 40}));
  CHECK(e.value("hookd_attempt_duration_seconds_bucket", {{"le", "0.005"}}) == 2);
  CHECK(e.value("hookd_attempt_duration_seconds_bucket", {{"le", "15"}}) == 5);
  CHECK(e.value("hookd_attempt_duration_seconds_bucket", {{"le", "30"}}) == 5);
  CHECK(e.value("hookd_attempt_duration_seconds_bucket", {{"le", "+Inf"}}) == 6);
  CHECK(e.value("hookd_attempt_duration_seconds_sum") == 56.018);
  CHECK(e.value("hookd_attempt_duration_seconds_count") == 6);
  CHECK(e.buckets("hookd_delivery_latency_seconds") ==
        expected_buckets(latency_bounds, {0.004, 0.2, 1.0}));
  CHECK(e.value("hookd_delivery_latency_seconds_sum") == 1.204);
  CHECK(e.value("hookd_delivery_latency_seconds_count") == 3);
  CHECK(e.buckets("hookd_store_commit_seconds") ==
        expected_buckets(commit_bounds, {0.00005, 0.0003, 2.0}));
  CHECK(e.value("hookd_store_commit_seconds_bucket", {{"le", "5e-05"}}) == 1);
  CHECK(e.value("hookd_store_commit_seconds_bucket", {{"le", "1"}}) == 2);
  CHECK(e.value("hookd_store_commit_seconds_bucket", {{"le", "+Inf"}}) == 3);
  CHECK(e.value("hookd_store_commit_seconds_sum") == 2.00035);
  CHECK(e.value("hookd_store_commit_seconds_count") == 3);

  // Per-endpoint series of the failing endpoints, the id round-tripping through the escapes.
  CHECK(e.series("hookd_endpoint_failed_attempts_1h").size() == 2);
  CHECK(e.value("hookd_endpoint_failed_attempts_1h", {{"endpoint_id", nasty_id}}) == 3);
  CHECK(e.value("hookd_endpoint_last_status_code", {{"endpoint_id", nasty_id}}) == 410);
  CHECK(e.value("hookd_endpoint_failed_attempts_1h", {{"endpoint_id", "ep_other"}}) == 1);
  CHECK(e.value("hookd_endpoint_last_status_code", {{"endpoint_id", "ep_other"}}) == 500);

  // The text itself, as a Prometheus client writes it.
  CHECK(contains_line(text, "# TYPE hookd_attempts_total counter"));
  CHECK(contains_line(text, "hookd_attempts_total{outcome=\"success\"} 3"));
  CHECK(contains_line(text,
                      "hookd_deliveries_total{status=\"failed\",reason=\"endpoint_disabled\"} 1"));
  CHECK(contains_line(text, "hookd_attempt_duration_seconds_bucket{le=\"0.005\"} 2"));
  CHECK(contains_line(text, "hookd_attempt_duration_seconds_bucket{le=\"1\"} 4"));
  CHECK(contains_line(text, "hookd_attempt_duration_seconds_bucket{le=\"2.5\"} 4"));
  CHECK(contains_line(text, "hookd_attempt_duration_seconds_bucket{le=\"+Inf\"} 6"));
  CHECK(contains_line(text, "hookd_attempt_duration_seconds_sum 56.018"));
  CHECK(contains_line(text, "hookd_delivery_latency_seconds_bucket{le=\"36000\"} 3"));
  CHECK(contains_line(text, "hookd_store_commit_seconds_bucket{le=\"5e-05\"} 1"));
  CHECK(contains_line(text, "hookd_store_commit_seconds_bucket{le=\"0.0001\"} 1"));
  CHECK(contains_line(
      text,
      "hookd_endpoint_failed_attempts_1h{endpoint_id=\"ep_\\\"quoted\\\"\\\\back\\nslash\"} 3"));
}

TEST_CASE("per-endpoint series stay bounded by the failing list", "[metrics][exposition]") {
  const hookd::metrics::metrics m;
  failure_board board;
  // 100,000 endpoints, all failing: the scrape carries the 10 most failing only.
  for (int i = 0; i < 100'000; ++i) {
    const auto id = "ep_" + std::to_string(i);
    board.record_failure(id, "https://" + id + ".example/", t0, 500,
                         hookd::attempt_error::http_status, "500", "msg_1");
    if (i % 1000 == 0) // every thousandth fails twice more
      for (int k = 0; k < 2; ++k)
        board.record_failure(id, "https://" + id + ".example/",
                             t0 + std::chrono::seconds{i / 1000 + 1}, 502,
                             hookd::attempt_error::http_status, "502", "msg_2");
  }
  const auto failing = board.most_failing(t0 + 2min, 10);
  REQUIRE(failing.size() == 10);
  const auto text = render_prometheus(m, store_counts{}, failing);
  const auto e = prom::parse(text);
  CHECK(e.series("hookd_endpoint_failed_attempts_1h").size() == 10);
  CHECK(e.series("hookd_endpoint_last_status_code").size() == 10);
  CHECK(e.sample_count() == 82 + 20);
  CHECK(std::count(text.begin(), text.end(), '\n') < 200);
  // The most recent of the thrice-failing endpoints first.
  CHECK(e.value("hookd_endpoint_failed_attempts_1h", {{"endpoint_id", "ep_99000"}}) == 3);
  CHECK(e.value("hookd_endpoint_last_status_code", {{"endpoint_id", "ep_99000"}}) == 502);
  CHECK_FALSE(e.has("hookd_endpoint_failed_attempts_1h", {{"endpoint_id", "ep_1"}}));
}

TEST_CASE("a repeated endpoint in the failing list is written once", "[metrics][exposition]") {
  const hookd::metrics::metrics m;
  std::vector<failing_endpoint> failing(2);
  failing[0].endpoint_id = failing[1].endpoint_id = "ep_same";
  failing[0].failed_1h = 4;
  failing[1].failed_1h = 9;
  const auto e = prom::parse(render_prometheus(m, store_counts{}, failing));
  CHECK(e.series("hookd_endpoint_failed_attempts_1h").size() == 1);
  CHECK(e.value("hookd_endpoint_failed_attempts_1h", {{"endpoint_id", "ep_same"}}) == 4);
}

TEST_CASE("large and negative values render as numbers the parser reads back",
          "[metrics][exposition]") {
  hookd::metrics::metrics m;
  m.messages_accepted.inc(18'446'744'073'709'551'615ull); // UINT64_MAX: written as an integer
  m.attempts_in_flight.add(-3);                           // a bug elsewhere, still valid output
  m.delivery_latency.observe(1e6);                        // beyond every bound
  store_counts counts;
  counts.pending = 9'007'199'254'740'993; // 2^53 + 1
  const auto text = render_prometheus(m, counts, {});
  INFO(text);
  const auto e = prom::parse(text);
  CHECK(contains_line(text, "hookd_messages_accepted_total 18446744073709551615"));
  CHECK(contains_line(text, "hookd_attempts_in_flight -3"));
  CHECK(contains_line(text, "hookd_pending_deliveries 9007199254740993"));
  CHECK(contains_line(text, "hookd_delivery_latency_seconds_sum 1e+06"));
  CHECK(e.value("hookd_delivery_latency_seconds_bucket", {{"le", "36000"}}) == 0);
  CHECK(e.value("hookd_delivery_latency_seconds_bucket", {{"le", "+Inf"}}) == 1);
  CHECK(e.value("hookd_attempts_in_flight") == -3);
}

TEST_CASE("the exposition content type is the text format 0.0.4", "[metrics][exposition]") {
  CHECK(std::string{hookd::metrics::exposition_content_type} ==
        "text/plain; version=0.0.4; charset=utf-8");
}
