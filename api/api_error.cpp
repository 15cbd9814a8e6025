#include "api/api_error.hpp"

#include <nlohmann/json.hpp>

namespace hookd::api {

std::string api_error::body() const {
  return nlohmann::ordered_json{{"error", {{"code", code}, {"message", message}}}}.dump(
      -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

} // namespace hookd::api
