// The option table (see options.hpp) and the text form of each kind of value. The rules here
// are the start-up validation of docs/configuration.md: a row's check returns the reason a value is refused.
#include "config/options.hpp"

#include "config/listen_address.hpp"
#include "config/load.hpp"
#include "policy/address_policy.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <type_traits>
#include <utility>

namespace hookd::config {
namespace {

// ---- text of values ----------------------------------------------------------------------

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos)
    return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

/// Whole-text parse of an arithmetic value; nullopt on junk, sign misuse or overflow.
template <class T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end)
    return std::nullopt;
  if constexpr (std::is_floating_point_v<T>)
    if (!std::isfinite(value))
      return std::nullopt;
  return value;
}

std::optional<bool> parse_bool(const std::string& text) {
  const std::string word = lower(text);
  if (word == "true" || word == "1" || word == "yes" || word == "on")
    return true;
  if (word == "false" || word == "0" || word == "no" || word == "off")
    return false;
  return std::nullopt;
}

/// "404,410" (blanks around items allowed); "" is the empty list.
std::optional<std::vector<int>> parse_int_list(std::string_view text) {
  std::vector<int> values;
  if (trim(text).empty())
    return values;
  while (true) {
    const std::size_t comma = text.find(',');
    const std::optional<int> item = parse_number<int>(trim(text.substr(0, comma)));
    if (!item)
      return std::nullopt;
    values.push_back(*item);
    if (comma == std::string_view::npos)
      return values;
    text.remove_prefix(comma + 1);
  }
}

/// "10.0.0.0/8, fd00::/8" (blanks around items allowed); "" is the empty list. Items may not be
/// empty or hold a comma (there is no quoting).
std::optional<std::vector<std::string>> parse_string_list(std::string_view text) {
  std::vector<std::string> values;
  if (trim(text).empty())
    return values;
  while (true) {
    const std::size_t comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    if (item.empty())
      return std::nullopt;
    values.emplace_back(item);
    if (comma == std::string_view::npos)
      return values;
    text.remove_prefix(comma + 1);
  }
}

template <class T>
std::string assign_parsed(T* target, std::optional<T> parsed, std::string_view expected) {
  if (!parsed)
    return std::string(expected);
  *target = std::move(*parsed);
  return {};
}

// ---- rules -------------------------------------------------------------------------------

template <class T>
using rule = std::function<std::string(const T&, const config&)>;

std::string show(int x) {
  return std::to_string(x);
}
std::string show(std::size_t x) {
  return std::to_string(x);
}
std::string show(double x) {
  return format_number(x);
}
std::string show(duration x) {
  return format_duration(x);
}

rule<duration> positive() {
  return [](const duration& v, const config&) { return v > duration::zero() ? "" : "must be > 0"; };
}

template <class T>
rule<T> at_least(T low) {
  return [low](const T& v, const config&) { return v >= low ? "" : "must be >= " + show(low); };
}

template <class T>
rule<T> between(T low, T high) {
  return [low, high](const T& v, const config&) {
    return v >= low && v <= high ? "" : "must be between " + show(low) + " and " + show(high);
  };
}

rule<std::string> one_of(std::initializer_list<std::string_view> words) {
  std::vector<std::string> allowed(words.begin(), words.end());
  return [allowed](const std::string& v, const config&) -> std::string {
    if (std::find(allowed.begin(), allowed.end(), v) != allowed.end())
      return "";
    std::string list;
    for (const std::string& word : allowed) {
      if (!list.empty())
        list += ", ";
      list += word;
    }
    return "must be one of " + list;
  };
}

/// Runs the rules in order and reports the first refusal.
template <class T>
rule<T> all(std::vector<rule<T>> rules) {
  return [rules = std::move(rules)](const T& v, const config& c) -> std::string {
    for (const rule<T>& r : rules)
      if (std::string why = r(v, c); !why.empty())
        return why;
    return "";
  };
}

rule<std::string> not_empty() {
  return [](const std::string& v, const config&) { return v.empty() ? "must not be empty" : ""; };
}

rule<std::string> host_port() {
  return [](const std::string& v, const config&) -> std::string {
    return parse_listen_address(v) ? ""
                                   : "must be host:port with a port in 1..65535 "
                                     "(IPv6 in brackets: [::1]:8080)";
  };
}

