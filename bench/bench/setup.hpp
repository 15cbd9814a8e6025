#pragma once
// Registers a phase's endpoint groups with hookd (POST /v1/endpoints) over several keep-alive
// connections at once; each endpoint gets the secret the receiver derives from its name.
#include "bench/bench/registry.hpp"

#include <cstdint>

namespace hookd::bench {

struct setup_result {
  std::size_t created = 0;
  double seconds = 0;
};

/// Creates every endpoint of `groups`. Throws with hookd's answer when one is refused.
setup_result create_endpoints(const scenario& s, const std::vector<std::string>& groups,
                              registry& reg, std::uint16_t hookd_port,
                              std::uint16_t receiver_port);

} // namespace hookd::bench
