#pragma once
// The API's error model (docs/api.md): every failure is a status plus
// {"error": {"code": "...", "message": "..."}}. Handlers return these as values. The Svix API
// (docs/svix.md) writes the same errors as {"code": "...", "detail": "..."}, and a 422 as
// {"detail": [{"loc": [...], "msg": "...", "type": "value_error"}]}.
#include "net/error_body.hpp"

#include <string>
#include <vector>

namespace hookd::api {

struct api_error {
  api_error() = default;
  api_error(int status_code, std::string error_code, std::string text)
      : status(status_code), code(std::move(error_code)), message(std::move(text)) {}

  int status = 500;
  std::string code;    ///< stable, machine-readable: "malformed_json", "not_found", ...
  std::string message; ///< for humans; names the offending field or value
  std::string allow;   ///< 405 only: the Allow header (methods the path accepts)
  /// 422 of the Svix API: where the invalid value is, e.g. {"body", "url"}; empty: {"body"}.
  std::vector<std::string> loc;

  static api_error malformed(std::string message) { return {400, "malformed_request", std::move(message)}; }
  static api_error malformed_json(std::string message) { return {400, "malformed_json", std::move(message)}; }
  static api_error too_deep(std::string message) { return {400, "too_deep", std::move(message)}; }
  static api_error wrong_type(std::string message) { return {400, "wrong_type", std::move(message)}; }
  static api_error unauthorized(std::string message) { return {401, "unauthorized", std::move(message)}; }
  static api_error not_found(std::string message) { return {404, "not_found", std::move(message)}; }
  static api_error method_not_allowed(std::string message) {
    return {405, "method_not_allowed", std::move(message)};
  }
  static api_error conflict(std::string code, std::string message) {
    return {409, std::move(code), std::move(message)};
  }
  static api_error too_large(std::string message) { return {413, "payload_too_large", std::move(message)}; }
  static api_error invalid(std::string message) { return {422, "invalid_field", std::move(message)}; }
  static api_error invalid_url(std::string message) { return {422, "invalid_url", std::move(message)}; }
  static api_error rate_limited(std::string message) { return {429, "rate_limited", std::move(message)}; }
  static api_error unavailable(std::string code, std::string message) {
    return {503, std::move(code), std::move(message)};
  }
  static api_error internal(std::string message) {
    return {500, std::string{net::internal_error_code}, std::move(message)};
  }

  static api_error invalid_at(std::vector<std::string> where, std::string message) {
    api_error e{422, "invalid_field", std::move(message)};
    e.loc = std::move(where);
    return e;
  }

  /// The JSON body: {"error": {"code": ..., "message": ...}}, written by net::error_body.
  std::string body() const;
  /// The body the Svix API sends: {"code", "detail"}, or the 422 validation list.
  std::string svix_body() const;
};

} // namespace hookd::api