rule<std::string> empty_or_host_port() {
  return [](const std::string& v, const config& c) -> std::string {
    if (v.empty())
      return "";
    if (!parse_listen_address(v))
      return "must be empty or host:port with a port in 1..65535 (IPv6 in brackets: [::1]:8081)";
    return v == c.server.listen ? "must differ from server.listen" : "";
  };
}

rule<std::size_t> inbound_payload_rule() {
  return [](const std::size_t& v, const config& c) -> std::string {
    if (v < 1024)
      return "must be >= 1024";
    return v > c.server.max_body_bytes_in_flight ? "must be <= server.max_body_bytes_in_flight" : "";
  };
}

/// No token is only safe when nobody but this machine can reach the API.
rule<std::string> token_unless_loopback() {
  return [](const std::string& token, const config& c) -> std::string {
    const std::optional<listen_address> listen = parse_listen_address(c.server.listen);
    if (!token.empty() || !listen || is_loopback_host(listen->host))
      return "";
    return "must be set when server.listen is not a loopback address (listen is \"" +
           c.server.listen + "\")";
  };
}

rule<std::string> empty_or_http_url() {
  return [](const std::string& v, const config&) -> std::string {
    const std::string url = lower(v);
    for (const std::string_view scheme : {"http://", "https://"})
      if (url.size() > scheme.size() && url.starts_with(scheme))
        return "";
    return v.empty() ? "" : "must be empty or an http:// or https:// URL";
  };
}

rule<std::vector<int>> http_statuses_not_2xx() {
  return [](const std::vector<int>& statuses, const config&) -> std::string {
    for (const int s : statuses)
      if (s < 100 || s > 599 || (s >= 200 && s <= 299))
        return "each status must be in 100..599 and not 2xx (" + std::to_string(s) + " is not)";
    return "";
  };
}

/// Each entry a CIDR the SSRF guard understands ("10.1.0.0/16", "fd00::/8").
rule<std::vector<std::string>> cidr_list() {
  return [](const std::vector<std::string>& entries, const config&) -> std::string {
    for (const std::string& entry : entries) {
      const auto parsed = policy::cidr::parse(entry);
      if (const auto* why = std::get_if<std::string>(&parsed))
        return "entry \"" + entry + "\" is not a CIDR like 10.1.0.0/16 or fd00::/8: " + *why;
    }
    return "";
  };
}

rule<double> ratio() {
  return [](const double& v, const config&) {
    return v > 0.0 && v <= 1.0 ? "" : "must be > 0 and <= 1";
  };
}

rule<std::string> needed_by_postgres() {
  return [](const std::string& v, const config& c) -> std::string {
    return c.store.backend == "postgres" && v.empty() ? "must be set when store.backend is postgres"
                                                      : "";
  };
}

rule<duration> at_least_two_heartbeats() {
  return [](const duration& v, const config& c) {
    return v >= 2 * c.cluster.heartbeat
               ? ""
               : "must be at least twice cluster.heartbeat (" + show(c.cluster.heartbeat) +
                     "), so that one late renewal does not lose a lease";
  };
}

rule<duration> at_least_initial_interval() {
  return [](const duration& v, const config& c) {
    return v >= c.retry.initial_interval
               ? ""
               : "must be >= retry.initial_interval (" + show(c.retry.initial_interval) + ")";
  };
}

rule<std::size_t> at_least_max_payload() {
  return [](const std::size_t& v, const config& c) {
    return v >= c.server.max_payload_bytes
               ? ""
               : "must be >= server.max_payload_bytes (" + show(c.server.max_payload_bytes) + ")";
  };
}

rule<duration> at_most_attempt_timeout() {
  return [](const duration& v, const config& c) {
    return v <= c.http.attempt_timeout
               ? ""
               : "must be <= http.attempt_timeout (" + show(c.http.attempt_timeout) + ")";
  };
}

// ---- rows --------------------------------------------------------------------------------

