#include "bench/bench/takeover.hpp"

#include "bench/common/clock.hpp"

#include <algorithm>

namespace hookd::bench {

void measure_takeover(hookd_nodes& nodes, std::size_t dead, std::int64_t killed_ns, double at_s,
                      takeover_result& out) {
  out.measured = true;
  out.node = dead + 1;
  out.nodes = nodes.size();
  out.killed_ns = killed_ns;
  out.killed_at_s = at_s;
  out.partitions_s = nodes.wait_takeover(dead, killed_ns, std::chrono::seconds{60});
}

void tally_stranded(const registry& reg, const observations& obs, takeover_result& out) {
  constexpr std::int64_t held_ns = 500'000'000; // waited longer than this: held up by the kill
  const std::int64_t until_ns =
      out.killed_ns + static_cast<std::int64_t>(out.partitions_s.value_or(60.0) * 1e9);
  double last = 0;
  for (std::size_t i = 0; i < reg.messages.size(); ++i) {
    const auto& m = reg.messages[i];
    const auto& seen = obs.by_seq[i];
    if (m.accept_ns == 0 || m.accept_ns >= until_ns)
      continue;
    const auto ready_ns = std::max(m.accept_ns, out.killed_ns); // could go out from then on
    if (seen.first_ok_ns != 0 && (seen.first_ok_ns <= out.killed_ns ||
                                  seen.first_ok_ns - ready_ns <= held_ns))
      continue;
    ++out.stranded;
    if (seen.first_ok_ns == 0)
      continue;
    ++out.stranded_delivered;
    last = std::max(last, seconds_between(out.killed_ns, seen.first_ok_ns));
  }
  if (out.stranded > 0 && out.stranded_delivered == out.stranded)
    out.stranded_last_s = last;
}

} // namespace hookd::bench
