#include "api/api_error.hpp"

#include <nlohmann/json.hpp>

namespace hookd::api {

std::string api_error::body() const {
  return nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump();
}

} // namespace hookd::api
