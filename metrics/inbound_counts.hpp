#pragma once
// hookd_inbound_requests_total{source,result}: what became of each request posted to /in/
// (docs/inbound.md). One count per (source, result) pair, kept under a mutex: inbound requests
// come at a sender's pace, far below delivery rates. `source` is the source's id, or "unknown"
// for a path naming none (so strangers cannot grow the series).
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hookd::metrics {

enum class inbound_result : std::uint8_t {
  accepted,       ///< stored; relayed to the subscribed endpoints
  duplicate,      ///< the sender's id was stored already: answered 200, nothing stored
  unauthorized,   ///< 401: signature or token missing, malformed, wrong or stale
  unknown_source, ///< 404
  too_large,      ///< 413
  not_json,       ///< 415
  malformed,      ///< 400 (too deep)
  unavailable,    ///< 503: shutting down, recovering, overloaded or the store failed
};
std::string_view to_string(inbound_result r);

class inbound_counts {
public:
  void count(std::string_view source, inbound_result r);

  struct row {
    std::string source;
    inbound_result result;
    std::uint64_t value;
  };
  /// Every pair counted so far, by source then result.
  std::vector<row> read() const;

private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, inbound_result>, std::uint64_t, std::less<>> counts_;
};

} // namespace hookd::metrics
