#include "bench/common/secrets.hpp"

#include "policy/signing.hpp"

#include <array>

namespace hookd::bench {

std::string endpoint_key(std::string_view name) {
  const std::array<std::string_view, 2> parts{"hookd-bench/", name};
  return policy::sha256(parts);
}

std::string endpoint_secret(std::string_view name) {
  return "whsec_" + policy::base64_encode(endpoint_key(name));
}

std::string endpoint_name(std::string_view group, std::size_t index) {
  return std::string{group} + "-" + std::to_string(index);
}

} // namespace hookd::bench
