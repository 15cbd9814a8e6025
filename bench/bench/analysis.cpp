#include "bench/bench/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <unordered_map>

namespace hookd::bench {

percentiles compute_percentiles(std::vector<double>& v) {
  percentiles p;
  p.n = v.size();
  if (v.empty())
    return p;
  std::sort(v.begin(), v.end());
  auto rank = [&](double q) {
    auto i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
  };
  p.p50 = rank(0.50);
  p.p90 = rank(0.90);
  p.p99 = rank(0.99);
  p.p999 = rank(0.999);
  p.max = v.back();
  return p;
}

observations observe(const scenario& s, const registry& reg,
                     const std::vector<delivery_record>& records) {
  observations o;
  o.by_seq.resize(reg.messages.size());
  o.first_failure_ns.assign(reg.endpoints.size(), 0);
  o.requests.assign(reg.endpoints.size(), 0);
  o.bad_signature_by_endpoint_group.assign(s.groups.size(), 0);
  std::unordered_map<std::string_view, std::size_t> seq_of;
  seq_of.reserve(reg.messages.size());
  for (std::size_t i = 0; i < reg.messages.size(); ++i)
    if (reg.messages[i].accepted())
      seq_of.emplace(reg.messages[i].message_id(), i);
  // records arrive sorted by arrival (the receiver numbers attempts that way)
  for (const auto& r : records) {
    if (r.endpoint >= reg.endpoints.size())
      continue;
    ++o.requests[r.endpoint];
    const bool ok = r.status >= 200 && r.status < 300;
    if (!ok && o.first_failure_ns[r.endpoint] == 0)
      o.first_failure_ns[r.endpoint] = r.arrival_ns;
    if (!r.signature_ok) {
      ++o.bad_signature;
      ++o.bad_signature_by_endpoint_group[reg.endpoints[r.endpoint].group];
    }
    auto it = seq_of.find(r.webhook_id());
    if (it == seq_of.end()) {
      ++o.unknown_ids;
      continue;
    }
    if (reg.messages[it->second].endpoint != r.endpoint) {
      ++o.misrouted;
      continue;
    }
    auto& m = o.by_seq[it->second];
    if (m.arrivals == 0) {
      m.first_ns = r.arrival_ns;
      m.first_was_ok = ok;
    }
    ++m.arrivals;
    if (m.oks > 0)
      ++m.after_ok;
    if (ok) {
      if (m.oks == 0)
        m.first_ok_ns = r.arrival_ns;
      ++m.oks;
    }
  }
  return o;
}

std::vector<std::size_t> undelivered(const registry& reg, const observations& obs) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < reg.messages.size(); ++i)
    if (reg.messages[i].accepted() && obs.by_seq[i].oks == 0)
      out.push_back(i);
  return out;
}

