#include "api/api_error.hpp"

#include "net/error_body.hpp"

namespace hookd::api {

std::string api_error::body() const {
  return net::error_body(code, message);
}

} // namespace hookd::api
