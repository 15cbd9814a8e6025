#include "api/api_error.hpp"

#include "net/error_body.hpp"

#include <nlohmann/json.hpp>

namespace hookd::api {

std::string api_error::body() const {
  return net::error_body(code, message);
}

std::string api_error::svix_body() const {
  using json = nlohmann::ordered_json;
  constexpr auto replace = json::error_handler_t::replace; // a message may quote bad bytes
  if (status == 422) {
    json where = json::array();
    if (loc.empty())
      where.push_back("body");
    for (const auto& l : loc)
      where.push_back(l);
    json item{{"loc", std::move(where)}, {"msg", message}, {"type", "value_error"}};
    return json{{"detail", json::array({std::move(item)})}}.dump(-1, ' ', false, replace);
  }
  return json{{"code", code}, {"detail", message}}.dump(-1, ' ', false, replace);
}

} // namespace hookd::api
