#include "metrics/exposition.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace hookd::metrics {
namespace {

using label = std::pair<std::string_view, std::string_view>;

/// A label value in the text format: backslash, double quote and line feed escaped.
void append_label_value(std::string& out, std::string_view v) {
  for (const char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

/// A HELP docstring: backslash and line feed escaped (a double quote stays as is).
void append_help(std::string& out, std::string_view v) {
  for (const char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

/// A float the way the Go client (and so Prometheus itself) writes one: "+Inf", "-Inf", "NaN",
/// else the shortest round-trip digits, in exponent form when the decimal exponent is below -4
/// or at least 6 (strconv.FormatFloat(f, 'g', -1, 64)): 0.005, 1, 2.5, 36000, 5e-05, 1e+06.
void append_float(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[64];
  // Shortest scientific form first: "d.ddde±XX" tells the decimal exponent.
  const auto sci = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  const std::string_view s{buf, static_cast<std::size_t>(sci.ptr - buf)};
  const auto e = s.find('e');
  int exponent = 0;
  const auto digits = s.substr(e + 1);
  const char* first = digits.data() + (digits.starts_with('+') ? 1 : 0);
  std::from_chars(first, digits.data() + digits.size(), exponent);
  if (exponent < -4 || exponent >= 6) {
    out += s;
    return;
  }
  const auto fixed = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  out.append(buf, fixed.ptr);
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

class writer {
public:
  explicit writer(std::string& out) : out_(out) {}

  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    append_help(out_, help);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  void sample(std::string_view name, std::initializer_list<label> labels, std::uint64_t v) {
    head(name, labels);
    append_uint(out_, v);
    out_ += '\n';
  }
  void sample_signed(std::string_view name, std::initializer_list<label> labels, std::int64_t v) {
    head(name, labels);
    append_int(out_, v);
    out_ += '\n';
  }
  void sample_float(std::string_view name, std::initializer_list<label> labels, double v) {
    head(name, labels);
    append_float(out_, v);
    out_ += '\n';
  }

  void histogram(std::string_view name, std::string_view help, const histogram::snapshot& h) {
    family(name, "histogram", help);
    const std::string bucket = std::string{name} + "_bucket";
    std::string le;
    for (std::size_t i = 0; i < h.upper_bounds.size(); ++i) {
      le.clear();
      append_float(le, h.upper_bounds[i]);
      sample(bucket, {{"le", le}}, h.cumulative[i]);
    }
    sample(bucket, {{"le", "+Inf"}}, h.count);
    sample_float(std::string{name} + "_sum", {}, h.sum);
    sample(std::string{name} + "_count", {}, h.count);
  }

private:
  void head(std::string_view name, std::initializer_list<label> labels) {
    out_ += name;
    if (labels.size() != 0) {
      out_ += '{';
      bool first = true;
      for (const auto& [k, v] : labels) {
        if (!first)
          out_ += ',';
        first = false;
        out_ += k;
        out_ += "=\"";
        append_label_value(out_, v);
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
  }

  std::string& out_;
};

constexpr std::array<std::string_view, 5> due_labels{"now", "1m", "10m", "1h", "later"};

} // namespace

std::string render_prometheus(const metrics& m, const store::store_counts& counts,
                              const std::vector<failing_endpoint>& failing,
                              const std::optional<cluster_figures>& cluster) {
  std::string out;
  out.reserve(8192 + failing.size() * 160);
  writer w{out};

  w.family("hookd_messages_accepted_total", "counter", "Messages accepted by the API.");
  w.sample("hookd_messages_accepted_total", {}, m.messages_accepted.value());

  w.family("hookd_attempts_total", "counter",
           "Delivery attempts by outcome: success (2xx), failure (retryable), permanent (gone).");
  for (const auto o :
       {attempt_outcome::success, attempt_outcome::failure, attempt_outcome::permanent})
    w.sample("hookd_attempts_total", {{"outcome", to_string(o)}},
             m.attempts[static_cast<std::size_t>(o)].value());

  w.family("hookd_deliveries_total", "counter",
           "Deliveries that reached a final status (failed ones by reason).");
  w.sample("hookd_deliveries_total", {{"status", to_string(delivery_status::delivered)}},
           m.deliveries_delivered.value());
  for (const auto r : {failure_reason::exhausted, failure_reason::endpoint_disabled,
                       failure_reason::endpoint_deleted})
    w.sample("hookd_deliveries_total",
             {{"status", to_string(delivery_status::failed)}, {"reason", to_string(r)}},
             m.deliveries_failed[static_cast<std::size_t>(r)].value());

  w.family("hookd_retries_scheduled_total", "counter", "Retries scheduled after a failed attempt.");
  w.sample("hookd_retries_scheduled_total", {}, m.retries_scheduled.value());

  w.family("hookd_pending_deliveries", "gauge", "Deliveries waiting for a (next) attempt.");
  w.sample_signed("hookd_pending_deliveries", {}, counts.pending);

  w.family("hookd_pending_deliveries_by_due", "gauge",
           "Pending deliveries by due time: now (overdue), within 1m, 10m, 1h, or later.");
  for (std::size_t i = 0; i < due_labels.size(); ++i)
    w.sample_signed("hookd_pending_deliveries_by_due", {{"due", due_labels[i]}},
                    counts.pending_by_due[i]);

  w.family("hookd_endpoints", "gauge", "Endpoints by status.");
  w.sample_signed("hookd_endpoints", {{"status", to_string(endpoint_status::enabled)}},
                  counts.endpoints_enabled);
  w.sample_signed("hookd_endpoints", {{"status", to_string(endpoint_status::disabled)}},
                  counts.endpoints_disabled);

  if (cluster) {
    w.family("hookd_cluster_nodes", "gauge", "Live nodes of the cluster, as of this node's last heartbeat.");
    w.sample_signed("hookd_cluster_nodes", {}, cluster->live_nodes);
    w.family("hookd_endpoints_owned", "gauge",
             "Endpoints whose partition lease this node holds (their actors run here).");
    w.sample_signed("hookd_endpoints_owned", {}, cluster->endpoints_owned);
    w.family("hookd_partitions_owned", "gauge", "Partition leases this node holds (of 256).");
    w.sample_signed("hookd_partitions_owned", {}, cluster->partitions_owned);
    w.family("hookd_cluster_leader", "gauge", "1 on the node that runs the cluster-wide duties.");
    w.sample_signed("hookd_cluster_leader", {}, cluster->leader ? 1 : 0);
  }

  w.family("hookd_endpoint_disabled_total", "counter", "Endpoints disabled, by reason.");
  for (const auto r : {disabled_reason::gone, disabled_reason::failing, disabled_reason::manual})
    w.sample("hookd_endpoint_disabled_total", {{"reason", to_string(r)}},
             m.endpoint_disabled[static_cast<std::size_t>(r)].value());

  w.family("hookd_attempts_in_flight", "gauge", "Attempts currently in flight.");
  w.sample_signed("hookd_attempts_in_flight", {}, m.attempts_in_flight.value());

  w.histogram("hookd_attempt_duration_seconds", "Duration of one delivery attempt.",
              m.attempt_duration.read());
  w.histogram("hookd_delivery_latency_seconds",
              "Time from a message's acceptance to its delivery to an endpoint.",
              m.delivery_latency.read());
  w.histogram("hookd_store_commit_seconds", "Duration of one store group commit.",
              m.store_commit.read());

  w.family("hookd_store_commands_total", "counter", "Store commands committed.");
  w.sample("hookd_store_commands_total", {}, m.store_commands.value());

  w.family("hookd_alerts_total", "counter", "Alerts raised, by kind.");
  for (std::size_t k = 0; k < alert_kinds; ++k)
    w.sample("hookd_alerts_total", {{"kind", to_string(static_cast<alert_kind>(k))}},
             m.alerts[k].value());

  w.family("hookd_inbound_requests_total", "counter",
           "Requests posted to /in/ (inbound sources), by source and result.");
  for (const auto& r : m.inbound.read())
    w.sample("hookd_inbound_requests_total", {{"source", r.source}, {"result", to_string(r.result)}},
             r.value);

  // Per-endpoint series only for the few endpoints passed in (the most failing ones), so the
  // scrape stays small however many endpoints exist. A repeated id is written once.
  std::unordered_set<std::string_view> seen;
  std::vector<const failing_endpoint*> unique;
  unique.reserve(failing.size());
  for (const auto& f : failing)
    if (seen.insert(f.endpoint_id).second)
      unique.push_back(&f);

  w.family("hookd_endpoint_failed_attempts_1h", "gauge",
           "Failed attempts in the last hour of the most failing endpoints.");
  for (const auto* f : unique)
    w.sample("hookd_endpoint_failed_attempts_1h", {{"endpoint_id", f->endpoint_id}}, f->failed_1h);

  w.family("hookd_endpoint_last_status_code", "gauge",
           "Last HTTP status of the most failing endpoints' failed attempts (0: no response).");
  for (const auto* f : unique)
    w.sample_signed("hookd_endpoint_last_status_code", {{"endpoint_id", f->endpoint_id}},
                    f->last_status_code);

  return out;
}

} // namespace hookd::metrics
