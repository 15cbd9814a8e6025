#pragma once
// The receiver's decision for one request to one endpoint: pure, given the endpoint's group,
// the request's number at that endpoint (0-based), the time since the start mark and a random
// source. Kept apart from the server so the script's meaning is in one place.
#include "bench/common/endpoint_group.hpp"

#include <cstdint>
#include <random>

namespace hookd::bench {

struct decision {
  enum class kind : std::uint8_t { respond, hang, close };
  kind what = kind::respond;
  int status = 200;
  int retry_after_s = 0; ///< > 0: send Retry-After
  double delay_ms = 0;   ///< before answering (or closing)
};

using rng_t = std::mt19937_64;

decision decide(const endpoint_group& g, std::uint64_t request_no, double since_start_s,
                rng_t& rng);

} // namespace hookd::bench
