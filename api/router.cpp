#include "api/router.hpp"

#include "api/hex.hpp"

#include <vector>

namespace hookd::api {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto end = path.find('/');
    parts.push_back(path.substr(0, end));
    path = end == std::string_view::npos ? std::string_view{} : path.substr(end);
  }
  return parts;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size())
        return std::nullopt;
      const int hi = hex_digit(s[i + 1]);
      const int lo = hex_digit(s[i + 2]);
      if (hi < 0 || lo < 0)
        return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::optional<std::map<std::string, std::string>> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    const auto amp = q.find('&');
    const auto pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    if (pair.empty())
      continue;
    const auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq));
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!key || !value)
      return std::nullopt;
    out[*key] = *value;
  }
  return out;
}

bool matches(std::string_view pattern, const std::vector<std::string_view>& parts, std::string& param) {
  const auto want = split_path(pattern);
  if (want.size() != parts.size())
    return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "{id}")
      param = std::string{parts[i]};
    else if (want[i] != parts[i])
      return false;
  }
  return true;
}

} // namespace

const std::vector<route_info>& all_routes() {
  static const std::vector<route_info> routes{
    {route::create_endpoint, "POST", "/v1/endpoints", true},
    {route::list_endpoints, "GET", "/v1/endpoints", true},
    {route::get_endpoint, "GET", "/v1/endpoints/{id}", true},
    {route::patch_endpoint, "PATCH", "/v1/endpoints/{id}", true},
    {route::delete_endpoint, "DELETE", "/v1/endpoints/{id}", true},
    {route::enable_endpoint, "POST", "/v1/endpoints/{id}/enable", true},
    {route::disable_endpoint, "POST", "/v1/endpoints/{id}/disable", true},
    {route::recover_endpoint, "POST", "/v1/endpoints/{id}/recover", true},
    {route::rotate_secret, "POST", "/v1/endpoints/{id}/secret/rotate", true},
    {route::get_secret, "GET", "/v1/endpoints/{id}/secret", true},
    {route::create_message, "POST", "/v1/messages", true},
    {route::create_message_batch, "POST", "/v1/messages/batch", true},
    {route::get_message, "GET", "/v1/messages/{id}", true},
    {route::list_attempts, "GET", "/v1/messages/{id}/attempts", true},
    {route::retry_message, "POST", "/v1/messages/{id}/retry", true},
    {route::stats, "GET", "/v1/stats", true},
    {route::alerts, "GET", "/v1/alerts", true},
    {route::cluster, "GET", "/v1/cluster", true},
    {route::metrics, "GET", "/metrics", true},
    {route::dashboard, "GET", "/", false},
    {route::healthz, "GET", "/healthz", false},
    {route::readyz, "GET", "/readyz", false},
  };
  return routes;
}

std::variant<route_match, api_error> match_route(std::string_view method, std::string_view target) {
  const auto q = target.find('?');
  const auto path = target.substr(0, q);
  auto query = parse_query(q == std::string_view::npos ? std::string_view{} : target.substr(q + 1));
  if (!query)
    return api_error::malformed("malformed query string");
  const auto parts = split_path(path);
  std::string allowed;
  for (const auto& r : all_routes()) {
    std::string param;
    if (!matches(r.path, parts, param))
      continue;
    if (r.method == method)
      return route_match{r.id, std::move(param), std::move(*query), r.needs_auth};
    allowed += allowed.empty() ? "" : ", ";
    allowed += r.method;
  }
  if (!allowed.empty()) {
    auto e = api_error::method_not_allowed(std::string{method} + " is not allowed on " + std::string{path});
    e.allow = std::move(allowed);
    return e;
  }
  return api_error::not_found("no route for " + std::string{path});
}

} // namespace hookd::api