/// One row: `member` of the `section_member` of `config`, checked by `check`.
template <class Section, class T>
option row(std::string section, std::string key, Section config::*section_member,
           T Section::*member, std::string help, rule<T> check = {}) {
  option o;
  o.section = std::move(section);
  o.key = std::move(key);
  o.help = std::move(help);
  o.field = [section_member, member](config& c) -> field_ref {
    return &(c.*section_member.*member);
  };
  if (check)
    o.check = [section_member, member, check](const config& c) {
      return check(c.*section_member.*member, c);
    };
  return o;
}

option secret(option o) {
  o.secret = true;
  return o;
}

std::vector<option> build_options() {
  using rp = policy::retry_policy;
  using s = server_section;
  using st = store_section;
  using cl = cluster_section;
  using e = endpoints_section;
  using h = http_section;
  using a = alerts_section;
  using l = log_section;
  return {
      row("server", "listen", &config::server, &s::listen,
          "address of the API, metrics and dashboard (host:port, IPv6 as [::1]:8080)", host_port()),
      secret(
          row("server", "api_token", &config::server, &s::api_token,
              "bearer token the API requires; empty = no auth, refused unless listen is loopback",
              token_unless_loopback())),
      row("server", "max_payload_bytes", &config::server, &s::max_payload_bytes,
          "largest accepted request body in bytes (>= 1024)", at_least<std::size_t>(1024)),
      row("server", "max_ingest_backlog", &config::server, &s::max_ingest_backlog,
          "messages being stored at once; beyond this POST /v1/messages answers 429 (>= 1)",
          at_least<std::size_t>(1)),
      row("server", "max_connections", &config::server, &s::max_connections,
          "open API connections; 0 = what the open-file limit leaves after the delivery reserve, "
          "at most 10000 (checked against the limit at start)"),
      row("server", "idle_timeout", &config::server, &s::idle_timeout,
          "an idle keep-alive API connection is closed after this long", positive()),
      row("server", "max_connection_age", &config::server, &s::max_connection_age,
          "keep-alive ends at this age: later responses close the API connection", positive()),
      row("server", "max_body_bytes_in_flight", &config::server, &s::max_body_bytes_in_flight,
          "request body bytes being received at once across connections; beyond, 503 "
          "(>= max_payload_bytes)",
          at_least_max_payload()),
      row("server", "max_batch_bytes", &config::server, &s::max_batch_bytes,
          "largest body of POST /v1/messages/batch in bytes (>= 1024; in force: at least "
          "max_payload_bytes, at most max_body_bytes_in_flight)",
          at_least<std::size_t>(1024)),
      row("server", "inbound_listen", &config::server, &s::inbound_listen,
          "optional second listener serving only POST /in/{source} and /healthz (host:port); "
          "empty = none, /in/ is served on listen",
          empty_or_host_port()),
      row("server", "inbound_max_payload_bytes", &config::server, &s::inbound_max_payload_bytes,
          "largest body of POST /in/{source} in bytes (>= 1024, <= max_body_bytes_in_flight)",
          inbound_payload_rule()),
      row("server", "inbound_request_timeout", &config::server, &s::inbound_request_timeout,
          "on the inbound listener: time to receive a request's head, and again its body",
          positive()),
      row("server", "inbound_idle_timeout", &config::server, &s::inbound_idle_timeout,
          "an idle keep-alive connection to the inbound listener is closed after this long",
          positive()),

      row("store", "backend", &config::store, &st::backend,
          "sqlite (embedded, one node) or postgres (several nodes share one database)",
          one_of({"sqlite", "postgres"})),
      row("store", "path", &config::store, &st::path,
          "SQLite database file (WAL mode; keep it on a local disk)", not_empty()),
      secret(row("store", "url", &config::store, &st::url,
                 "PostgreSQL connection string or postgresql:// URI (store.backend = postgres)",
                 needed_by_postgres())),
      row("store", "retention", &config::store, &st::retention,
          "delivered and failed messages older than this are purged", positive()),

      row("cluster", "node_id", &config::cluster, &cl::node_id,
          "this node's name in the cluster (empty: <hostname>-<pid>)"),
      row("cluster", "heartbeat", &config::cluster, &cl::heartbeat,
          "how often a node renews its leases and reports itself alive", positive()),
      row("cluster", "lease_ttl", &config::cluster, &cl::lease_ttl,
          "a lease not renewed this long is lost and other nodes take its endpoints over "
          "(>= 2 x heartbeat)",
          all<duration>({positive(), at_least_two_heartbeats()})),

      row("retry", "initial_interval", &config::retry, &rp::initial_interval,
          "delay before the first retry", positive()),
      row("retry", "multiplier", &config::retry, &rp::multiplier,
          "growth factor of the delay after each failed attempt (>= 1)", at_least(1.0)),
      row("retry", "max_interval", &config::retry, &rp::max_interval,
          "cap on the delay between attempts, before jitter (>= initial_interval)",
          all<duration>({positive(), at_least_initial_interval()})),
      row("retry", "jitter", &config::retry, &rp::jitter,
          "random extra delay, as a fraction of the delay (0..1)", between(0.0, 1.0)),
      row("retry", "max_duration", &config::retry, &rp::max_duration,
          "retry window after a delivery's first attempt; then it is failed/exhausted", positive()),
      row("retry", "breaker_threshold", &config::retry, &rp::breaker_threshold,
          "consecutive failures that open an endpoint's circuit breaker (>= 1)", at_least(1)),

      row("endpoints", "permanent_statuses", &config::endpoints, &e::permanent_statuses,
          "HTTP statuses that disable an endpoint at once (100..599, not 2xx; env/flag: 404,410)",
          http_statuses_not_2xx()),
      row("endpoints", "failure_disable_after", &config::endpoints, &e::failure_disable_after,
          "an endpoint failing this long without a success is disabled", positive()),
      row("endpoints", "allow_private_targets", &config::endpoints, &e::allow_private_targets,
          "allow endpoint URLs on private, loopback, link-local and other non-public addresses "
          "(local development only)"),
      row("endpoints", "allow_cidrs", &config::endpoints, &e::allow_cidrs,
          "CIDRs allowed as delivery targets even when allow_private_targets is off "
          "(env/flag: 10.1.0.0/16,fd00::/8)",
          cidr_list()),
      row("endpoints", "idle_timeout", &config::endpoints, &e::idle_timeout,
          "an endpoint actor with no work quits after this long", positive()),

      row("http", "connect_timeout", &config::http, &h::connect_timeout,
          "time allowed to connect (TCP and TLS) per attempt (<= attempt_timeout)",
          all<duration>({positive(), at_most_attempt_timeout()})),
      row("http", "attempt_timeout", &config::http, &h::attempt_timeout,
          "time allowed for a whole attempt (an endpoint may override)", positive()),
      row("http", "max_in_flight", &config::http, &h::max_in_flight,
          "attempts in flight across all endpoints (>= 1)", at_least(1)),
      row("http", "io_threads", &config::http, &h::io_threads,
          "network I/O actors, each with its own thread and connection pool (1..64)",
          between(1, 64)),
      row("http", "ca_file", &config::http, &h::ca_file,
          "PEM CA bundle used instead of the system trust store (empty: system store)"),

      row("alerts", "alert_url", &config::alerts, &a::alert_url,
          "alerts are POSTed here as signed JSON (empty: log only)", empty_or_http_url()),
      secret(row("alerts", "alert_secret", &config::alerts, &a::alert_secret,
                 "whsec_... secret signing alert POSTs (empty: unsigned, a warning is logged)")),
      row("alerts", "retry_ratio", &config::alerts, &a::retry_ratio,
          "failed/all attempts over 5 minutes above which high_retry_rate fires (0 < r <= 1)",
          ratio()),
      row("alerts", "min_attempts", &config::alerts, &a::min_attempts,
          "attempts needed in the 5-minute window before the ratio is judged (>= 1)", at_least(1)),

      row("log", "level", &config::log, &l::level,
          "trace, debug, info, warn, error, critical or off",
          one_of({"trace", "debug", "info", "warn", "error", "critical", "off"})),
      row("log", "format", &config::log, &l::format, "text or json", one_of({"text", "json"})),
  };
}

} // namespace

