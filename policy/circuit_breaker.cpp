#include "policy/circuit_breaker.hpp"

namespace hookd::policy {

std::string_view to_string(circuit_breaker::state s) {
  switch (s) {
    case circuit_breaker::state::closed:
      return "closed";
    case circuit_breaker::state::open:
      return "open";
    case circuit_breaker::state::probing:
      return "probing";
  }
  return "unknown";
}

} // namespace hookd::policy
