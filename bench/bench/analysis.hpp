#pragma once
// Turns the receiver's records, the producers' log and hookd's answers about undelivered
// messages into per-group tallies, and the tallies into checks.
#include "bench/bench/registry.hpp"
#include "bench/bench/results.hpp"
#include "bench/bench/store_query.hpp"
#include "bench/common/delivery_record.hpp"

#include <vector>

namespace hookd::bench {

/// What the receiver saw of one message.
struct observed {
  std::int64_t first_ns = 0, first_ok_ns = 0;
  std::uint32_t arrivals = 0, oks = 0, after_ok = 0;
  bool first_was_ok = false;
};

struct observations {
  std::vector<observed> by_seq;                 ///< one per registry message
  std::vector<std::int64_t> first_failure_ns;   ///< per endpoint; 0: none
  std::vector<std::uint32_t> requests;          ///< per endpoint
  std::size_t unknown_ids = 0, misrouted = 0, bad_signature = 0;
  std::vector<std::size_t> bad_signature_by_endpoint_group;
};

observations observe(const scenario& s, const registry& reg,
                     const std::vector<delivery_record>& records);

/// Accepted messages with no 2xx at the receiver (to be looked up in hookd).
std::vector<std::size_t> undelivered(const registry& reg, const observations& obs);

/// Per-group and total tallies. `looked_up`/`states`: the store states of `undelivered`
/// messages that were asked for (the others count as unverified). `endpoints`/`ep_states`:
/// the endpoints looked up.
void tally_up(const scenario& s, const registry& reg, const observations& obs,
              const std::vector<std::size_t>& looked_up, const std::vector<store_state>& states,
              const std::vector<std::uint32_t>& endpoints,
              const std::vector<endpoint_state>& ep_states, run_result& out);

/// The scenario's expectations against the result (appends to out.checks).
void check_expectations(const scenario& s, run_result& out);

} // namespace hookd::bench
