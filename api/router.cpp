#include "api/router.hpp"

#include "policy/hex.hpp"

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
      const int hi = policy::hex_digit(s[i + 1]);
      const int lo = policy::hex_digit(s[i + 2]);
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

bool matches(std::string_view pattern, const std::vector<std::string_view>& parts,
             std::vector<std::string>& params) {
  const auto want = split_path(pattern);
  if (want.size() != parts.size())
    return false;
  params.clear();
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].starts_with('{'))
      params.emplace_back(parts[i]);
    else if (want[i] != parts[i])
      return false;
  }
  return true;
}

} // namespace

api_dialect dialect_of(std::string_view target) {
  return target.starts_with("/api/") ? api_dialect::svix : api_dialect::native;
}

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
    {route::list_applications, "GET", "/v1/applications", true},
    {route::get_application, "GET", "/v1/applications/{id}", true},
    {route::list_messages, "GET", "/v1/messages", true},
    {route::create_source, "POST", "/v1/sources", true},
    {route::list_sources, "GET", "/v1/sources", true},
    {route::get_source, "GET", "/v1/sources/{id}", true},
    {route::patch_source, "PATCH", "/v1/sources/{id}", true},
    {route::delete_source, "DELETE", "/v1/sources/{id}", true},
    {route::get_source_secret, "GET", "/v1/sources/{id}/secret", true},
    {route::rotate_source_secret, "POST", "/v1/sources/{id}/secret/rotate", true},
    {route::inbound, "POST", "/in/{source}", false},
    {route::svix_list_applications, "GET", "/api/v1/app", true},
    {route::svix_create_application, "POST", "/api/v1/app", true},
    {route::svix_get_application, "GET", "/api/v1/app/{app}", true},
    {route::svix_update_application, "PUT", "/api/v1/app/{app}", true},
    {route::svix_patch_application, "PATCH", "/api/v1/app/{app}", true},
    {route::svix_delete_application, "DELETE", "/api/v1/app/{app}", true},
    {route::svix_list_endpoints, "GET", "/api/v1/app/{app}/endpoint", true},
    {route::svix_create_endpoint, "POST", "/api/v1/app/{app}/endpoint", true},
    {route::svix_get_endpoint, "GET", "/api/v1/app/{app}/endpoint/{ep}", true},
    {route::svix_update_endpoint, "PUT", "/api/v1/app/{app}/endpoint/{ep}", true},
    {route::svix_patch_endpoint, "PATCH", "/api/v1/app/{app}/endpoint/{ep}", true},
    {route::svix_delete_endpoint, "DELETE", "/api/v1/app/{app}/endpoint/{ep}", true},
    {route::svix_get_endpoint_secret, "GET", "/api/v1/app/{app}/endpoint/{ep}/secret", true},
    {route::svix_rotate_endpoint_secret, "POST", "/api/v1/app/{app}/endpoint/{ep}/secret/rotate", true},
    {route::svix_recover_endpoint, "POST", "/api/v1/app/{app}/endpoint/{ep}/recover", true},
    {route::svix_get_endpoint_headers, "GET", "/api/v1/app/{app}/endpoint/{ep}/headers", true},
    {route::svix_update_endpoint_headers, "PUT", "/api/v1/app/{app}/endpoint/{ep}/headers", true},
    {route::svix_patch_endpoint_headers, "PATCH", "/api/v1/app/{app}/endpoint/{ep}/headers", true},
    {route::svix_list_messages, "GET", "/api/v1/app/{app}/msg", true},
    {route::svix_create_message, "POST", "/api/v1/app/{app}/msg", true},
    {route::svix_get_message, "GET", "/api/v1/app/{app}/msg/{msg}", true},
    {route::svix_list_attempts_by_message, "GET", "/api/v1/app/{app}/attempt/msg/{msg}", true},
    {route::svix_list_attempts_by_endpoint, "GET", "/api/v1/app/{app}/attempt/endpoint/{ep}", true},
    {route::svix_list_message_attempts, "GET", "/api/v1/app/{app}/msg/{msg}/attempt", true},
    {route::svix_get_attempt, "GET", "/api/v1/app/{app}/msg/{msg}/attempt/{attempt}", true},
    {route::svix_resend, "POST", "/api/v1/app/{app}/msg/{msg}/endpoint/{ep}/resend", true},
    {route::svix_list_event_types, "GET", "/api/v1/event-type", true},
    {route::svix_create_event_type, "POST", "/api/v1/event-type", true},
    {route::svix_get_event_type, "GET", "/api/v1/event-type/{name}", true},
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
    std::vector<std::string> params;
    if (!matches(r.path, parts, params))
      continue;
    if (r.method == method) {
      std::string first = params.empty() ? std::string{} : params.front();
      return route_match{r.id, std::move(first), std::move(*query), r.needs_auth, std::move(params),
                         dialect_of(path)};
    }
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
