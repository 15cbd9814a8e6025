#pragma once
// The producers: `connections` keep-alive connections posting a phase's messages
// (POST /v1/messages with endpoint_id, so each message is one delivery; with load.batch > 1,
// that many per POST /v1/messages/batch, each message counted from its own result) at a fixed
// rate or as fast as hookd answers. Daemon down (refused), 429 and 503 are retried; a request that was
// sent but got no answer is retried with the same Idempotency-Key when the scenario uses keys,
// otherwise it is counted "in doubt" (it may exist; it is never counted as accepted).
#include "bench/bench/registry.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hookd::bench {

struct producer_counters {
  std::atomic<std::uint64_t> posted{0};     ///< requests written (retries included)
  std::atomic<std::uint64_t> accepted{0};   ///< messages accepted (202; in a batch, each one's result)
  std::atomic<std::uint64_t> throttled{0};  ///< 429 (retried)
  std::atomic<std::uint64_t> unavailable{0};///< 503 (retried)
  std::atomic<std::uint64_t> refused{0};    ///< could not connect (daemon down; retried)
  std::atomic<std::uint64_t> unanswered{0}; ///< sent, no answer
  std::atomic<std::uint64_t> in_doubt{0};   ///< unanswered and not retried
  std::atomic<std::uint64_t> disabled{0};   ///< 409 endpoint_disabled (not retried)
  std::atomic<std::uint64_t> rejected{0};   ///< any other status
  std::map<int, std::uint64_t> rejected_by_status; ///< written on the io thread only
  std::string first_rejection;
};

/// The endpoints a phase's messages go to, in send order: each target group's endpoints get
/// shares proportional to the group's weight, interleaved round by round.
std::vector<std::uint32_t> message_plan(const scenario& s, const phase_spec& p,
                                        const registry& reg);

struct produce_result {
  std::int64_t first_sent_ns = 0;
  std::int64_t last_accept_ns = 0;
  std::size_t first_seq = 0, end_seq = 0; ///< [first, end) in registry::messages
};

/// Posts the plan over the nodes on `hookd_ports` (connections spread evenly; one whose node is
/// down moves to the next); returns when every message was accepted, rejected or given up.
produce_result produce(const scenario& s, std::uint16_t phase_no, const std::vector<std::uint32_t>& plan,
                       double rate, registry& reg, const std::vector<std::uint16_t>& hookd_ports,
                       producer_counters& counters);

} // namespace hookd::bench