std::string option::name() const {
  return section + "." + key;
}
std::string option::env_name() const {
  return "HOOKD_" + upper(section) + "_" + upper(key);
}
std::string option::flag() const {
  return "--" + name();
}

const std::vector<option>& options() {
  static const std::vector<option> table = build_options();
  return table;
}

const option* find_option(std::string_view section, std::string_view key) {
  for (const option& o : options())
    if (o.section == section && o.key == key)
      return &o;
  return nullptr;
}

bool is_section(std::string_view section) {
  return std::any_of(options().begin(), options().end(),
                     [section](const option& o) { return o.section == section; });
}

namespace {

/// Levenshtein distance; names are short, so the quadratic table is fine.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substituted = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({substituted, row[j] + 1, row[j - 1] + 1});
    }
  }
  return row[b.size()];
}

} // namespace

std::string did_you_mean(std::string_view unknown) {
  const bool whole_name = unknown.find('.') != std::string_view::npos;
  std::string best;
  std::size_t best_distance = 3; // more than two edits is not a typo
  for (const option& o : options()) {
    const std::string candidate = whole_name ? o.name() : o.section;
    if (const std::size_t d = edit_distance(unknown, candidate); d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string_view kind_name(const field_ref& field) {
  return std::visit(overloaded{
                        [](std::string*) { return "string"; },
                        [](int*) { return "integer"; },
                        [](std::size_t*) { return "non-negative integer"; },
                        [](double*) { return "number"; },
                        [](bool*) { return "boolean"; },
                        [](duration*) { return "duration"; },
                        [](std::vector<int>*) { return "integer list"; },
                        [](std::vector<std::string>*) { return "string list"; },
                    },
                    field);
}

std::string_view kind_label(const field_ref& field) {
  return std::visit(overloaded{
                        [](std::string*) { return "TEXT"; },
                        [](int*) { return "INT"; },
                        [](std::size_t*) { return "INT"; },
                        [](double*) { return "NUMBER"; },
                        [](bool*) { return "BOOL"; },
                        [](duration*) { return "DURATION"; },
                        [](std::vector<int>*) { return "INT,INT..."; },
                        [](std::vector<std::string>*) { return "TEXT,TEXT..."; },
                    },
                    field);
}

std::string assign_text(const field_ref& field, const std::string& text) {
  return std::visit(
      overloaded{
          [&](std::string* v) {
            *v = text;
            return std::string();
          },
          [&](int* v) { return assign_parsed(v, parse_number<int>(text), "expected an integer"); },
          [&](std::size_t* v) {
            return assign_parsed(v, parse_number<std::size_t>(text),
                                 "expected a non-negative integer");
          },
          [&](double* v) {
            return assign_parsed(v, parse_number<double>(text), "expected a number");
          },
          [&](bool* v) { return assign_parsed(v, parse_bool(text), "expected true or false"); },
          [&](duration* v) {
            return assign_parsed(v, parse_duration(text), duration_refusal(text));
          },
          [&](std::vector<int>* v) {
            return assign_parsed(v, parse_int_list(text),
                                 "expected comma-separated integers, like \"404,410\"");
          },
          [&](std::vector<std::string>* v) {
            return assign_parsed(v, parse_string_list(text),
                                 "expected comma-separated values without empty items, like "
                                 "\"10.1.0.0/16,fd00::/8\"");
          },
      },
      field);
}

std::string format_value(const field_ref& field) {
  return std::visit(overloaded{
                        [](std::string* v) { return *v; },
                        [](int* v) { return std::to_string(*v); },
                        [](std::size_t* v) { return std::to_string(*v); },
                        [](double* v) { return format_number(*v); },
                        [](bool* v) { return std::string(*v ? "true" : "false"); },
                        [](duration* v) { return format_duration(*v); },
                        [](std::vector<int>* v) {
                          std::string text;
                          for (const int x : *v) {
                            if (!text.empty())
                              text += ',';
                            text += std::to_string(x);
                          }
                          return text;
                        },
                        [](std::vector<std::string>* v) {
                          std::string text;
                          for (const std::string& x : *v) {
                            if (!text.empty())
                              text += ',';
                            text += x;
                          }
                          return text;
                        },
                    },
                    field);
}

std::string format_number(double x) {
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x);
  std::string text(buffer, ec == std::errc{} ? end : buffer);
  if (text.find_first_of(".eEn") == std::string::npos) // whole number, not inf/nan
    text += ".0";
  return text;
}

} // namespace hookd::config
