#pragma once
// One group of endpoints that behave alike: how many, how the receiver answers them, how hookd
// registers them, and what the bench expects of them. Scenario files hold a list of these
// ([[groups]]); the receiver reads the same list, so both agree on names and order.
//
// An endpoint is named "<group>-<index>" (index 0..count-1) and served at /e/<group>-<index>.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hookd::bench {

/// How long the receiver waits before answering.
struct latency_spec {
  enum class kind : std::uint8_t { none, fixed, uniform, exponential };
  kind shape = kind::none;
  double a_ms = 0; ///< fixed: the delay; uniform: lower bound; exponential: the mean
  double b_ms = 0; ///< uniform: upper bound
};

/// [from, to) in seconds since the receiver's start mark (POST /_ctl/start).
struct time_window {
  double from_s = 0;
  double to_s = 0;
};

/// What the receiver does during an outage.
enum class outage_action : std::uint8_t { status, close, hang };

struct endpoint_group {
  std::string name;
  std::size_t count = 1;
  double weight = 1.0; ///< share of a phase's messages per endpoint, relative to other groups

  // -- receiver behaviour, judged in this order ---------------------------------------------
  std::vector<time_window> outages; ///< down during these windows
  outage_action outage = outage_action::status;
  int outage_status = 503;
  std::int64_t gone_after = -1; ///< answer `gone_status` from request number N on (0: always)
  int gone_status = 410;
  double hang_ratio = 0;        ///< never answer this fraction of requests
  double throttle_ratio = 0;    ///< answer 429 + Retry-After to this fraction
  int retry_after_s = 1;
  double fail_ratio = 0;        ///< answer one of `fail_statuses` (round-robin) to this fraction
  std::vector<int> fail_statuses{500};
  latency_spec latency;         ///< applied to every answer
  bool record = true;           ///< keep a record per request (false: counters only)

  // -- how hookd registers the endpoint (extra fields of POST /v1/endpoints) ---------------
  nlohmann::json endpoint_fields = nlohmann::json::object();

  // -- expectations checked by the bench -----------------------------------------------------
  std::optional<double> expect_delivered_ratio;        ///< delivered / accepted at least
  std::optional<std::size_t> expect_exhausted_max;     ///< failed/exhausted at most
  std::optional<std::string> expect_disabled_reason;   ///< every endpoint disabled with this
  std::optional<bool> expect_enabled;                  ///< every endpoint still enabled
  std::optional<std::size_t> expect_max_attempts;      ///< per delivery, at the receiver
  std::optional<double> expect_disable_after_min_s;    ///< first failure → disabled, at least
  std::optional<double> expect_disable_after_max_s;    ///< … and at most
};

/// The [[groups]] of a scenario file (throws std::runtime_error naming the key on a bad value,
/// or when there is none). The receiver reads its script this way.
std::vector<endpoint_group> load_groups(const std::string& scenario_path);

/// Endpoints over all groups.
std::size_t total_endpoints(const std::vector<endpoint_group>& groups);

/// Parses "250ms", "15s", "2m", "1h" to seconds (throws naming `what` otherwise).
double parse_seconds(const std::string& text, const std::string& what);

} // namespace hookd::bench