void tally_up(const scenario& s, const registry& reg, const observations& obs,
              const std::vector<std::size_t>& looked_up, const std::vector<store_state>& states,
              const std::vector<std::uint32_t>& endpoints,
              const std::vector<endpoint_state>& ep_states, run_result& out) {
  out.groups.assign(s.groups.size(), tally{});
  for (const auto& g : s.groups)
    out.group_names.push_back(g.name);
  for (std::size_t i = 0; i < reg.endpoints.size(); ++i) {
    auto& t = out.groups[reg.endpoints[i].group];
    if (!reg.endpoints[i].hookd_id.empty())
      ++t.endpoints;
    t.requests += obs.requests[i];
  }
  for (std::size_t g = 0; g < s.groups.size(); ++g)
    out.groups[g].bad_signature = obs.bad_signature_by_endpoint_group[g];
  std::vector<store_state> state_of(reg.messages.size(), store_state::unknown);
  for (std::size_t i = 0; i < looked_up.size(); ++i)
    state_of[looked_up[i]] = states[i];
  for (std::size_t i = 0; i < reg.messages.size(); ++i) {
    const auto& m = reg.messages[i];
    auto& t = out.groups[reg.endpoints[m.endpoint].group];
    if (m.in_doubt)
      ++t.in_doubt;
    if (!m.accepted())
      continue;
    ++t.accepted;
    const auto& o = obs.by_seq[i];
    t.max_attempts = std::max<std::size_t>(t.max_attempts, o.arrivals);
    t.duplicates += o.after_ok;
    if (o.oks > 0) {
      ++t.delivered;
      // attempts until the first success: arrivals before it + 1
      const auto attempts = o.arrivals - o.after_ok;
      t.attempts_delivered += attempts;
      ++t.attempts_hist[std::min<std::size_t>(attempts, 6) - 1];
      if (o.first_was_ok) {
        ++t.first_try;
        const auto after_202 = static_cast<double>(o.first_ok_ns - m.accept_ns) / 1e6;
        if (after_202 < 0)
          ++t.before_202;
        t.latency_ms.push_back(std::max(0.0, after_202));
        if (m.sent_ns != 0) // 0: posted by wrk, which cannot tell when (wrk_producer.hpp)
          t.posted_latency_ms.push_back(static_cast<double>(o.first_ok_ns - m.sent_ns) / 1e6);
      }
      continue;
    }
    switch (state_of[i]) {
      case store_state::unknown: ++t.unverified; break;
      case store_state::pending: ++t.pending; break;
      case store_state::exhausted: ++t.exhausted; break;
      case store_state::endpoint_disabled: ++t.endpoint_disabled; break;
      case store_state::endpoint_deleted: ++t.endpoint_deleted; break;
      case store_state::delivered: // hookd says delivered, the receiver never answered 2xx
      case store_state::missing:
      case store_state::error: ++t.lost; break;
    }
  }
  for (std::size_t k = 0; k < endpoints.size(); ++k) {
    const auto idx = endpoints[k];
    const auto& e = ep_states[k];
    auto& t = out.groups[reg.endpoints[idx].group];
    if (e.status.empty())
      continue;
    ++t.looked_up;
    if (e.status == "enabled") {
      ++t.ep_enabled;
      continue;
    }
    if (e.disabled_reason == "gone")
      ++t.ep_gone;
    else if (e.disabled_reason == "failing")
      ++t.ep_failing;
    else
      ++t.ep_manual;
    if (obs.first_failure_ns[idx] != 0 && e.updated_ms != 0) {
      const double after =
          static_cast<double>(e.updated_ms) / 1e3 - static_cast<double>(obs.first_failure_ns[idx]) / 1e9;
      t.disable_after_min_s = std::min(t.disable_after_min_s.value_or(after), after);
      t.disable_after_max_s = std::max(t.disable_after_max_s.value_or(after), after);
    }
  }
  auto& all = out.total;
  all = tally{};
  for (auto& t : out.groups) {
    t.latency = compute_percentiles(t.latency_ms);
    t.posted_latency = compute_percentiles(t.posted_latency_ms);
    all.before_202 += t.before_202;
    all.posted_latency_ms.insert(all.posted_latency_ms.end(), t.posted_latency_ms.begin(),
                                 t.posted_latency_ms.end());
    t.posted_latency_ms.clear();
    t.posted_latency_ms.shrink_to_fit();
    all.endpoints += t.endpoints;
    all.accepted += t.accepted;
    all.delivered += t.delivered;
    all.first_try += t.first_try;
    all.exhausted += t.exhausted;
    all.endpoint_disabled += t.endpoint_disabled;
    all.endpoint_deleted += t.endpoint_deleted;
    all.pending += t.pending;
    all.lost += t.lost;
    all.unverified += t.unverified;
    all.in_doubt += t.in_doubt;
    all.duplicates += t.duplicates;
    all.bad_signature += t.bad_signature;
    all.requests += t.requests;
    all.attempts_delivered += t.attempts_delivered;
    all.max_attempts = std::max(all.max_attempts, t.max_attempts);
    for (std::size_t k = 0; k < t.attempts_hist.size(); ++k)
      all.attempts_hist[k] += t.attempts_hist[k];
    all.latency_ms.insert(all.latency_ms.end(), t.latency_ms.begin(), t.latency_ms.end());
    all.looked_up += t.looked_up;
    all.ep_enabled += t.ep_enabled;
    all.ep_gone += t.ep_gone;
    all.ep_failing += t.ep_failing;
    all.ep_manual += t.ep_manual;
    t.latency_ms.clear();
    t.latency_ms.shrink_to_fit();
  }
  all.misrouted = obs.misrouted;
  all.latency = compute_percentiles(all.latency_ms);
  all.posted_latency = compute_percentiles(all.posted_latency_ms);
  all.posted_latency_ms.clear();
  all.posted_latency_ms.shrink_to_fit();
  all.latency_ms.clear();
  all.latency_ms.shrink_to_fit();
  out.unknown_ids = obs.unknown_ids;
}

namespace {

std::string num(double v) {
  std::ostringstream s;
  s.precision(4);
  s << v;
  return s.str();
}

} // namespace

