#include "api/http_call.hpp"

#include "messages/errors.hpp"

namespace hookd::api {

void respond_json(const http_call& call, int status, const nlohmann::ordered_json& body,
                  std::vector<std::pair<std::string, std::string>> headers) {
  respond_text(call, status, body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace),
               std::move(headers));
}

void respond_text(const http_call& call, int status, std::string body,
                  std::vector<std::pair<std::string, std::string>> headers) {
  net::server_response r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  call.respond(std::move(r));
}

void respond_content(const http_call& call, int status, std::string content_type, std::string body) {
  net::server_response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  call.respond(std::move(r));
}

void respond_error(const http_call& call, const api_error& e) {
  call.respond(error_response_for(e, call.route.dialect));
}

net::server_response error_response_for(const api_error& e, api_dialect dialect) {
  net::server_response r;
  r.status = e.status;
  r.body = dialect == api_dialect::svix ? e.svix_body() : e.body();
  if (e.status == 401)
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (!e.allow.empty())
    r.headers.emplace_back("Allow", e.allow);
  if (e.status == 429 || e.status == 503)
    r.headers.emplace_back("Retry-After", "1");
  return r;
}

api_error to_api_error(const caf::error& e) {
  const std::string detail = describe(e);
  switch (static_cast<errc>(code_of(e))) {
    case errc::unknown_endpoint:
    case errc::unknown_message:
    case errc::unknown_application:
    case errc::unknown_attempt:
    case errc::unknown_event_type:
    case errc::unknown_source:
      return api_error::not_found(detail);
    case errc::endpoint_disabled:
      return api_error::conflict("endpoint_disabled", detail);
    case errc::shutting_down:
      return api_error::unavailable("shutting_down", detail);
    case errc::not_ready:
      return api_error::unavailable("not_ready", detail);
    // The store's own text names the database file: it stays in the log (the store actors log
    // every failure), clients get a fixed message.
    case errc::store_failed:
      return api_error::unavailable("store_unavailable", "the store is unavailable; retry later");
    case errc::store_conflict:
      return api_error::conflict("conflict", "the request conflicts with data stored meanwhile");
    case errc::store_missing:
      return api_error::not_found("the resource no longer exists");
    case errc::overloaded:
      return api_error::rate_limited(detail);
    case errc::fenced: // an owner's write; the API never sends one
      return api_error::unavailable("store_unavailable", "the store is unavailable; retry later");
  }
  return api_error::internal(detail);
}

void respond_error(const http_call& call, const caf::error& e) { respond_error(call, to_api_error(e)); }

void respond_empty(const http_call& call, int status) {
  net::server_response r;
  r.status = status;
  call.respond(std::move(r));
}

} // namespace hookd::api
