#include "bench/common/behaviour.hpp"

namespace hookd::bench {

namespace {

double uniform01(rng_t& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

double delay_of(const latency_spec& l, rng_t& rng) {
  switch (l.shape) {
    case latency_spec::kind::none: return 0;
    case latency_spec::kind::fixed: return l.a_ms;
    case latency_spec::kind::uniform: return l.a_ms + (l.b_ms - l.a_ms) * uniform01(rng);
    case latency_spec::kind::exponential:
      return std::exponential_distribution<double>{1.0 / l.a_ms}(rng);
  }
  return 0;
}

} // namespace

decision decide(const endpoint_group& g, std::uint64_t request_no, double since_start_s,
                rng_t& rng) {
  decision d;
  d.delay_ms = delay_of(g.latency, rng);
  for (const auto& w : g.outages) {
    if (since_start_s >= w.from_s && since_start_s < w.to_s) {
      switch (g.outage) {
        case outage_action::status: d.status = g.outage_status; break;
        case outage_action::close: d.what = decision::kind::close; break;
        case outage_action::hang: d.what = decision::kind::hang; break;
      }
      return d;
    }
  }
  if (g.gone_after >= 0 && request_no >= static_cast<std::uint64_t>(g.gone_after)) {
    d.status = g.gone_status;
    return d;
  }
  if (g.hang_ratio > 0 && uniform01(rng) < g.hang_ratio) {
    d.what = decision::kind::hang;
    return d;
  }
  if (g.throttle_ratio > 0 && uniform01(rng) < g.throttle_ratio) {
    d.status = 429;
    d.retry_after_s = g.retry_after_s;
    return d;
  }
  if (g.fail_ratio > 0 && uniform01(rng) < g.fail_ratio) {
    d.status = g.fail_statuses[request_no % g.fail_statuses.size()];
    return d;
  }
  return d;
}

} // namespace hookd::bench