void check_expectations(const scenario& s, run_result& out) {
  auto add = [&](std::string what, bool pass, std::string detail) {
    out.checks.push_back({std::move(what), pass, std::move(detail)});
  };
  const auto& t = out.total;
  add("lost <= " + std::to_string(s.expect.lost), t.lost <= s.expect.lost,
      "lost " + std::to_string(t.lost));
  add("invalid signatures <= " + std::to_string(s.expect.invalid_signatures),
      t.bad_signature <= s.expect.invalid_signatures,
      "invalid " + std::to_string(t.bad_signature));
  add("no delivery at the wrong endpoint", t.misrouted == 0,
      "misrouted " + std::to_string(t.misrouted));
  if (s.expect.duplicates_max)
    add("duplicates <= " + std::to_string(*s.expect.duplicates_max),
        t.duplicates <= *s.expect.duplicates_max, "duplicates " + std::to_string(t.duplicates));
  if (s.expect.settled && !s.phases.empty() && s.phases.back().wait_final)
    add("every delivery final at the end", t.pending == 0 && out.phases.back().settled,
        "pending " + std::to_string(t.pending));
  if (t.unverified > 0) // load.verify_limit: only a sample of the undelivered was looked up
    add("undelivered messages looked up (a sample: load.verify_limit)", true,
        std::to_string(t.unverified) + " not looked up; lost counts the sample only");
  if (const auto& w = out.wrk_producer; w.ran) { // load.producer: what wrk's script saw
    add("wrk producer: a final answer for every message", w.stopped_itself && w.unanswered() == 0,
        std::to_string(w.unanswered()) + " posts without an answer (in doubt)");
    add("wrk producer: every 202 read with its message id and endpoint",
        w.ids_read == w.accepted && w.unmatched == 0,
        std::to_string(w.ids_read) + " ids for " + std::to_string(w.accepted) + " 202s, " +
            std::to_string(w.unmatched) + " unmatched");
  }
  for (std::size_t g = 0; g < s.groups.size(); ++g) {
    const auto& spec = s.groups[g];
    const auto& r = out.groups[g];
    const auto name = spec.name + ": ";
    if (spec.expect_delivered_ratio)
      add(name + "delivered >= " + num(*spec.expect_delivered_ratio * 100) + "%",
          r.delivered_ratio() >= *spec.expect_delivered_ratio,
          num(r.delivered_ratio() * 100) + "% (" + std::to_string(r.delivered) + " of " +
              std::to_string(r.accepted) + ")");
    if (spec.expect_exhausted_max)
      add(name + "exhausted <= " + std::to_string(*spec.expect_exhausted_max),
          r.exhausted <= *spec.expect_exhausted_max, "exhausted " + std::to_string(r.exhausted));
    if (spec.expect_max_attempts)
      add(name + "at most " + std::to_string(*spec.expect_max_attempts) + " attempt(s) per delivery",
          r.max_attempts <= *spec.expect_max_attempts,
          "max " + std::to_string(r.max_attempts));
    if (spec.expect_enabled && *spec.expect_enabled)
      add(name + "every endpoint still enabled", r.looked_up == r.endpoints && r.ep_enabled == r.endpoints,
          std::to_string(r.ep_enabled) + " of " + std::to_string(r.endpoints) + " enabled (" +
              std::to_string(r.looked_up) + " looked up)");
    if (spec.expect_disabled_reason) {
      const auto& why = *spec.expect_disabled_reason;
      const auto n = why == "gone" ? r.ep_gone : why == "failing" ? r.ep_failing : r.ep_manual;
      add(name + "every endpoint disabled (" + why + ")", r.looked_up == r.endpoints && n == r.endpoints,
          std::to_string(n) + " of " + std::to_string(r.endpoints) + " disabled " + why);
    }
    if (spec.expect_disable_after_min_s)
      add(name + "disabled no earlier than " + num(*spec.expect_disable_after_min_s) +
              " s after the first failure",
          r.disable_after_min_s && *r.disable_after_min_s >= *spec.expect_disable_after_min_s,
          r.disable_after_min_s ? "earliest " + num(*r.disable_after_min_s) + " s" : "none disabled");
    if (spec.expect_disable_after_max_s)
      add(name + "disabled no later than " + num(*spec.expect_disable_after_max_s) +
              " s after the first failure",
          r.disable_after_max_s && *r.disable_after_max_s <= *spec.expect_disable_after_max_s,
          r.disable_after_max_s ? "latest " + num(*r.disable_after_max_s) + " s" : "none disabled");
  }
}

} // namespace hookd::bench
