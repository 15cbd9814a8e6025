#pragma once
// One API request on its way from the io thread to an API actor, and the helpers handlers use
// to answer it (private to api/).
#include "api/api_error.hpp"
#include "api/router.hpp"
#include "net/http_server.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

namespace hookd::api {

struct http_call {
  route_match route;
  net::server_request request;
  net::respond_fn respond;
};

/// Answers with `body` as JSON (invalid UTF-8 in stored bytes is replaced, never thrown).
void respond_json(const http_call& call, int status, const nlohmann::ordered_json& body,
                  std::vector<std::pair<std::string, std::string>> headers = {});
/// Answers with `body`, already JSON text.
void respond_text(const http_call& call, int status, std::string body,
                  std::vector<std::pair<std::string, std::string>> headers = {});
/// Answers with `body` of another content type (the metrics exposition, the dashboard page).
void respond_content(const http_call& call, int status, std::string content_type, std::string body);
void respond_error(const http_call& call, const api_error& e);
/// The response respond_error sends for `e` (WWW-Authenticate on 401, Retry-After on 429/503),
/// in the error shape of `dialect`.
net::server_response error_response_for(const api_error& e,
                                         api_dialect dialect = api_dialect::native);
/// Maps an engine error (messages/errors.hpp) onto the API's error model.
api_error to_api_error(const caf::error& e);
void respond_error(const http_call& call, const caf::error& e);
void respond_empty(const http_call& call, int status);

} // namespace hookd::api

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hookd::api::http_call)
